package dev.failover.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.Ipv4;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RtNetlink} against the real kernel, in a namespace of its own per test: two veth uplinks
 * {@code wan0} (192.168.1.11/24) and {@code wan1} (192.168.2.12/24), with {@code ip} as the oracle
 * of what the kernel holds.
 */
class RtNetlinkNamespaceTest {
  private static final InetAddress GW0 = Ipv4.parse("192.168.1.1");
  private static final InetAddress GW1 = Ipv4.parse("192.168.2.1");
  private static final InetAddress SRC0 = Ipv4.parse("192.168.1.11");
  private static final int ENETUNREACH = 101;
  private static final int ESRCH = 3;

  private TestNamespace ns;
  private int wan0;
  private int wan1;

  @BeforeAll
  static void needsRoot() {
    assumeTrue(
        TestNamespace.unavailableReason().isEmpty(), TestNamespace.unavailableReason().orElse(""));
  }

  @BeforeEach
  void createNamespace() throws Exception {
    ns = TestNamespace.create("fnl");
    ns.batch(
        List.of(
            "link add wan0 type veth peer name peer0",
            "link add wan1 type veth peer name peer1",
            "link set wan0 up",
            "link set peer0 up",
            "link set wan1 up",
            "link set peer1 up",
            "addr add 192.168.1.11/24 dev wan0",
            "addr add 192.168.2.12/24 dev wan1"));
    wan0 = index("wan0");
    wan1 = index("wan1");
  }

  @AfterEach
  void deleteNamespace() throws Exception {
    if (ns != null) {
      ns.close();
    }
  }

  private int index(String name) throws Exception {
    return ns.call(
        () -> {
          try (RtNetlink netlink = RtNetlink.open()) {
            return netlink.link(name).orElseThrow().index();
          }
        });
  }

  private List<String> ip(String... args) throws Exception {
    return ns.ip(args).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  private List<Result> transact(List<Request> requests) throws Exception {
    return ns.call(
        () -> {
          try (RtNetlink netlink = RtNetlink.open()) {
            return netlink.transact(requests);
          }
        });
  }

  private RouteMessage tableDefault(int table, InetAddress gateway, int index) {
    return RouteMessage.unicast(AddressFamily.INET, table, 201, null, 0)
        .withNextHop(gateway, index);
  }

  /**
   * Another table holds 100,000 routes: a dump of table 101 walks only that table, so the kernel
   * sends its three routes and nothing else, at once.
   */
  @Test
  void dumpRoutes_tableFilterWhileAnotherTableHolds100000Routes_getsOnlyThatTable()
      throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      lines.add(
          "route add 10."
              + (i >> 16)
              + "."
              + ((i >> 8) & 0xff)
              + "."
              + (i & 0xff)
              + "/32 via 192.168.1.1 dev wan0 table 200");
    }
    lines.add("route add default via 192.168.1.1 dev wan0 table 101 proto 201");
    lines.add("route add 192.168.1.0/24 dev wan0 src 192.168.1.11 table 101 proto 201");
    lines.add("route add unreachable default metric 4294967295 table 101 proto 201");
    ns.batch(lines);

    record Dump(List<RouteMessage> routes, DumpResult result, long received, Duration took) {}
    Dump dump =
        ns.call(
            () -> {
              try (RtNetlink netlink = RtNetlink.open()) {
                List<RouteMessage> routes = new ArrayList<>();
                long start = System.nanoTime();
                DumpResult result =
                    netlink.dumpRoutes(RouteFilter.table(AddressFamily.INET, 101), routes::add);
                return new Dump(
                    routes,
                    result,
                    netlink.messagesReceived(),
                    Duration.ofNanos(System.nanoTime() - start));
              }
            });

    assertThat(dump.routes())
        .extracting(RouteMessage::toString)
        .containsExactlyInAnyOrder(
            "default via 192.168.1.1 dev #" + wan0 + " table 101 proto 201",
            "unreachable default table 101 proto 201 metric 4294967295",
            "192.168.1.0/24 dev #" + wan0 + " table 101 proto 201 scope link src 192.168.1.11");
    assertThat(dump.result().messages()).isEqualTo(3);
    assertThat(dump.result().interrupted()).isFalse();
    assertThat(dump.received()).as("three routes and the end of the dump").isEqualTo(4);
    assertThat(dump.took()).isLessThan(Duration.ofSeconds(1));
    assertThat(ip("-4", "route", "show", "table", "200")).hasSize(100_000);
  }

  /**
   * An unfiltered dump of 100,000 routes streams through a consumer that keeps only the default
   * routes: every route is decoded, none is held.
   */
  @Test
  void dumpRoutes_everyTable_streamsEveryRouteToTheConsumer() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      lines.add(
          "route add blackhole 10."
              + (i >> 16)
              + "."
              + ((i >> 8) & 0xff)
              + "."
              + (i & 0xff)
              + "/32 table main");
    }
    lines.add("route add default via 192.168.1.1 dev wan0 metric 100 proto 201");
    ns.batch(lines);

    List<RouteMessage> defaults =
        ns.call(
            () -> {
              try (RtNetlink netlink = RtNetlink.open()) {
                List<RouteMessage> kept = new ArrayList<>();
                AtomicLong seen = new AtomicLong();
                DumpResult result =
                    netlink.dumpRoutes(
                        RouteFilter.table(AddressFamily.INET, RouteMessage.TABLE_MAIN),
                        route -> {
                          seen.incrementAndGet();
                          if (route.isDefault()) {
                            kept.add(route);
                          }
                        });
                assertThat(result.messages()).isEqualTo(seen.get()).isGreaterThan(100_000);
                return kept;
              }
            });

    assertThat(defaults)
        .extracting(RouteMessage::toString)
        .containsExactly(
            "default via 192.168.1.1 dev #" + wan0 + " table 254 proto 201 metric 100");
  }

  @Test
  void dumpRoutes_protocolFilter_getsOnlyThatProtocol() throws Exception {
    ns.batch(
        List.of(
            "route add default via 192.168.1.1 dev wan0 metric 100 proto 201",
            "route add default via 192.168.2.1 dev wan1 metric 50 proto dhcp"));

    List<RouteMessage> ours =
        ns.call(
            () -> {
              try (RtNetlink netlink = RtNetlink.open()) {
                List<RouteMessage> routes = new ArrayList<>();
                netlink.dumpRoutes(
                    RouteFilter.all(AddressFamily.INET).withProtocol(201), routes::add);
                return routes;
              }
            });

    assertThat(ours)
        .extracting(RouteMessage::gateway, RouteMessage::metric)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(GW0, 100L));
  }

  @Test
  void dumpRoutes_tableThatDoesNotExist_isEmpty() throws Exception {
    DumpResult result =
        ns.call(
            () -> {
              try (RtNetlink netlink = RtNetlink.open()) {
                return netlink.dumpRoutes(RouteFilter.table(AddressFamily.INET, 4242), r -> {});
              }
            });

    assertThat(result.messages()).isZero();
  }

  /**
   * Five requests in one transaction; the second (a gateway not on the link) and the fourth (a
   * route that is not there) fail: their results carry the errno and the kernel's text, and the
   * other three are applied.
   */
  @Test
  void transact_twoOfFiveFail_errorsLandOnThemAndTheOthersAreApplied() throws Exception {
    RouteMessage offLink = tableDefault(101, Ipv4.parse("10.99.0.1"), wan0).withMetric(5);
    RouteMessage absent = tableDefault(101, GW1, wan1).withMetric(77);
    List<Request> requests =
        List.of(
            Request.replaceRoute(tableDefault(101, GW0, wan0)),
            Request.replaceRoute(offLink),
            Request.addRule(RuleMessage.fromSource(SRC0, 32, 101, 30000, 201)),
            Request.deleteRoute(absent),
            Request.replaceRoute(tableDefault(102, GW1, wan1)));

    List<Result> results = transact(requests);

    assertThat(results).extracting(Result::request).containsExactlyElementsOf(requests);
    assertThat(results).extracting(Result::errno).containsExactly(0, ENETUNREACH, 0, ESRCH, 0);
    assertThat(results.get(1).kernelMessage()).containsIgnoringCase("gateway");
    assertThat(results.get(1).describe()).startsWith("Network is unreachable (");
    assertThat(ip("-4", "route", "show", "table", "101"))
        .containsExactly("default via 192.168.1.1 dev wan0 proto 201");
    assertThat(ip("-4", "route", "show", "table", "102"))
        .containsExactly("default via 192.168.2.1 dev wan1 proto 201");
    assertThat(ip("-4", "rule", "show")).contains("30000:\tfrom 192.168.1.11 lookup 101 proto 201");
  }

  /**
   * A replace at metric 100 swaps the gateway behind it in one step: the kernel holds one route at
   * metric 100 afterwards, and an observer of the route notifications sees it replaced, never
   * deleted.
   */
  @Test
  void transact_replaceAtSameMetric_swapsTheRouteInOneStep() throws Exception {
    RouteMessage viaWan0 =
        RouteMessage.unicast(AddressFamily.INET, RouteMessage.TABLE_MAIN, 201, null, 0)
            .withNextHop(GW0, wan0)
            .withPreferredSource(SRC0)
            .withMetric(100);
    RouteMessage viaWan1 =
        viaWan0.withNextHop(GW1, wan1).withPreferredSource(Ipv4.parse("192.168.2.12"));
    assertThat(transact(List.of(Request.replaceRoute(viaWan0)))).allMatch(Result::succeeded);
    RecordingEventListener events = new RecordingEventListener();

    try (NetlinkEvents watching =
        ns.call(
            () ->
                NetlinkEvents.start(
                    java.util.EnumSet.of(NetlinkEvents.Group.IPV4_ROUTE), events))) {
      assertThat(transact(List.of(Request.replaceRoute(viaWan1)))).allMatch(Result::succeeded);
      events.awaitRoute(
          r -> r.gateway() != null && r.gateway().equals(GW1), Duration.ofSeconds(10));
    }

    assertThat(ip("-4", "route", "show", "default"))
        .containsExactly("default via 192.168.2.1 dev wan1 proto 201 src 192.168.2.12 metric 100");
    assertThat(events.routeEvents()).noneMatch(e -> e.startsWith("deleted"));
  }

  @Test
  void transact_addExistingRouteAndRule_failWithEexist() throws Exception {
    Request route = Request.addRoute(tableDefault(101, GW0, wan0));
    Request rule = Request.addRule(RuleMessage.fromSource(SRC0, 32, 101, 30000, 201));
    transact(List.of(route, rule));

    List<Result> again = transact(List.of(route, rule));

    assertThat(again).extracting(Result::errno).containsExactly(17, 17);
    assertThat(ip("-4", "rule", "show")).filteredOn(l -> l.startsWith("30000:")).hasSize(1);
  }

  @Test
  void transact_deleteRouteAndRule_removesExactlyThem() throws Exception {
    RuleMessage rule = RuleMessage.fromSource(SRC0, 32, 101, 30000, 201);
    transact(
        List.of(
            Request.replaceRoute(tableDefault(101, GW0, wan0)),
            Request.replaceRoute(tableDefault(101, GW0, wan0).withMetric(5)),
            Request.addRule(rule)));

    List<Result> results =
        transact(
            List.of(
                Request.deleteRoute(tableDefault(101, GW0, wan0).withMetric(5)),
                Request.deleteRule(rule)));

    assertThat(results).allMatch(Result::succeeded, "succeeded");
    assertThat(ip("-4", "route", "show", "table", "101"))
        .containsExactly("default via 192.168.1.1 dev wan0 proto 201");
    assertThat(ip("-4", "rule", "show")).noneMatch(l -> l.startsWith("30000:"));
  }

  /** More requests than one receive buffer holds acknowledgements for: each still gets its own. */
  @Test
  void transact_fiveThousandRequests_everyOneIsAnswered() throws Exception {
    List<Request> requests = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      requests.add(
          Request.replaceRoute(
              RouteMessage.unicast(
                      AddressFamily.INET,
                      300,
                      201,
                      Ipv4.parse("10.1." + (i >> 8) + "." + (i & 0xff)),
                      32)
                  .withNextHop(GW0, wan0)));
    }

    List<Result> results = transact(requests);

    assertThat(results).hasSize(5000).allMatch(Result::succeeded, "succeeded");
    assertThat(ip("-4", "route", "show", "table", "300")).hasSize(5000);
  }

  @Test
  void link_byName_findsItOrNothing() throws Exception {
    ns.ip("link", "add", "wan#1", "type", "veth", "peer", "name", "p#1");

    record Found(Optional<LinkMessage> hash, Optional<LinkMessage> none, List<String> all) {}
    Found found =
        ns.call(
            () -> {
              try (RtNetlink netlink = RtNetlink.open()) {
                List<String> names = new ArrayList<>();
                netlink.dumpLinks(link -> names.add(link.name()));
                return new Found(netlink.link("wan#1"), netlink.link("nope0"), names);
              }
            });

    assertThat(found.hash())
        .hasValueSatisfying(
            link -> {
              assertThat(link.name()).isEqualTo("wan#1");
              assertThat(link.adminUp()).isFalse();
            });
    assertThat(found.none()).isEmpty();
    assertThat(found.all()).contains("lo", "wan0", "peer0", "wan1", "peer1", "wan#1", "p#1");
  }

  @Test
  void dumpAddresses_oneInterface_getsItsAddress() throws Exception {
    List<AddressMessage> addresses =
        ns.call(
            () -> {
              try (RtNetlink netlink = RtNetlink.open()) {
                List<AddressMessage> found = new ArrayList<>();
                netlink.dumpAddresses(AddressFamily.INET, wan0, found::add);
                return found;
              }
            });

    assertThat(addresses)
        .extracting(AddressMessage::toString)
        .containsExactly("#" + wan0 + " 192.168.1.11/24");
  }

  @Test
  void dumpRules_plainAndOtherRules_tellsThemApart() throws Exception {
    ns.batch(
        List.of(
            "rule add from 192.168.1.11/32 table 101 priority 30000 protocol 201",
            "rule add from 192.168.1.11/32 fwmark 0x10 table 102 priority 30001",
            "rule add not from 192.168.1.11/32 table 103 priority 30002",
            "rule add from 192.168.1.11/32 iif wan0 table 104 priority 30003"));

    List<RuleMessage> rules =
        ns.call(
            () -> {
              try (RtNetlink netlink = RtNetlink.open()) {
                List<RuleMessage> found = new ArrayList<>();
                netlink.dumpRules(AddressFamily.INET, found::add);
                return found;
              }
            });

    assertThat(rules)
        .filteredOn(r -> r.priority() >= 30000 && r.priority() <= 30003)
        .extracting(RuleMessage::priority, RuleMessage::plain)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(30000L, true),
            org.assertj.core.groups.Tuple.tuple(30001L, false),
            org.assertj.core.groups.Tuple.tuple(30002L, false),
            org.assertj.core.groups.Tuple.tuple(30003L, false));
    assertThat(rules)
        .filteredOn(r -> r.priority() == 30000)
        .singleElement()
        .isEqualTo(RuleMessage.fromSource(SRC0, 32, 101, 30000, 201));
    assertThat(rules).extracting(RuleMessage::priority).contains(0L, 32766L, 32767L);
  }

  @Test
  void dump_afterAFailedOperation_isRefused() throws Exception {
    ns.call(
        () -> {
          try (RtNetlink netlink = RtNetlink.open(Duration.ofSeconds(5))) {
            assertThatThrownBy(
                    () ->
                        netlink.dumpRoutes(
                            RouteFilter.all(AddressFamily.INET),
                            r -> {
                              throw new IllegalStateException("consumer gave up");
                            }))
                .hasMessage("consumer gave up");
            assertThatThrownBy(() -> netlink.dumpLinks(l -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("open another");
          }
          return null;
        });
  }
}
