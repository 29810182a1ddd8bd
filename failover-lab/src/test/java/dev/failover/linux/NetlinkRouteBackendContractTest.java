package dev.failover.linux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.Provider;
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
  private NetlinkRouteBackend backend;

  @BeforeEach
  void startLab() throws Exception {
    assumeTrue(NamespaceLab.unavailableReason().isEmpty(), NamespaceLab.unavailableReason().orElse(""));
    lab = NamespaceLab.builder("fl").lanClient(false).build();
    backend = LabNetlink.backend(lab);
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
    return lab.providers();
  }

  /** The kernel's whole IPv4 routing state in the router namespace. */
  @Override
  protected Object snapshot() throws Exception {
    return new RouterShell(lab).dump();
  }
}
