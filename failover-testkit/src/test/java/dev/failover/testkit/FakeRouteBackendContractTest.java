package dev.failover.testkit;

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

  @Override
  protected List<Provider> providers() {
    return List.of(
        Provider.of("isp-a", "eth1", "192.168.1.11", "192.168.1.0/24", "192.168.1.1", "isp_a", 101),
        Provider.of("isp-b", "eth2", "192.168.1.12", "192.168.1.0/24", "192.168.1.1", "isp_b", 102),
        Provider.of("isp-c", "eth3", "10.0.3.2", "10.0.3.0/24", "10.0.3.1", "isp_c", 103));
  }
}
