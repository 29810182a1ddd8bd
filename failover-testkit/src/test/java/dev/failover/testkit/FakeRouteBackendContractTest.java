package dev.failover.testkit;

import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.RouteBackend;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;

/** {@link FakeRouteBackend} keeps the {@link RouteBackendContractTest} contract. */
class FakeRouteBackendContractTest extends RouteBackendContractTest {
  private FakeRouteBackend backend = new FakeRouteBackend();

  @BeforeEach
  void newBackend() {
    backend = new FakeRouteBackend();
  }

  @Override
  protected RouteBackend backend() {
    return backend;
  }

  /** Dual-stack, so that the family test runs too; every IPv6 gateway is {@code fe80::1}. */
  @Override
  protected List<Provider> providers() {
    return List.of(
        dual(
            Provider.of(
                "isp-a", "eth1", "192.168.1.11", "192.168.1.0/24", "192.168.1.1", "isp_a", 101),
            1),
        dual(
            Provider.of(
                "isp-b", "eth2", "192.168.1.12", "192.168.1.0/24", "192.168.1.1", "isp_b", 102),
            2),
        dual(Provider.of("isp-c", "eth3", "10.0.3.2", "10.0.3.0/24", "10.0.3.1", "isp_c", 103), 3));
  }

  private static Provider dual(Provider provider, int i) {
    return provider.withIpv6(
        Ipv6.parse("2001:db8:" + i + "::2"),
        Ipv6Network.parse("2001:db8:" + i + "::/64"),
        Ipv6.parse("fe80::1"));
  }
}
