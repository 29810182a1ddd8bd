package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.AddressFamily;
import dev.failover.api.Providers;
import dev.failover.api.RoutingState;
import dev.failover.lab.NamespaceLab;
import dev.failover.linux.netlink.CtNetlink;
import dev.failover.linux.netlink.NetlinkException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FlowPinning} against the real kernel, in a lab's router namespace: the nftables table, the
 * {@code fwmark} rules beside the route backend's, the marks of real flows (pings from the LAN
 * client), deletion by mark over ctnetlink, and the user's own marks outside the mask.
 */
class FlowPinningNamespaceTest {
  private static final dev.failover.linux.netlink.AddressFamily INET =
      dev.failover.linux.netlink.AddressFamily.INET;
  private static final int MASK = FlowPinningSettings.DEFAULT_FWMARK_MASK;

  private NamespaceLab lab;
  private Providers providers;
  private FlowPinning pinning;

  @BeforeEach
  void lab() throws Exception {
    assumeTrue(
        NamespaceLab.unavailableReason().isEmpty(), NamespaceLab.unavailableReason().orElse(""));
    assumeTrue(NamespaceLab.findOnPath("ping").isPresent(), "needs ping (iputils-ping); skipped");
    lab = NamespaceLab.builder("fp").isps(2).routerMasquerade(true).build();
    providers = Providers.of(lab.providers());
    pinning = pinning(FlowPinningSettings.defaults());
  }

  @AfterEach
  void close() {
    if (lab != null) {
      lab.close();
    }
  }

  private FlowPinning pinning(FlowPinningSettings settings) {
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
    return new FlowPinning(
        settings, providers, LabNetlink.router(lab), conntrack, lab.runnerIn(router));
  }

  private String router(String... command) throws Exception {
    CommandResult result = lab.exec(lab.routerNamespace(), command);
    assertThat(result.exitCode()).as("%s: %s", result.command(), result.stderr()).isZero();
    return result.stdout();
  }

  /** One echo from the LAN client to {@code target}: one conntrack entry in the router. */
  private void ping(String target) throws Exception {
    CommandResult result = lab.exec(lab.lanNamespace(), "ping", "-n", "-c", "1", "-W", "2", target);
    assertThat(result.exitCode()).as(result.stdout() + result.stderr()).isZero();
  }

  @Test
  void install_thenBackendApplies_tableAndFwmarkRulesStayBesideTheBackendsRules() throws Exception {
    pinning.install();
    LabNetlink.backend(lab).apply(RoutingState.ranked(providers, 100));

    assertThat(router("nft", "list", "table", "inet", "failover"))
        .contains("chain mark_new", "chain restore_forwarded", "chain restore_local")
        .contains("oifname \"wan1\" ct mark set ct mark & 0xf1ffffff | 0x01000000");
    assertThat(router("ip", "rule", "show"))
        .contains("29000:\tfrom all fwmark 0x1000000/0xf000000 lookup 101 proto 202")
        .contains("29000:\tfrom all fwmark 0x2000000/0xf000000 lookup 102 proto 202")
        .contains("30000:\tfrom 192.168.1.11 lookup 101 proto 201");
  }

  @Test
  void install_twice_isIdempotentAndKeepsOneRulePerProvider() throws Exception {
    pinning.install();
    pinning.install();

    assertThat(router("ip", "rule", "show").lines().filter(l -> l.contains("fwmark"))).hasSize(2);
    assertThat(router("ip", "-6", "rule", "show"))
        .as("IPv4-only providers: no IPv6 rule")
        .doesNotContain("fwmark");
  }

  @Test
  void install_ipv4OnlyProviders_inetTableGuardsEveryRuleToIpv4() throws Exception {
    pinning.install();

    assertThat(
            router("nft", "list", "table", "inet", "failover")
                .lines()
                .filter(l -> l.contains("ct direction original")))
        .hasSize(6)
        .allMatch(l -> l.strip().startsWith("meta nfproto ipv4 "));
  }

  @Test
  void install_overTheIpTableOfAnEarlierVersion_replacesItByTheInetTable() throws Exception {
    CommandResult legacy =
        lab.runnerIn(lab.routerNamespace())
            .run(
                List.of("nft", "-f", "-"),
                "table ip failover {\n  chain mark_new {\n"
                    + "    type filter hook postrouting priority mangle; policy accept;\n"
                    + "  }\n}\n",
                java.time.Duration.ofSeconds(10));
    assertThat(legacy.exitCode()).as(legacy.stderr()).isZero();

    pinning.install();

    assertThat(router("nft", "list", "tables"))
        .contains("table inet failover")
        .doesNotContain("table ip failover");
  }

  @Test
  void flows_marksByUplinkAndReleaseDeletesOnlyThatUplinksFlows() throws Exception {
    pinning.install();
    LabNetlink.backend(lab).apply(RoutingState.ranked(providers, 100));
    ping("192.0.2.1");
    LabNetlink.backend(lab)
        .apply(RoutingState.ranked(List.of(providers.get(1), providers.get(0)), 100));
    ping("198.51.100.1");

    assertThat(pinning.flowCounts()).containsEntry("isp1", 1L).containsEntry("isp2", 1L);

    pinning.release(providers.get(0), AddressFamily.IPV4);

    assertThat(pinning.flowCounts()).containsEntry("isp1", 0L).containsEntry("isp2", 1L);
    assertThat(router("ip", "rule", "show"))
        .doesNotContain("lookup 101 proto 202")
        .contains("fwmark 0x2000000/0xf000000 lookup 102 proto 202");

    pinning.pin(providers.get(0), AddressFamily.IPV4);
    assertThat(router("ip", "rule", "show")).contains("lookup 101 proto 202");
  }

  @Test
  void flows_usersOwnMarkOutsideTheMask_isKept() throws Exception {
    CommandResult user =
        lab.runnerIn(lab.routerNamespace())
            .run(
                List.of("nft", "-f", "-"),
                "table ip user {\n  chain pre {\n"
                    + "    type filter hook prerouting priority -160; policy accept;\n"
                    + "    ct mark set ct mark or 0x00000042\n  }\n}\n",
                java.time.Duration.ofSeconds(10));
    assertThat(user.exitCode()).as(user.stderr()).isZero();
    pinning.install();
    LabNetlink.backend(lab).apply(RoutingState.ranked(providers, 100));

    ping("192.0.2.1");

    try (CtNetlink conntrack = lab.callIn(lab.routerNamespace(), CtNetlink::open)) {
      assertThat(conntrack.countByMark(INET, 0x01000042, 0xffffffff))
          .as("the user's 0x42 and isp1's 0x01000000 side by side")
          .isEqualTo(1);
    }
    assertThat(router("nft", "list", "table", "ip", "user"))
        .contains("ct mark set ct mark | 0x00000042");
  }

  @Test
  void uninstall_removesTableAndRulesOnly() throws Exception {
    pinning.install();
    LabNetlink.backend(lab).apply(RoutingState.ranked(providers, 100));

    List<String> removed = pinning.uninstall();

    assertThat(removed).hasSize(3);
    assertThat(router("nft", "list", "tables")).doesNotContain("failover");
    assertThat(router("ip", "rule", "show"))
        .doesNotContain("fwmark")
        .contains("30000:\tfrom 192.168.1.11 lookup 101 proto 201");
    assertThat(pinning.uninstall()).isEmpty();
  }

  @Test
  void install_pinningAndProviderFlushOff_removesWhatAnEarlierStartInstalled() throws Exception {
    pinning.install();

    pinning(new FlowPinningSettings(false, FlushFlowsOnDown.NONE, MASK, 29000, 202)).install();

    assertThat(router("nft", "list", "tables")).doesNotContain("failover");
    assertThat(router("ip", "rule", "show")).doesNotContain("fwmark");
  }

  @Test
  void install_withoutPinning_marksButAddsNoRuleAndNoRestoreChain() throws Exception {
    pinning(new FlowPinningSettings(false, FlushFlowsOnDown.PROVIDER, MASK, 29000, 202)).install();

    assertThat(router("nft", "list", "table", "inet", "failover"))
        .contains("chain mark_new")
        .doesNotContain("restore");
    assertThat(router("ip", "rule", "show")).doesNotContain("fwmark");
  }
}
