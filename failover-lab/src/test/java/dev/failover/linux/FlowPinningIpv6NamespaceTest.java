package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.api.RoutingState;
import dev.failover.lab.LanFlows;
import dev.failover.lab.NamespaceLab;
import dev.failover.linux.netlink.CtNetlink;
import dev.failover.linux.netlink.NetlinkException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FlowPinning} of IPv6 flows against the real kernel, in a fresh dual-stack lab per test
 * (two ISPs, the router masquerading both families, each uplink with the static address {@code
 * 2001:db8:i::100}): the {@code inet} table marks a LAN client's IPv6 TCP connection by its uplink,
 * the provider's IPv6 {@code fwmark} rule keeps it there when the IPv6 main route moves, and
 * releasing the provider's IPv6 flows ends it while its IPv4 flow stays pinned.
 */
class FlowPinningIpv6NamespaceTest {
  private static final int PORT = 5201;

  /** How long a pinned flow must keep running after the main route moved away from its uplink. */
  private static final Duration SURVIVAL = Duration.ofMillis(1500);

  /** How long a released flow may take to end: its next segment, a few ticks, and a reset. */
  private static final Duration END_LIMIT = Duration.ofSeconds(5);

  private NamespaceLab lab;
  private Provider p1;
  private Provider p2;
  private NetlinkRouteBackend backend;
  private FlowPinning pinning;
  private LanFlows v6Flows;
  private LanFlows v4Flows;

  @BeforeAll
  static void needsRootAndRadvd() {
    assumeTrue(
        NamespaceLab.ipv6UnavailableReason().isEmpty(),
        NamespaceLab.ipv6UnavailableReason().orElse(""));
  }

  @BeforeEach
  void startLab() throws Exception {
    lab = NamespaceLab.builder("fp6").isps(2).ipv6(true).routerMasquerade(true).build();
    List<Provider> dualStack = LabNetlink.dualStackProviders(lab);
    p1 = dualStack.get(0);
    p2 = dualStack.get(1);
    Providers providers = Providers.of(dualStack);
    backend =
        new NetlinkRouteBackend(
            NetlinkRouteBackendSettings.defaults(), providers, LabNetlink.router(lab));
    String router = lab.routerNamespace();
    CtNetlink.Opener conntrack =
        () -> {
          try {
            return lab.callIn(router, CtNetlink::open);
          } catch (ExecutionException e) {
            if (e.getCause() instanceof NetlinkException n) {
              throw n;
            }
            throw new IllegalStateException(e.getCause());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetlinkException("interrupted");
          }
        };
    pinning =
        new FlowPinning(
            FlowPinningSettings.defaults(),
            providers,
            LabNetlink.router(lab),
            conntrack,
            lab.runnerIn(router));
  }

  @AfterEach
  void closeLab() {
    if (v6Flows != null) {
      v6Flows.close();
    }
    if (v4Flows != null) {
      v4Flows.close();
    }
    if (backend != null) {
      backend.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  private static RoutingState state(AddressFamily family, Provider... ranked) {
    return RoutingState.ranked(family, List.of(ranked), 100);
  }

  private String router(String... command) throws Exception {
    CommandResult result = lab.exec(lab.routerNamespace(), command);
    assertThat(result.exitCode()).as("%s: %s", result.command(), result.stderr()).isZero();
    return result.stdout();
  }

  @Test
  void install_dualStackProviders_ipv6FwmarkRulesBesideTheBackendsAndTheInetTable()
      throws Exception {
    pinning.install();
    backend.apply(state(AddressFamily.IPV6, p1, p2));

    assertThat(router("ip", "-6", "rule", "show"))
        .contains("29000:\tfrom all fwmark 0x1000000/0xf000000 lookup 101 proto 202")
        .contains("29000:\tfrom all fwmark 0x2000000/0xf000000 lookup 102 proto 202")
        .contains("30000:\tfrom 2001:db8:1::100 lookup 101 proto 201");
    assertThat(router("ip", "-4", "rule", "show"))
        .contains("29000:\tfrom all fwmark 0x1000000/0xf000000 lookup 101 proto 202");
    assertThat(router("nft", "list", "table", "inet", "failover"))
        .contains("oifname \"wan1\" ct mark set ct mark & 0xf1ffffff | 0x01000000")
        .doesNotContain("nfproto");
    // A marked IPv6 packet from the LAN is routed by its provider's table, whatever the main.
    assertThat(
            router(
                "ip", "-6", "route", "get", "2001:db8:f0::1", "from", "2001:db8:100::2", "iif",
                "lan0", "mark", "0x2000000"))
        .contains("dev wan2");
  }

  @Test
  void ipv6Flow_pinnedWhenTheIpv6MainMovesAndEndedWhenItsProviderIsReleased() throws Exception {
    pinning.install();
    backend.apply(state(AddressFamily.IPV4, p1, p2));
    backend.apply(state(AddressFamily.IPV6, p1, p2));
    v6Flows =
        LanFlows.start(lab, new InetSocketAddress(NamespaceLab.TARGETS_V6.get(0), PORT));
    v4Flows = LanFlows.start(lab, new InetSocketAddress(NamespaceLab.TARGETS.get(0), PORT));
    LanFlows.Flow v6 = v6Flows.open();
    LanFlows.Flow v4 = v4Flows.open();
    assertThat(lab.ipv6Prefix(1).contains(v6.uplinkAddress()))
        .as("the IPv6 flow leaves through ISP 1: %s", v6)
        .isTrue();
    assertThat(pinning.flowCounts(AddressFamily.IPV6).get(p1.id()))
        .as("the IPv6 flow carries isp1's mark")
        .isGreaterThanOrEqualTo(1L);

    backend.apply(state(AddressFamily.IPV6, p2, p1));
    Instant moved = Instant.now();

    assertThat(v6.awaitFailure(SURVIVAL))
        .as("pinned to ISP 1 after the IPv6 main moved to ISP 2: %s", v6.failure())
        .isFalse();
    assertThat(v6.clientArrivals(moved, Instant.now()))
        .as("bytes kept coming back through ISP 1")
        .isPositive();
    assertThat(pinning.flowCounts(AddressFamily.IPV6).get(p1.id())).isGreaterThanOrEqualTo(1L);
    assertThat(pinning.flowCounts(AddressFamily.IPV4).get(p1.id()))
        .as("the IPv4 flow carries isp1's mark")
        .isGreaterThanOrEqualTo(1L);

    pinning.release(p1, AddressFamily.IPV6);

    assertThat(v6.awaitFailure(END_LIMIT))
        .as("released: its next segment takes ISP 2 with another address and is reset")
        .isTrue();
    assertThat(router("ip", "-6", "rule", "show")).doesNotContain("lookup 101 proto 202");
    assertThat(router("ip", "-4", "rule", "show"))
        .contains("29000:\tfrom all fwmark 0x1000000/0xf000000 lookup 101 proto 202");
    assertThat(pinning.flowCounts(AddressFamily.IPV4).get(p1.id()))
        .as("isp1's IPv4 flow keeps its entry: the deletion was of IPv6 entries only")
        .isGreaterThanOrEqualTo(1L);
    assertThat(v4.failedAt()).as("the IPv4 flow: %s", v4.failure()).isEmpty();

    pinning.pin(p1, AddressFamily.IPV6);
    assertThat(router("ip", "-6", "rule", "show")).contains("lookup 101 proto 202");
  }

  /** The control: without pinning the same move ends the flow; the survival above is pinning's. */
  @Test
  void ipv6Flow_withoutPinning_endsWhenTheIpv6MainMoves() throws Exception {
    pinning =
        new FlowPinning(
            new FlowPinningSettings(
                false, FlushFlowsOnDown.PROVIDER, FlowPinningSettings.DEFAULT_FWMARK_MASK, 29000,
                202),
            Providers.of(List.of(p1, p2)),
            LabNetlink.router(lab),
            () -> {
              throw new NetlinkException("no conntrack needed");
            },
            lab.runnerIn(lab.routerNamespace()));
    pinning.install();
    backend.apply(state(AddressFamily.IPV6, p1, p2));
    v6Flows =
        LanFlows.start(lab, new InetSocketAddress(NamespaceLab.TARGETS_V6.get(0), PORT));
    LanFlows.Flow v6 = v6Flows.open();
    assertThat(lab.ipv6Prefix(1).contains(v6.uplinkAddress())).as("%s", v6).isTrue();

    backend.apply(state(AddressFamily.IPV6, p2, p1));

    assertThat(v6.awaitFailure(END_LIMIT))
        .as("its packets follow the main route to ISP 2, which the far end does not know")
        .isTrue();
  }
}
