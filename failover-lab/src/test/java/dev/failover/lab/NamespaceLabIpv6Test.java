package dev.failover.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.common.net.InetAddresses;
import dev.failover.lab.NamespaceLab.Family;
import dev.failover.lab.NamespaceLab.LinkSide;
import dev.failover.linux.CommandResult;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dual-stack lab against the real kernel and a real radvd: SLAAC and RA default routes per
 * uplink, IPv6 probes through a provider's own table, per-family faults, lost RAs and clean-up.
 * Each test that breaks something uses its own ISP and restores it, so their order does not matter.
 * Every wait polls with a deadline.
 */
class NamespaceLabIpv6Test {
  /** How long the router may take to learn an uplink: radvd advertises as it starts. */
  private static final Duration LEARN = Duration.ofSeconds(5);

  private static final String TARGET = InetAddresses.toAddrString(NamespaceLab.TARGETS_V6.get(0));

  private static NamespaceLab lab;

  @BeforeAll
  static void startLab() throws Exception {
    Optional<String> unavailable = NamespaceLab.ipv6UnavailableReason();
    assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse(""));
    lab = NamespaceLab.builder("fl6").isps(3).ipv6(true).build();
  }

  @AfterAll
  static void closeLab() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void build_ipv6_routerHasSlaacAddressAndRaDefaultRouteViaFe80Colon1PerUplink() throws Exception {
    for (NamespaceLab.Isp isp : lab.isps()) {
      Inet6Address address = awaitAddress(isp.index());
      assertThat(lab.ipv6Prefix(isp.index()).contains(address)).as("%s", address).isTrue();
      assertThat(await(() -> hasRaDefaultRoute(isp.index()), LEARN))
          .as("proto ra default route via fe80::1 dev %s: %s", isp.routerInterface(), defaults())
          .isTrue();
    }
    assertThat(lab.ipv6Prefix(2).toString()).isEqualTo("2001:db8:2::/64");
    assertThat(InetAddresses.toAddrString(NamespaceLab.MODEM_LINK_LOCAL)).isEqualTo("fe80::1");
  }

  @Test
  void build_ipv6_routerForwardsIpv6AndAcceptsRasOnItsUplinks() throws Exception {
    String rt = lab.routerNamespace();
    assertThat(cat(rt, "/proc/sys/net/ipv6/conf/all/forwarding")).isEqualTo("1");
    assertThat(cat(rt, "/proc/sys/net/ipv6/conf/wan1/accept_ra")).isEqualTo("2");
    assertThat(cat(rt, "/proc/sys/net/ipv6/conf/all/disable_ipv6")).isEqualTo("0");
  }

  @Test
  void ping6_fromIspAddressThroughItsTable_reachesTheTargetThroughEveryIsp() throws Exception {
    for (NamespaceLab.Isp isp : lab.isps()) {
      CommandResult ping = ping6Through(isp.index());
      assertThat(ping.exitCode()).as("ISP %s: %s", isp.index(), ping.stdout()).isZero();
    }
  }

  @Test
  void ping6_fromTheLanClient_reachesTheTargetThroughTheRouter() throws Exception {
    for (NamespaceLab.Isp isp : lab.isps()) {
      awaitAddress(isp.index());
    }
    CommandResult ping =
        lab.exec(lab.lanNamespace(), "ping", "-6", "-n", "-c", "1", "-W", "2", TARGET);
    assertThat(ping.exitCode()).as(ping.stdout()).isZero();
  }

  @Test
  void blackholeIpv6_breaksIpv6OfThatIspOnly_andLeavesItsIpv4Working() throws Exception {
    assertThat(ping6Through(1).exitCode()).isZero();
    lab.blackhole(1, Family.IPV6);
    try {
      assertThat(ping6Through(1).exitCode()).isNotZero();
      CommandResult ping4 = ping4Through(1);
      assertThat(ping4.exitCode()).as(ping4.stdout()).isZero();
      CommandResult other = ping6Through(2);
      assertThat(other.exitCode()).as(other.stdout()).isZero();
    } finally {
      lab.restore(1);
    }
    CommandResult after = ping6Through(1);
    assertThat(after.exitCode()).as(after.stdout()).isZero();
  }

  @Test
  void blackholeIpv4_breaksIpv4OfThatIspOnly_andLeavesItsIpv6Working() throws Exception {
    assertThat(ping4Through(2).exitCode()).isZero();
    lab.blackhole(2, Family.IPV4);
    try {
      assertThat(ping4Through(2).exitCode()).isNotZero();
      CommandResult ping6 = ping6Through(2);
      assertThat(ping6.exitCode()).as(ping6.stdout()).isZero();
    } finally {
      lab.restore(2);
    }
    CommandResult after = ping4Through(2);
    assertThat(after.exitCode()).as(after.stdout()).isZero();
  }

  @Test
  void stopRouterAdvertisements_defaultRouteExpiresWithinTheRouterLifetime_startBringsItBack()
      throws Exception {
    awaitAddress(2);
    assertThat(await(() -> hasRaDefaultRoute(2), LEARN)).isTrue();
    long stopped = System.nanoTime();
    lab.stopRouterAdvertisements(2);
    try {
      // Lost, not withdrawn: no RA with lifetime 0, so the route stays until it expires.
      assertThat(hasRaDefaultRoute(2)).as(defaults()).isTrue();
      Duration limit = NamespaceLab.ROUTER_LIFETIME.plusSeconds(3);
      assertThat(await(() -> !hasRaDefaultRoute(2), limit)).as(defaults()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - stopped))
          .isGreaterThan(NamespaceLab.ROUTER_LIFETIME.minus(NamespaceLab.MAX_RA_INTERVAL));
      assertThat(hasRaDefaultRoute(1) && hasRaDefaultRoute(3)).as(defaults()).isTrue();
      assertThat(lab.routerIpv6Address(2)).isPresent();
    } finally {
      lab.startRouterAdvertisements(2);
    }
    assertThat(await(() -> hasRaDefaultRoute(2), LEARN)).as(defaults()).isTrue();
  }

  @Test
  void withdrawRouterAdvertisements_lastRaHasLifetimeZero_defaultRouteGoesAtOnce()
      throws Exception {
    awaitAddress(2);
    assertThat(await(() -> hasRaDefaultRoute(2), LEARN)).isTrue();
    lab.withdrawRouterAdvertisements(2);
    try {
      // Far less than the lifetime: the router acts on the farewell RA, not on expiry.
      assertThat(await(() -> !hasRaDefaultRoute(2), Duration.ofSeconds(2))).as(defaults()).isTrue();
      assertThat(lab.routerIpv6Address(2)).isPresent();
    } finally {
      lab.startRouterAdvertisements(2);
    }
    assertThat(await(() -> hasRaDefaultRoute(2), LEARN)).as(defaults()).isTrue();
  }

  @Test
  void linkDownRouterSide_thenLinkUp_routerLearnsAddressAndRouteAgain() throws Exception {
    awaitAddress(3);
    lab.linkDown(3, LinkSide.ROUTER);
    try {
      assertThat(lab.routerIpv6Address(3)).isEmpty();
      assertThat(hasRaDefaultRoute(3)).isFalse();
    } finally {
      lab.linkUp(3, LinkSide.ROUTER);
    }
    awaitAddress(3);
    assertThat(await(() -> hasRaDefaultRoute(3), LEARN)).as(defaults()).isTrue();
    CommandResult ping = ping6Through(3);
    assertThat(ping.exitCode()).as(ping.stdout()).isZero();
  }

  @Test
  void linkDownFarSide_thenRestore_ipv6WorksThroughThatIspAgain() throws Exception {
    awaitAddress(3);
    lab.linkDown(3, LinkSide.FAR);
    try {
      assertThat(ping6Through(3).exitCode()).isNotZero();
    } finally {
      lab.restore(3);
    }
    assertThat(lab.exec(lab.isp(3).namespace(), "ip", "-6", "addr", "show", "dev", "lan").stdout())
        .contains("inet6 fe80::1/64")
        .contains("inet6 2001:db8:3::1/64");
    assertThat(await(() -> ping6Through(3).exitCode() == 0, LEARN)).isTrue();
  }

  @Test
  void deleteInterface_thenRestore_routerLearnsTheNewUplinkFromAFreshAdvertiser() throws Exception {
    lab.deleteInterface(1);
    lab.restore(1);

    awaitAddress(1);
    assertThat(await(() -> hasRaDefaultRoute(1), LEARN)).as(defaults()).isTrue();
    CommandResult ping = ping6Through(1);
    assertThat(ping.exitCode()).as(ping.stdout()).isZero();
  }

  @Test
  void close_ipv6Lab_leavesNoNamespaceNoRadvdAndNoFile() throws Exception {
    NamespaceLab other = NamespaceLab.builder("fl6").isps(2).lanClient(false).ipv6(true).build();
    List<Long> pids = other.advertiserPids();
    Path folder = other.scratchFolder().orElseThrow();
    List<String> namespaces =
        List.of(
            other.routerNamespace(),
            other.internetNamespace(),
            other.isp(1).namespace(),
            other.isp(2).namespace());
    assertThat(pids).hasSizeGreaterThanOrEqualTo(2);
    assertThat(pids).allSatisfy(pid -> assertThat(alive(pid)).as("radvd %s", pid).isTrue());
    assertThat(folder).isDirectory();

    other.close();

    for (String ns : namespaces) {
      assertThat(Path.of("/run/netns", ns)).doesNotExist();
    }
    assertThat(pids).allSatisfy(pid -> assertThat(alive(pid)).as("radvd %s", pid).isFalse());
    assertThat(folder).doesNotExist();
  }

  @Test
  void build_ipv6Off_startsNoRadvdMakesNoFolderAndRefusesRaFaults() throws Exception {
    try (NamespaceLab plain = NamespaceLab.builder("fl6").isps(1).lanClient(false).build()) {
      assertThat(plain.ipv6()).isFalse();
      assertThat(plain.advertiserPids()).isEmpty();
      assertThat(plain.scratchFolder()).isEmpty();
      assertThatThrownBy(() -> plain.stopRouterAdvertisements(1))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("without IPv6");
      assertThatThrownBy(() -> plain.routerIpv6Address(1))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  /** Pings the first IPv6 target from ISP {@code i}'s SLAAC address through a table of its own. */
  private static CommandResult ping6Through(int i) throws Exception {
    String source = InetAddresses.toAddrString(awaitAddress(i));
    String table = Integer.toString(200 + i);
    String rt = lab.routerNamespace();
    // replace: a link that went down took the table's route with it.
    lab.exec(
        rt, "ip", "-6", "route", "replace", "default", "via", "fe80::1", "dev", "wan" + i, "table",
        table);
    if (!lab.exec(rt, "ip", "-6", "rule", "show").stdout().contains("from " + source + " ")) {
      lab.exec(
          rt,
          "ip",
          "-6",
          "rule",
          "add",
          "pref",
          Integer.toString(1000 + i),
          "from",
          source,
          "lookup",
          table);
    }
    return lab.exec(rt, "ping", "-6", "-n", "-c", "1", "-W", "2", "-I", source, TARGET);
  }

  /** Pings the first IPv4 target from ISP {@code i}'s address through a table of its own. */
  private static CommandResult ping4Through(int i) throws Exception {
    String source = lab.isp(i).routerAddress().getHostAddress();
    String table = Integer.toString(200 + i);
    String rt = lab.routerNamespace();
    lab.exec(
        rt,
        "ip",
        "-4",
        "route",
        "replace",
        "default",
        "via",
        "192.168.1.1",
        "dev",
        "wan" + i,
        "table",
        table);
    if (!lab.exec(rt, "ip", "-4", "rule", "show").stdout().contains("from " + source + " ")) {
      lab.exec(
          rt,
          "ip",
          "-4",
          "rule",
          "add",
          "pref",
          Integer.toString(1000 + i),
          "from",
          source,
          "lookup",
          table);
    }
    String target = NamespaceLab.TARGETS.get(0).getHostAddress();
    return lab.exec(rt, "ping", "-4", "-n", "-c", "1", "-W", "2", "-I", source, target);
  }

  private static Inet6Address awaitAddress(int i) throws Exception {
    Optional<Inet6Address> address = lab.awaitRouterIpv6Address(i, LEARN);
    assertThat(address)
        .as("SLAAC address on wan%s: %s", i, lab.exec(lab.routerNamespace(), "ip", "-6", "addr"))
        .isPresent();
    return address.get();
  }

  private static boolean hasRaDefaultRoute(int i) throws Exception {
    return defaults()
        .lines()
        .anyMatch(line -> line.matches("default via fe80::1 dev wan" + i + " proto ra .*"));
  }

  private static String defaults() throws Exception {
    return lab.exec(lab.routerNamespace(), "ip", "-6", "route", "show", "default").stdout();
  }

  private static String cat(String ns, String file) throws Exception {
    return lab.exec(ns, "cat", file).stdout().strip();
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Polls {@code condition} every 50 ms until it holds or {@code limit} has passed. */
  private static boolean await(Callable<Boolean> condition, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      if (condition.call()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50); // the polling step of a bounded wait, not a synchronisation
    }
  }
}
