package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.api.RoutingState;
import dev.failover.lab.NamespaceLab;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NetlinkRouteBackend} with providers that learn their values from their interface (issue
 * 10), against the real kernel, {@code ip} as the oracle: a point-to-point provider's routes name
 * the device alone, a gateway outside the network is flagged on-link, and a new lease's routes and
 * rule replace the old ones, which are removed.
 */
class NetlinkRouteBackendLearnedNamespaceTest {
  private NamespaceLab lab;
  private RouterShell router;
  private NetlinkRouteBackend backend;
  private Provider p1;

  /** isp2 as configured for DHCP: only its identity and table. */
  private Provider learning;

  @BeforeAll
  static void needsRoot() {
    assumeTrue(
        NamespaceLab.unavailableReason().isEmpty(), NamespaceLab.unavailableReason().orElse(""));
  }

  @BeforeEach
  void startLab() throws Exception {
    lab = NamespaceLab.builder("fl").isps(2).lanClient(false).build();
    router = new RouterShell(lab);
    p1 = lab.isp(1).provider();
    learning = new Provider("isp2", "wan2", null, null, null, "isp2", 102);
    backend =
        new NetlinkRouteBackend(
            NetlinkRouteBackendSettings.defaults(),
            Providers.of(p1, learning),
            LabNetlink.router(lab));
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

  @Test
  void apply_pointToPointProvider_routesThroughTheDeviceAlone() throws Exception {
    lab.exec(lab.routerNamespace(), "ip", "-4", "addr", "flush", "dev", "wan2");
    lab.exec(
        lab.routerNamespace(), "ip", "addr", "add", "10.2.0.2", "peer", "10.2.0.1", "dev", "wan2");
    Provider p2p = Provider.of("isp2", "wan2", "10.2.0.2", "10.2.0.2/32", null, "isp2", 102);

    assertThat(backend.apply(RoutingState.ranked(List.of(p2p, p1), 100)).isComplete()).isTrue();

    assertThat(router.mainDefaults())
        .containsExactly(
            "default dev wan2 proto 201 scope link src 10.2.0.2 metric 100",
            "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 101");
    assertThat(router.ip("-4", "route", "show", "table", "102"))
        .contains("default dev wan2 proto 201 scope link");
    assertThat(router.ip("-4", "rule", "show"))
        .contains("30000:\tfrom 10.2.0.2 lookup 102 proto 201");
    // The same state again sends nothing: what was made is recognised as ours.
    assertThat(backend.apply(RoutingState.ranked(List.of(p2p, p1), 100)).isComplete()).isTrue();
  }

  @Test
  void apply_gatewayOutsideTheNetwork_flaggedOnlink() throws Exception {
    lab.exec(lab.routerNamespace(), "ip", "-4", "addr", "flush", "dev", "wan2");
    lab.exec(lab.routerNamespace(), "ip", "addr", "add", "203.0.113.9/32", "dev", "wan2");
    Provider onlink =
        Provider.of("isp2", "wan2", "203.0.113.9", "203.0.113.9/32", "192.168.1.1", "isp2", 102);

    assertThat(backend.apply(RoutingState.ranked(List.of(p1, onlink), 100)).isComplete()).isTrue();

    assertThat(router.mainDefaults())
        .contains("default via 192.168.1.1 dev wan2 proto 201 src 203.0.113.9 metric 101 onlink");
    assertThat(router.ip("-4", "route", "show", "table", "102"))
        .contains("default via 192.168.1.1 dev wan2 proto 201 onlink");
  }

  @Test
  void apply_newLease_newRoutesAndRuleInPlaceOldOnesRemoved_unconfiguredKeepsOnlyItsGuard()
      throws Exception {
    Provider lease1 = lab.isp(2).provider();
    backend.apply(RoutingState.ranked(List.of(lease1, p1), 100));
    lab.exec(lab.routerNamespace(), "ip", "-4", "addr", "flush", "dev", "wan2");
    lab.exec(lab.routerNamespace(), "ip", "addr", "add", "192.168.1.77/24", "dev", "wan2");
    Provider lease2 =
        Provider.of("isp2", "wan2", "192.168.1.77", "192.168.1.0/24", "192.168.1.1", "isp2", 102);

    assertThat(backend.apply(RoutingState.ranked(List.of(lease2, p1), 100)).isComplete()).isTrue();

    assertThat(router.mainDefaults())
        .containsExactly(
            "default via 192.168.1.1 dev wan2 proto 201 src 192.168.1.77 metric 100",
            "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 101");
    assertThat(router.ip("-4", "rule", "show"))
        .contains("30000:\tfrom 192.168.1.77 lookup 102 proto 201")
        .doesNotContain("30000:\tfrom 192.168.1.12 lookup 102 proto 201");

    // The lease is lost: the routing state no longer names isp2.
    lab.exec(lab.routerNamespace(), "ip", "-4", "addr", "flush", "dev", "wan2");
    assertThat(backend.apply(RoutingState.ranked(List.of(p1), 100)).isComplete()).isTrue();

    assertThat(router.ip("-4", "rule", "show")).noneMatch(rule -> rule.contains("lookup 102"));
    assertThat(router.ip("-4", "route", "show", "table", "102"))
        .containsExactly("unreachable default proto 201 metric 4294967295");
    assertThat(router.mainDefaults())
        .containsExactly("default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 100");
  }
}
