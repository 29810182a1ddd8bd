package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.lab.NamespaceLab;
import dev.failover.lab.NamespaceLab.LinkSide;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NetlinkRouteBackend} against the real kernel, in a fresh namespace lab per test, with
 * {@code ip} as the independent oracle of what the kernel holds.
 */
class NetlinkRouteBackendNamespaceTest {
  private NamespaceLab lab;
  private RouterShell router;
  private Provider p1;
  private Provider p2;
  private Provider p3;
  private final List<NetlinkRouteBackend> backends = new ArrayList<>();

  @BeforeAll
  static void needsRoot() {
    assumeTrue(NamespaceLab.unavailableReason().isEmpty(), NamespaceLab.unavailableReason().orElse(""));
  }

  @BeforeEach
  void startLab() throws Exception {
    lab = NamespaceLab.builder("fl").lanClient(false).build();
    router = new RouterShell(lab);
    p1 = lab.isp(1).provider();
    p2 = lab.isp(2).provider();
    p3 = lab.isp(3).provider();
  }

  @AfterEach
  void closeLab() {
    backends.forEach(NetlinkRouteBackend::close);
    if (lab != null) {
      lab.close();
    }
  }

  /** {@code backend}, closed after the test with every other one made by {@link #kept}. */
  private NetlinkRouteBackend kept(NetlinkRouteBackend backend) {
    backends.add(backend);
    return backend;
  }

  private NetlinkRouteBackend backend(ForeignRouteHandling handling) {
    return kept(new NetlinkRouteBackend(
        NetlinkRouteBackendSettings.defaults().withForeignRoutes(handling),
        Providers.of(lab.providers()), LabNetlink.router(lab)));
  }

  private NetlinkRouteBackend backend() {
    return backend(ForeignRouteHandling.DEMOTE);
  }

  @Test
  void apply_severalCalls_oneSocketKeptUntilClose() throws Exception {
    LabNetlink netlink = LabNetlink.router(lab);
    NetlinkRouteBackend backend = kept(new NetlinkRouteBackend(
        NetlinkRouteBackendSettings.defaults(), Providers.of(lab.providers()), netlink));

    backend.apply(RoutingState.ranked(List.of(p1, p2, p3), 100));
    backend.apply(RoutingState.ranked(List.of(p2, p1, p3), 100));
    backend.current();
    assertThat(netlink.openCount()).isEqualTo(1);

    backend.close();
    backend.apply(RoutingState.ranked(List.of(p1, p2, p3), 100));

    assertThat(netlink.openCount()).isEqualTo(2);
    assertThat(router.mainDefaults()).first().asString().contains("dev wan1");
  }

  @Test
  void apply_identicalGateways_kernelHoldsExactlyTheLayout() throws Exception {
    backend().apply(RoutingState.ranked(List.of(p1, p2, p3), 100));

    assertThat(router.mainDefaults()).containsExactly(
        "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 100",
        "default via 192.168.1.1 dev wan2 proto 201 src 192.168.1.12 metric 101",
        "default via 192.168.1.1 dev wan3 proto 201 src 192.168.1.13 metric 102");
    assertThat(router.ip("-4", "route", "show", "table", "102")).containsExactly(
        "default via 192.168.1.1 dev wan2 proto 201",
        "unreachable default proto 201 metric 4294967295",
        "192.168.1.0/24 dev wan2 proto 201 scope link src 192.168.1.12");
    assertThat(router.ip("-4", "rule", "show")).containsExactly(
        "0:\tfrom all lookup local",
        "30000:\tfrom 192.168.1.11 lookup 101 proto 201",
        "30000:\tfrom 192.168.1.12 lookup 102 proto 201",
        "30000:\tfrom 192.168.1.13 lookup 103 proto 201",
        "32766:\tfrom all lookup main",
        "32767:\tfrom all lookup default");
    for (NamespaceLab.Isp isp : lab.isps()) {
      assertThat(router.ip("route", "get", "192.0.2.1", "from", isp.routerAddress().getHostAddress()))
          .first().asString().contains("dev " + isp.routerInterface());
    }
  }

  @Test
  void current_afterApply_equalsDesired() throws Exception {
    RoutingState desired = RoutingState.ranked(List.of(p3, p1, p2), 100);
    NetlinkRouteBackend backend = backend();
    backend.apply(desired);

    assertThat(backend.current()).contains(desired);
  }

  @Test
  void apply_distinctSubnets_eachProviderUsesItsOwnGateway() throws Exception {
    try (NamespaceLab distinct = NamespaceLab.builder("fl").identicalGateways(false).lanClient(false).build()) {
      NetlinkRouteBackend backend = kept(LabNetlink.backend(distinct));

      backend.apply(RoutingState.ranked(distinct.providers(), 10));

      assertThat(new RouterShell(distinct).mainDefaults()).containsExactly(
          "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 10",
          "default via 192.168.2.1 dev wan2 proto 201 src 192.168.2.12 metric 11",
          "default via 192.168.3.1 dev wan3 proto 201 src 192.168.3.13 metric 12");
      assertThat(new RouterShell(distinct).ip("-4", "route", "show", "table", "103")).containsExactly(
          "default via 192.168.3.1 dev wan3 proto 201",
          "unreachable default proto 201 metric 4294967295",
          "192.168.3.0/24 dev wan3 proto 201 scope link src 192.168.3.13");
    }
  }

  @Test
  void apply_sameStateByNewInstance_changesNothingAndAddsNoDuplicateRule() throws Exception {
    RoutingState desired = RoutingState.ranked(List.of(p2, p1, p3), 100);
    backend().apply(desired);
    String before = router.dump();

    NetlinkRouteBackend restarted = backend();
    restarted.apply(desired);
    restarted.apply(desired);

    assertThat(router.dump()).isEqualTo(before);
    assertThat(router.ip("-4", "rule", "show")).filteredOn(l -> l.startsWith("30000:")).hasSize(3);
    assertThat(restarted.current()).contains(desired);
  }

  @Test
  void apply_sameStateTwice_emitsNoRouteOrRuleNotification() throws Exception {
    RoutingState desired = RoutingState.ranked(List.of(p1, p2, p3), 100);
    NetlinkRouteBackend backend = backend();
    backend.apply(desired);

    List<String> events;
    try (RouteMonitor monitor = RouteMonitor.start(lab, "route", "rule")) {
      backend.apply(desired);
      events = monitor.stop();
    }

    assertThat(events).isEmpty();
  }

  @Test
  void apply_switchMainWhileMonitorWatches_neverLeavesMainWithoutDefaultRoute() throws Exception {
    NetlinkRouteBackend backend = backend();
    backend.apply(RoutingState.ranked(List.of(p1, p2, p3), 100));
    List<List<Provider>> plan = List.of(
        List.of(p2, p1, p3), List.of(p3, p2, p1), List.of(p1, p3, p2), List.of(p2, p3),
        List.of(p3), List.of(p1, p2, p3), List.of(p3, p1, p2));

    List<String> events;
    try (RouteMonitor monitor = RouteMonitor.start(lab, "route")) {
      for (List<Provider> ranked : plan) {
        backend.apply(RoutingState.ranked(ranked, 100));
      }
      events = monitor.stop();
    }

    java.util.Map<Long, String> defaults = new java.util.TreeMap<>();
    for (long metric = 100; metric <= 102; metric++) {
      defaults.put(metric, "initial");
    }
    int replacements = 0;
    int deletions = 0;
    for (String event : events) {
      boolean deleted = event.startsWith("Deleted ");
      String route = deleted ? event.substring("Deleted ".length()) : event;
      if (!route.startsWith("default ") || route.contains(" table ")) {
        continue;
      }
      long metric = RouteMonitor.metric(route);
      if (deleted) {
        deletions++;
        defaults.remove(metric);
      } else {
        replacements++;
        defaults.put(metric, route);
      }
      assertThat(defaults).as("default routes after event '%s' (all events: %s)", event, events).isNotEmpty();
    }
    assertThat(replacements).as("events: %s", events).isGreaterThanOrEqualTo(12);
    assertThat(deletions).as("only shrinking the state deletes: %s", events).isEqualTo(2);
    assertThat(router.mainDefaults()).containsExactly(
        "default via 192.168.1.1 dev wan3 proto 201 src 192.168.1.13 metric 100",
        "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 101",
        "default via 192.168.1.1 dev wan2 proto 201 src 192.168.1.12 metric 102");
  }

  @Test
  void apply_interfaceDownThenUp_skipsItThenRestoresItsRoutes() throws Exception {
    RoutingState desired = RoutingState.ranked(List.of(p1, p2, p3), 100);
    NetlinkRouteBackend backend = backend();
    backend.apply(desired);
    String healthy = router.dump();

    lab.linkDown(2, LinkSide.ROUTER);
    assertThat(router.mainDefaults()).noneMatch(l -> l.contains("wan2"));

    ApplyOutcome outcome = backend.apply(desired);

    assertThat(outcome.skipped()).containsExactly(new ApplyOutcome.Skipped(p2, "interface wan2 is down"));
    assertThat(outcome.mainRouteInPlace()).isTrue();
    assertThat(router.mainDefaults()).containsExactly(
        "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 100",
        "default via 192.168.1.1 dev wan3 proto 201 src 192.168.1.13 metric 102");

    lab.linkUp(2, LinkSide.ROUTER);
    backend.apply(desired);

    assertThat(router.dump()).isEqualTo(healthy);
  }

  @Test
  void apply_carrierLost_keepsRoutesFlaggedLinkdownAndSwitchesAway() throws Exception {
    NetlinkRouteBackend backend = backend();
    backend.apply(RoutingState.ranked(List.of(p2, p1, p3), 100));

    lab.linkDown(2, LinkSide.FAR);
    backend.apply(RoutingState.ranked(List.of(p1, p3, p2), 100));

    assertThat(router.mainDefaults()).containsExactly(
        "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 100",
        "default via 192.168.1.1 dev wan3 proto 201 src 192.168.1.13 metric 101",
        "default via 192.168.1.1 dev wan2 proto 201 src 192.168.1.12 metric 102 linkdown");
  }

  /** A provider whose interface, wan9, does not exist in the lab. */
  private static final Provider GHOST =
      Provider.of("ghost", "wan9", "192.168.9.2", "192.168.9.0/24", "192.168.9.1", "ghost", 109);

  private NetlinkRouteBackend backendFor(List<Provider> configured) {
    return kept(new NetlinkRouteBackend(NetlinkRouteBackendSettings.defaults(),
        Providers.of(configured), LabNetlink.router(lab)));
  }

  @Test
  void apply_interfaceMissing_appliesTheOthersAndNamesIt() throws Exception {
    List<Provider> configured = List.of(p1, GHOST, p3);
    NetlinkRouteBackend backend = backendFor(configured);

    ApplyOutcome outcome = backend.apply(RoutingState.ranked(configured, 100));

    assertThat(outcome.skipped())
        .containsExactly(new ApplyOutcome.Skipped(GHOST, "interface wan9 does not exist"));
    // The main route (isp1's) is in place: the engine may retry less often.
    assertThat(outcome.mainRouteInPlace()).isTrue();

    assertThat(router.mainDefaults()).containsExactly(
        "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 100",
        "default via 192.168.1.1 dev wan3 proto 201 src 192.168.1.13 metric 102");
  }

  /** When the provider that should be main is the missing one, the main route is not in place. */
  @Test
  void apply_mainProvidersInterfaceMissing_saysTheMainRouteIsNotInPlace() throws Exception {
    List<Provider> configured = List.of(GHOST, p1, p3);
    NetlinkRouteBackend backend = backendFor(configured);

    ApplyOutcome outcome = backend.apply(RoutingState.ranked(configured, 100));

    assertThat(outcome.skipped())
        .containsExactly(new ApplyOutcome.Skipped(GHOST, "interface wan9 does not exist"));
    assertThat(outcome.mainRouteInPlace()).isFalse();
  }

  @Test
  void apply_foreignDefaultAndDemote_movesItAboveOurs() throws Exception {
    router.must("route", "add", "default", "via", "192.168.1.1", "dev", "wan3", "metric", "50", "proto", "dhcp");

    backend(ForeignRouteHandling.DEMOTE).apply(RoutingState.ranked(List.of(p1, p2, p3), 100));

    assertThat(router.mainDefaults()).containsExactly(
        "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 100",
        "default via 192.168.1.1 dev wan2 proto 201 src 192.168.1.12 metric 101",
        "default via 192.168.1.1 dev wan3 proto 201 src 192.168.1.13 metric 102",
        "default via 192.168.1.1 dev wan3 proto dhcp metric 103");
  }

  /** A DHCP client re-adds its route at every renewal: the demoted copy must not pile up. */
  @Test
  void apply_foreignDefaultReAddedAfterDemote_keepsOneCopy() throws Exception {
    NetlinkRouteBackend backend = backend(ForeignRouteHandling.DEMOTE);
    RoutingState state = RoutingState.ranked(List.of(p1, p2, p3), 100);
    router.must("route", "add", "default", "via", "192.168.1.1", "dev", "wan3", "metric", "50", "proto", "dhcp");
    backend.apply(state);

    router.must("route", "add", "default", "via", "192.168.1.1", "dev", "wan3", "metric", "50", "proto", "dhcp");
    backend.apply(state);

    assertThat(router.mainDefaults()).containsExactly(
        "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 100",
        "default via 192.168.1.1 dev wan2 proto 201 src 192.168.1.12 metric 101",
        "default via 192.168.1.1 dev wan3 proto 201 src 192.168.1.13 metric 102",
        "default via 192.168.1.1 dev wan3 proto dhcp metric 103");
  }

  @Test
  void apply_foreignDefaultAndRemove_deletesIt() throws Exception {
    router.must("route", "add", "default", "via", "192.168.1.1", "dev", "wan3", "metric", "50", "proto", "dhcp");

    backend(ForeignRouteHandling.REMOVE).apply(RoutingState.ranked(List.of(p1, p2), 100));

    assertThat(router.mainDefaults()).containsExactly(
        "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 100",
        "default via 192.168.1.1 dev wan2 proto 201 src 192.168.1.12 metric 101");
  }

  @Test
  void apply_foreignDefaultAndLeave_keepsIt() throws Exception {
    router.must("route", "add", "default", "via", "192.168.1.1", "dev", "wan3", "metric", "50", "proto", "dhcp");

    backend(ForeignRouteHandling.LEAVE).apply(RoutingState.ranked(List.of(p1, p2), 100));

    assertThat(router.mainDefaults()).containsExactly(
        "default via 192.168.1.1 dev wan3 proto dhcp metric 50",
        "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 100",
        "default via 192.168.1.1 dev wan2 proto 201 src 192.168.1.12 metric 101");
  }

  @Test
  void prepare_mainTableNamesAnotherUplink_installsTablesAndRulesOnly() throws Exception {
    router.must("route", "add", "default", "via", "192.168.1.1", "dev", "wan1", "metric", "50", "proto", "static");

    List<String> lines = backend().prepare();

    assertThat(lines).hasSize(12);
    assertThat(router.mainDefaults()).containsExactly("default via 192.168.1.1 dev wan1 proto static metric 50");
    assertThat(router.ip("-4", "route", "show", "table", "102")).containsExactlyInAnyOrder(
        "default via 192.168.1.1 dev wan2 proto 201",
        "unreachable default proto 201 metric 4294967295",
        "192.168.1.0/24 dev wan2 proto 201 scope link src 192.168.1.12");
    assertThat(router.ip("-4", "rule", "show")).filteredOn(l -> l.startsWith("30000:")).containsExactly(
        "30000:\tfrom 192.168.1.11 lookup 101 proto 201",
        "30000:\tfrom 192.168.1.12 lookup 102 proto 201",
        "30000:\tfrom 192.168.1.13 lookup 103 proto 201");
    // A probe bound to a provider's address leaves through that provider, not the main table's.
    for (NamespaceLab.Isp isp : lab.isps()) {
      assertThat(router.ip("route", "get", "192.0.2.1", "from", isp.routerAddress().getHostAddress()))
          .first().asString().contains("dev " + isp.routerInterface());
    }
  }

  @Test
  void prepare_twice_secondRunsNothingAndChangesNothing() throws Exception {
    NetlinkRouteBackend backend = backend();
    backend.prepare();
    String prepared = router.dump();

    List<String> again = backend().prepare();

    assertThat(again).isEmpty();
    assertThat(router.dump()).isEqualTo(prepared);
  }

  @Test
  void prepare_thenApply_reachesTheFullLayout() throws Exception {
    NetlinkRouteBackend backend = backend();
    backend.prepare();

    backend.apply(RoutingState.ranked(List.of(p1, p2, p3), 100));

    assertThat(router.mainDefaults()).hasSize(3);
    assertThat(router.ip("-4", "rule", "show")).filteredOn(l -> l.startsWith("30000:")).hasSize(3);
    assertThat(router.ip("-4", "route", "show", "table", "101")).hasSize(3);
  }

  @Test
  void prepare_interfaceMissing_preparesTheOthersAndOnlyGuardsIt() throws Exception {
    NetlinkRouteBackend backend = backendFor(List.of(p1, GHOST, p3));

    backend.prepare();

    assertThat(router.ip("-4", "route", "show", "table", "109"))
        .containsExactly("unreachable default proto 201 metric 4294967295");
    assertThat(router.ip("-4", "route", "show", "table", "103")).hasSize(3);
    assertThat(router.ip("-4", "rule", "show")).contains("30000:\tfrom 192.168.9.2 lookup 109 proto 201");
    assertThat(router.mainDefaults()).isEmpty();
  }

  @Test
  void removeAll_withAnotherDefaultRoute_removesEverythingOfOurs() throws Exception {
    NetlinkRouteBackend backend = backend(ForeignRouteHandling.LEAVE);
    backend.apply(RoutingState.ranked(List.of(p1, p2, p3), 100));
    router.must("route", "add", "default", "via", "192.168.1.1", "dev", "wan3", "metric", "500", "proto", "static");

    backend.removeAll(false);

    assertThat(router.mainDefaults()).containsExactly("default via 192.168.1.1 dev wan3 proto static metric 500");
    assertThat(router.ip("-4", "rule", "show")).noneMatch(l -> l.startsWith("30000:"));
    assertThat(router.ip("-4", "route", "show", "table", "all")).noneMatch(l -> l.contains("proto 201"));
  }

  @Test
  void removeAll_noOtherDefaultRoute_keepsOurDefaultRoutesUnlessAsked() throws Exception {
    NetlinkRouteBackend backend = backend();
    backend.apply(RoutingState.ranked(List.of(p1, p2), 100));

    backend.removeAll(false);
    assertThat(router.mainDefaults()).hasSize(2);
    assertThat(router.ip("-4", "rule", "show")).noneMatch(l -> l.startsWith("30000:"));

    backend.removeAll(true);
    assertThat(router.mainDefaults()).isEmpty();
  }

  /**
   * The router holds 100,000 routes in table 200 (a full BGP table, say): the backend applies,
   * switches and verifies, and the kernel sends it only what it asked for (its own tables, the
   * main table, rules, links, addresses), never the big table.
   */
  @Test
  void apply_100000RoutesInAnotherTable_appliesAndReadsOnlyWhatItNeeds() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      lines.add("route add 10." + (i >> 16) + "." + ((i >> 8) & 0xff) + "." + (i & 0xff)
          + "/32 via 192.168.1.1 dev wan1 table 200");
    }
    CommandResult loaded = lab.runnerIn(lab.routerNamespace())
        .run(List.of("ip", "-batch", "-"), String.join("\n", lines) + "\n", Duration.ofMinutes(2));
    assertThat(loaded.exitCode()).as(loaded.stderr()).isZero();
    LabNetlink netlink = LabNetlink.router(lab);
    NetlinkRouteBackend backend = kept(new NetlinkRouteBackend(
        NetlinkRouteBackendSettings.defaults(), Providers.of(lab.providers()), netlink));

    ApplyOutcome first = backend.apply(RoutingState.ranked(List.of(p1, p2, p3), 100));
    ApplyOutcome switched = backend.apply(RoutingState.ranked(List.of(p3, p1, p2), 100));

    assertThat(first).isEqualTo(ApplyOutcome.complete());
    assertThat(switched).isEqualTo(ApplyOutcome.complete());
    assertThat(router.mainDefaults()).containsExactly(
        "default via 192.168.1.1 dev wan3 proto 201 src 192.168.1.13 metric 100",
        "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 101",
        "default via 192.168.1.1 dev wan2 proto 201 src 192.168.1.12 metric 102");
    // Two applies: three reads each, two transactions each; a few dozen messages per read.
    assertThat(netlink.messagesReceived()).isLessThan(1_000);
    assertThat(router.ip("-4", "route", "show", "table", "200")).hasSize(100_000);
  }

  /**
   * An interface named {@code wan#2}, which an {@code ip -batch} line would cut at the '#': the
   * backend installs and switches routes through it (by the kernel's interface index), and {@code
   * ip} shows them on it.
   */
  @Test
  void apply_interfaceNameWithHash_switchesRoutesThroughIt() throws Exception {
    router.must("link", "set", "wan2", "down");
    router.must("link", "set", "wan2", "name", "wan#2");
    router.must("link", "set", "wan#2", "up");
    Provider hashed = new Provider("isp2", "wan#2", p2.ipv4Address(), p2.network(), p2.gateway(),
        p2.rtTableName(), p2.rtTableId());
    NetlinkRouteBackend backend = backendFor(List.of(p1, hashed, p3));

    backend.prepare();
    backend.apply(RoutingState.ranked(List.of(p1, hashed, p3), 100));
    ApplyOutcome switched = backend.apply(RoutingState.ranked(List.of(hashed, p1, p3), 100));

    assertThat(switched).isEqualTo(ApplyOutcome.complete());
    assertThat(router.mainDefaults()).containsExactly(
        "default via 192.168.1.1 dev wan#2 proto 201 src 192.168.1.12 metric 100",
        "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 101",
        "default via 192.168.1.1 dev wan3 proto 201 src 192.168.1.13 metric 102");
    assertThat(router.ip("-4", "route", "show", "table", "102")).containsExactlyInAnyOrder(
        "default via 192.168.1.1 dev wan#2 proto 201",
        "unreachable default proto 201 metric 4294967295",
        "192.168.1.0/24 dev wan#2 proto 201 scope link src 192.168.1.12");
    assertThat(router.ip("route", "get", "192.0.2.1", "from", "192.168.1.12"))
        .first().asString().contains("dev wan#2");
    assertThat(backend.current()).contains(RoutingState.ranked(List.of(hashed, p1, p3), 100));
  }

  /**
   * The kernel refuses a lower-ranked provider's request (a gateway the main table cannot reach on
   * the interface) while the main route is in place: a partial outcome names the provider, the
   * request and the kernel's own text, and the rest is applied, so the engine backs off.
   */
  @Test
  void apply_kernelRefusesAnotherProvidersRequest_partialNamingItAndAppliesTheRest()
      throws Exception {
    router.must("addr", "add", "10.77.0.5/32", "dev", "wan3");
    Provider unreachable =
        Provider.of("isp9", "wan3", "10.77.0.5", "10.77.0.0/24", "10.77.0.1", "isp9", 109);
    NetlinkRouteBackend backend = backendFor(List.of(p1, unreachable));

    ApplyOutcome outcome = backend.apply(RoutingState.ranked(List.of(p1, unreachable), 100));

    assertThat(outcome.mainRouteInPlace()).isTrue();
    assertThat(outcome.skipped()).hasSize(1);
    assertThat(outcome.skipped().get(0).provider()).isEqualTo(unreachable);
    assertThat(outcome.skipped().get(0).reason())
        .contains("the kernel refused route replace default via 10.77.0.1 dev wan3 table 254"
            + " proto 201 src 10.77.0.5 metric 101")
        .contains("Network is unreachable")
        .contains("Nexthop has invalid gateway");
    assertThat(router.mainDefaults()).containsExactly(
        "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 100");
    assertThat(router.ip("-4", "rule", "show")).contains("30000:\tfrom 10.77.0.5 lookup 109 proto 201");
  }

  /**
   * The kernel refuses the main provider's request: a failure, retried on every tick; the
   * exception names the provider, the request and the kernel's own text, and the rest is applied.
   */
  @Test
  void apply_kernelRefusesTheMainProvidersRequest_throwsNamingItAndAppliesTheRest()
      throws Exception {
    router.must("addr", "add", "10.77.0.5/32", "dev", "wan3");
    Provider unreachable =
        Provider.of("isp9", "wan3", "10.77.0.5", "10.77.0.0/24", "10.77.0.1", "isp9", 109);
    NetlinkRouteBackend backend = backendFor(List.of(unreachable, p1));

    assertThatThrownBy(() -> backend.apply(RoutingState.ranked(List.of(unreachable, p1), 100)))
        .isInstanceOf(RouteBackendException.class)
        .hasMessageContaining("provider 'isp9'")
        .hasMessageContaining("Nexthop has invalid gateway")
        .satisfies(e -> {
          RouteBackendException failure = (RouteBackendException) e;
          assertThat(failure.providerId()).contains("isp9");
          assertThat(failure.command()).containsExactly("route replace default via 10.77.0.1 dev"
              + " wan3 table 254 proto 201 src 10.77.0.5 metric 100");
          assertThat(failure.exitCode()).isEmpty();
          assertThat(failure.stderr()).startsWith("Network is unreachable");
        });

    assertThat(router.mainDefaults()).containsExactly(
        "default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 101");
    assertThat(router.ip("-4", "route", "show", "table", "109")).containsExactlyInAnyOrder(
        "default via 10.77.0.1 dev wan3 proto 201",
        "unreachable default proto 201 metric 4294967295",
        "10.77.0.0/24 dev wan3 proto 201 scope link src 10.77.0.5");
    assertThat(router.ip("-4", "rule", "show")).contains("30000:\tfrom 10.77.0.5 lookup 109 proto 201");
  }
}
