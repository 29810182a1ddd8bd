package dev.failover.linux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.api.RouteBackend;
import dev.failover.lab.NamespaceLab;
import dev.failover.testkit.RouteBackendContractTest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * {@link NetlinkRouteBackend} keeps the route backend contract, in a fresh namespace lab per test.
 */
class NetlinkRouteBackendContractTest extends RouteBackendContractTest {
  private NamespaceLab lab;
  private List<Provider> providers;
  private NetlinkRouteBackend backend;

  /**
   * A dual-stack lab where radvd is there, so that the IPv6 case runs too (the providers get IPv6
   * addresses of their own, see {@link LabNetlink#dualStackProviders}); else an IPv4 lab, where
   * the IPv6 case is skipped with its reason.
   */
  @BeforeEach
  void startLab() throws Exception {
    assumeTrue(NamespaceLab.unavailableReason().isEmpty(), NamespaceLab.unavailableReason().orElse(""));
    boolean dualStack = NamespaceLab.ipv6UnavailableReason().isEmpty();
    lab = NamespaceLab.builder("fl").lanClient(false).ipv6(dualStack).build();
    providers = dualStack ? LabNetlink.dualStackProviders(lab) : lab.providers();
    backend = new NetlinkRouteBackend(
        NetlinkRouteBackendSettings.defaults(), Providers.of(providers), LabNetlink.router(lab));
  }

  @AfterEach
  void closeLab() {
    if (backend != null) {
      backend.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Override
  protected RouteBackend backend() {
    return backend;
  }

  @Override
  protected List<Provider> providers() {
    return providers;
  }

  /** The kernel's whole IPv4 routing state in the router namespace. */
  @Override
  protected Object snapshot() throws Exception {
    return new RouterShell(lab).dump();
  }
}
