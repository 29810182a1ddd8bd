package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.AddressFamily;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.lab.NamespaceLab;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NetlinkRouteBackend} with IPv6 states against the real kernel, in a fresh dual-stack
 * namespace lab per test: every uplink's IPv6 gateway is {@code fe80::1} (the modems' link-local
 * address), each ISP's radvd puts a {@code proto ra} default route per uplink in the router's main
 * table at metric 1024, and each uplink gets a static address {@code 2001:db8:i::100} (no duplicate
 * address detection, so it is usable at once). {@code ip} is the independent oracle.
 */
class NetlinkRouteBackendIpv6NamespaceTest {
  private NamespaceLab lab;
  private RouterShell router;
  private Provider p1;
  private Provider p2;
  private Provider p3;
  private NetlinkRouteBackend backend;

  @BeforeAll
  static void needsRootAndRadvd() {
    assumeTrue(
        NamespaceLab.ipv6UnavailableReason().isEmpty(),
        NamespaceLab.ipv6UnavailableReason().orElse(""));
  }

  @BeforeEach
  void startLab() throws Exception {
    lab = NamespaceLab.builder("fl").lanClient(false).ipv6(true).build();
    router = new RouterShell(lab);
    List<Provider> providers = LabNetlink.dualStackProviders(lab);
    p1 = providers.get(0);
    p2 = providers.get(1);
    p3 = providers.get(2);
    backend =
        new NetlinkRouteBackend(
            NetlinkRouteBackendSettings.defaults(),
            Providers.of(providers),
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

  private static RoutingState v6(Provider... ranked) {
    return RoutingState.ranked(AddressFamily.IPV6, List.of(ranked), 100);
  }

  private static RoutingState v4(Provider... ranked) {
    return RoutingState.ranked(AddressFamily.IPV4, List.of(ranked), 100);
  }

  /** The main table's IPv6 default routes this backend made (protocol 201), in metric order. */
  private List<String> ourV6Defaults() throws Exception {
    return router.ip("-6", "route", "show", "table", "main", "default", "proto", "201");
  }

  @Test
  void apply_ipv6IdenticalLinkLocalGateways_kernelHoldsTheLayout() throws Exception {
    ApplyOutcome outcome = backend.apply(v6(p1, p2, p3));

    assertThat(outcome.isComplete()).as("%s", outcome).isTrue();
    assertThat(ourV6Defaults())
        .containsExactly(
            "default via fe80::1 dev wan1 src 2001:db8:1::100 metric 100 pref medium",
            "default via fe80::1 dev wan2 src 2001:db8:2::100 metric 101 pref medium",
            "default via fe80::1 dev wan3 src 2001:db8:3::100 metric 102 pref medium");
    assertThat(router.ip("-6", "route", "show", "table", "102"))
        .containsExactlyInAnyOrder(
            "2001:db8:2::/64 dev wan2 proto 201 src 2001:db8:2::100 metric 1024 pref medium",
            "default via fe80::1 dev wan2 proto 201 metric 1024 pref medium",
            "unreachable default dev lo proto 201 metric 4294967295 pref medium");
    assertThat(router.ip("-6", "rule", "show"))
        .containsExactly(
            "0:\tfrom all lookup local",
            "30000:\tfrom 2001:db8:1::100 lookup 101 proto 201",
            "30000:\tfrom 2001:db8:2::100 lookup 102 proto 201",
            "30000:\tfrom 2001:db8:3::100 lookup 103 proto 201",
            "32766:\tfrom all lookup main");
    // The router advertisements' routes (as many as have arrived) sit above ours, at 1024, and
    // are left alone.
    assertThat(router.ip("-6", "route", "show", "table", "main", "default", "proto", "ra"))
        .allMatch(r -> r.contains(" metric 1024 "), "RA routes at their own metric");
    assertThat(backend.current(AddressFamily.IPV6)).contains(v6(p1, p2, p3));
  }

  @Test
  void apply_ipv6SameStateTwice_secondSendsNothing() throws Exception {
    backend.apply(v6(p1, p2, p3));

    List<String> events;
    try (RouteMonitor monitor = RouteMonitor.start(lab, "route", "rule")) {
      backend.apply(v6(p1, p2, p3));
      events = monitor.stop();
    }

    // Only the router advertisements' own refreshes may show up.
    assertThat(events).allMatch(e -> e.contains("proto ra"), "only RA refreshes");
  }

  @Test
  void apply_ipv6SwitchesWhileMonitorWatches_ourDefaultNeverMissing() throws Exception {
    backend.apply(v6(p1, p2, p3));
    List<RoutingState> plan =
        List.of(v6(p2, p1, p3), v6(p3, p2, p1), v6(p1, p3, p2), v6(p2, p3), v6(p3), v6(p1, p2, p3));

    List<String> events;
    try (RouteMonitor monitor = RouteMonitor.start(lab, "route")) {
      for (RoutingState state : plan) {
        assertThat(backend.apply(state).isComplete()).isTrue();
      }
      events = monitor.stop();
    }

    Map<Long, String> ours = new TreeMap<>();
    for (long metric = 100; metric <= 102; metric++) {
      ours.put(metric, "initial");
    }
    int replacements = 0;
    int deletions = 0;
    for (String event : events) {
      boolean deleted = event.startsWith("Deleted ");
      String route = deleted ? event.substring("Deleted ".length()) : event;
      if (!route.startsWith("default via fe80::1 ")
          || route.contains(" table ")
          || !route.contains(" proto 201 ")) {
        continue;
      }
      long metric = RouteMonitor.metric(route);
      if (deleted) {
        deletions++;
        ours.remove(metric);
      } else {
        replacements++;
        ours.put(metric, route);
      }
      assertThat(ours).as("our IPv6 defaults after '%s' (all: %s)", event, events).isNotEmpty();
    }
    assertThat(replacements).as("events: %s", events).isGreaterThanOrEqualTo(10);
    assertThat(deletions).as("only shrinking the state deletes: %s", events).isEqualTo(2);
    assertThat(ourV6Defaults())
        .containsExactly(
            "default via fe80::1 dev wan1 src 2001:db8:1::100 metric 100 pref medium",
            "default via fe80::1 dev wan2 src 2001:db8:2::100 metric 101 pref medium",
            "default via fe80::1 dev wan3 src 2001:db8:3::100 metric 102 pref medium");
  }

  @Test
  void apply_ipv6State_leavesIpv4AsItWasAndTheReverse() throws Exception {
    backend.apply(v4(p1, p2, p3));
    String ipv4Before = router.dump();

    backend.apply(v6(p3, p1));
    backend.apply(v6(p2));

    assertThat(router.dump()).isEqualTo(ipv4Before);
    assertThat(backend.current()).contains(v4(p1, p2, p3));
    List<String> ipv6Before = router.ip("-6", "route", "show", "table", "all", "proto", "201");
    List<String> ipv6RulesBefore = router.ip("-6", "rule", "show");

    backend.apply(v4(p3, p2));
    backend.apply(v4(p1));

    assertThat(router.ip("-6", "route", "show", "table", "all", "proto", "201"))
        .isEqualTo(ipv6Before);
    assertThat(router.ip("-6", "rule", "show")).isEqualTo(ipv6RulesBefore);
    assertThat(backend.current(AddressFamily.IPV6)).contains(v6(p2));
    assertThat(backend.current(AddressFamily.IPV4)).contains(v4(p1));
  }

  /**
   * As in IPv4, a deletion needs a desired default route in place: an empty state deletes none of
   * ours (the last IPv6 default route is never deleted by accident) and says so.
   */
  @Test
  void apply_ipv6EmptyState_keepsOurDefaultsAndFails() throws Exception {
    backend.apply(v6(p1, p2, p3));

    assertThatThrownBy(() -> backend.apply(new RoutingState(List.of(), AddressFamily.IPV6)))
        .isInstanceOf(RouteBackendException.class)
        .hasMessageContaining("stale default route default via fe80::1 dev wan1");

    assertThat(ourV6Defaults()).hasSize(3);
    assertThat(router.ip("-6", "rule", "show")).hasSize(5);
    assertThat(backend.current(AddressFamily.IPV6)).isEqualTo(Optional.of(v6(p1, p2, p3)));
  }

  @Test
  void apply_ipv6RemoveForeign_deletesRouterAdvertisementRoutesOnceOursAreIn() throws Exception {
    NetlinkRouteBackend removing =
        new NetlinkRouteBackend(
            NetlinkRouteBackendSettings.defaults().withForeignRoutes(ForeignRouteHandling.REMOVE),
            Providers.of(List.of(p1, p2, p3)),
            LabNetlink.router(lab));
    try {
      // One that takes precedence over ours, and so is there whenever the RAs' routes come.
      router.must("-6", "route", "add", "default", "via", "fe80::1", "dev", "wan2", "proto", "ra",
          "metric", "50");
      String ipv4Before = router.dump();
      ApplyOutcome outcome = removing.apply(v6(p1, p2, p3));

      assertThat(outcome.isComplete()).as("%s", outcome).isTrue();
      assertThat(router.ip("-6", "route", "show", "table", "main", "default"))
          .allMatch(r -> r.contains(" proto 201 "), "only ours")
          .hasSize(3);
      assertThat(router.dump()).as("IPv4 untouched").isEqualTo(ipv4Before);
    } finally {
      removing.close();
    }
  }

  @Test
  void apply_ipv6DemoteForeign_copiesItAboveOursAndDeletesTheOriginal() throws Exception {
    router.must("-6", "route", "add", "default", "via", "fe80::1", "dev", "wan2", "proto", "dhcp",
        "metric", "50");

    ApplyOutcome outcome = backend.apply(v6(p1, p2, p3));

    assertThat(outcome.isComplete()).as("%s", outcome).isTrue();
    assertThat(router.ip("-6", "route", "show", "table", "main", "default", "proto", "dhcp"))
        .containsExactly("default via fe80::1 dev wan2 metric 103 pref medium");
    assertThat(ourV6Defaults()).hasSize(3);
    assertThat(backend.current(AddressFamily.IPV6)).contains(v6(p1, p2, p3));
  }

  /** A provider without an IPv6 gateway (a point-to-point link) is reached through its device. */
  @Test
  void apply_ipv6ProviderWithoutGateway_defaultThroughTheDevice() throws Exception {
    Provider noGateway = p1.withIpv6(p1.ipv6Address(), p1.ipv6Prefix(), null);
    NetlinkRouteBackend devOnly =
        new NetlinkRouteBackend(
            NetlinkRouteBackendSettings.defaults(),
            Providers.of(List.of(noGateway, p2)),
            LabNetlink.router(lab));
    try {
      ApplyOutcome outcome = devOnly.apply(v6(noGateway, p2));

      assertThat(outcome.isComplete()).as("%s", outcome).isTrue();
      assertThat(ourV6Defaults())
          .containsExactly(
              "default dev wan1 src 2001:db8:1::100 metric 100 pref medium",
              "default via fe80::1 dev wan2 src 2001:db8:2::100 metric 101 pref medium");
      assertThat(router.ip("-6", "route", "show", "table", "101"))
          .contains("default dev wan1 proto 201 metric 1024 pref medium");
      assertThat(devOnly.current(AddressFamily.IPV6)).contains(v6(noGateway, p2));
    } finally {
      devOnly.close();
    }
  }
}
