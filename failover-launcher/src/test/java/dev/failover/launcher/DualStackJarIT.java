package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.lab.NamespaceLab;
import dev.failover.lab.NamespaceLab.Family;
import dev.failover.lab.RouteWatch;
import dev.failover.launcher.demo.LabConfig;
import dev.failover.launcher.install.SystemdUnit;
import dev.failover.launcher.status.StatusDocument;
import dev.failover.launcher.status.StatusFile;
import dev.failover.linux.NetlinkRouteBackendSettings;
import java.io.IOException;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dual-stack uplinks (issue 16), with the built {@code failover.jar} run as the systemd unit runs
 * it in the router namespace of a dual-stack lab: two ISPs, each with IPv4 and an IPv6 prefix
 * advertised by radvd, every IPv6 gateway {@code fe80::1}; IPv4 and IPv6 test cases. The IPv6
 * values are configured (the router's SLAAC address read from the lab, the ISP's /64 and {@code
 * fe80::1}), so the test does not depend on learned IPv6 values.
 *
 * <p>One daemon run, the scenarios in sequence, each back to ISP 1 before the next: an IPv6-only
 * blackhole of ISP 1 moves the IPv6 main route and leaves IPv4's; the reverse; both; a carrier
 * loss moves both. What is asserted is what the kernel shows: the main table's default routes of
 * each family, followed with {@link RouteWatch} ({@code ip -4} and {@code ip -6 monitor}), and that
 * the main table never lacked an IPv6 (nor an IPv4) default route of the daemon's while it ran.
 * The kernel's own router-advertisement routes ({@code proto ra}, metric 1024) are not counted, or
 * they would hide a gap. Times are printed, not asserted; every wait is bounded and generous.
 *
 * <p>Needs the shaded jar (failsafe passes its path as {@code failover.jar}), root, ping and radvd;
 * skipped with the reason otherwise. The lab and the daemon are removed whatever happens.
 */
class DualStackJarIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  /** The recovery test (about 5 s of answered probes), the 2 s dwell set below, and slack. */
  private static final Duration FAILBACK_DEADLINE = Duration.ofSeconds(60);

  private static final Duration POLL = Duration.ofMillis(50);

  @TempDir Path dir;

  private NamespaceLab lab;
  private Path jar;
  private Path log;
  private Process daemon;
  private RouteWatch watch4;
  private RouteWatch watch6;

  @BeforeEach
  void lab() throws IOException {
    Optional<String> unavailable = NamespaceLab.unavailableReason();
    assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse(""));
    Optional<String> noIpv6 = NamespaceLab.ipv6UnavailableReason();
    assumeTrue(noIpv6.isEmpty(), () -> noIpv6.orElse(""));
    assumeTrue(NamespaceLab.findOnPath("ping").isPresent(), "needs ping (iputils-ping); skipped");
    String jarPath = System.getProperty("failover.jar");
    assumeTrue(jarPath != null, "failover.jar is not set: run with mvn verify (failsafe); skipped");
    jar = Path.of(jarPath);
    assertThat(jar).as("the shaded jar built by package").isRegularFile();
    log = dir.resolve("daemon.log");
    lab =
        NamespaceLab.builder("ds")
            .isps(2)
            .identicalGateways(true)
            .ipv6(true)
            .lanClient(false)
            .build();
  }

  @AfterEach
  void cleanUp() {
    if (daemon != null && daemon.isAlive()) {
      daemon.destroyForcibly();
    }
    for (RouteWatch watch : new RouteWatch[] {watch6, watch4}) {
      if (watch != null) {
        watch.close();
      }
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void jar_dualStack_eachFamilyFailsOverOnItsOwnAndALinkDownMovesBoth() throws Exception {
    String router = lab.routerNamespace();
    watch4 = RouteWatch.start(router);
    watch6 = RouteWatch.startIpv6(router);
    List<Provider> providers = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      providers.add(dualStack(i));
    }
    Path config = dir.resolve("failover.toml");
    Files.writeString(config, config(providers));
    startDaemon(config);

    awaitBothOn("wan1", "at start ISP 1 is main in both families", DEADLINE);
    assertThat(lab.exec(router, "ip", "-6", "route", "show", "default").stdout())
        .contains(
            "default via fe80::1 dev wan1 proto "
                + NetlinkRouteBackendSettings.DEFAULT_ROUTE_PROTOCOL
                + " src "
                + Ipv6.toText(providers.get(0).ipv6Address())
                + " metric");
    assertThat(watch6.await(routes -> routes.size() == 2, DEADLINE))
        .as("an IPv6 default route per provider: %s", watch6.routes())
        .isTrue();
    watch4.armGaps();
    watch6.armGaps();
    awaitProvidersUp();

    // (a) IPv6 only: the IPv6 main route moves, IPv4's stays.
    Instant broke = Instant.now();
    lab.blackhole(1, Family.IPV6);
    awaitMain(watch6, "wan2", "IPv6 blackholed on ISP 1: ISP 2 is IPv6 main", DEADLINE);
    printSince(broke, watch6, "IPv6-only blackhole, IPv6 main route moved");
    assertThat(mainDev(watch4)).as("IPv4 main after an IPv6-only blackhole").isEqualTo("wan1");
    assertThat(watch4.changesSince(broke)).as("IPv4 main route changes").isEmpty();
    restoreAndAwaitFailback();

    // (b) IPv4 only: the reverse.
    broke = Instant.now();
    lab.blackhole(1, Family.IPV4);
    awaitMain(watch4, "wan2", "IPv4 blackholed on ISP 1: ISP 2 is IPv4 main", DEADLINE);
    printSince(broke, watch4, "IPv4-only blackhole, IPv4 main route moved");
    assertThat(mainDev(watch6)).as("IPv6 main after an IPv4-only blackhole").isEqualTo("wan1");
    assertThat(watch6.changesSince(broke)).as("IPv6 main route changes").isEmpty();
    restoreAndAwaitFailback();

    // (c) Both families blackholed: both move.
    broke = Instant.now();
    lab.blackhole(1);
    awaitBothOn("wan2", "ISP 1 blackholed in both families: ISP 2 is main in both", DEADLINE);
    printSince(broke, watch4, "blackhole of both families, IPv4 main route moved");
    printSince(broke, watch6, "blackhole of both families, IPv6 main route moved");
    restoreAndAwaitFailback();

    // (d) Carrier loss: the link monitor tells both engines at once.
    broke = Instant.now();
    lab.linkDown(1, NamespaceLab.LinkSide.FAR);
    awaitBothOn("wan2", "ISP 1's carrier lost: ISP 2 is main in both families", DEADLINE);
    Instant moved4 = movedAt(watch4, broke);
    Instant moved6 = movedAt(watch6, broke);
    System.out.println(
        "carrier loss: IPv4 main moved after "
            + Duration.between(broke, moved4).toMillis()
            + " ms, IPv6 after "
            + Duration.between(broke, moved6).toMillis()
            + " ms (as ip monitor stamped them)");
    assertThat(logText()).contains("provider 'isp1' link wan1 not usable");

    assertThat(watch6.gaps()).as("instants without an IPv6 default route").isEmpty();
    assertThat(watch4.gaps()).as("instants without an IPv4 default route").isEmpty();
    assertThat(daemon.isAlive()).as(logText()).isTrue();
  }

  /** ISP {@code index}'s provider with its IPv6 values set: the SLAAC address, the /64, fe80::1. */
  private Provider dualStack(int index) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    Optional<Inet6Address> address = lab.routerIpv6Address(index);
    // Bounded: radvd answers within milliseconds of the lab's start; each read is an ip command.
    while (address.isEmpty() && System.nanoTime() < deadline) {
      address = lab.routerIpv6Address(index);
    }
    assertThat(address).as("the router's SLAAC address on wan%s", index).isPresent();
    NamespaceLab.Ipv6Prefix prefix = lab.ipv6Prefix(index);
    return lab.isp(index)
        .provider()
        .withIpv6(
            address.get(),
            Ipv6Network.parse(prefix.toString()),
            NamespaceLab.MODEM_LINK_LOCAL);
  }

  /**
   * The lab's config (the defaults, but a 2 s failback dwell and no flap damping, so that each
   * scenario returns to ISP 1 within seconds although ISP 1 fails four times in a minute) with
   * each provider's IPv6 keys and two IPv6 ping test cases added.
   */
  private String config(List<Provider> providers) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("failback_dwell", "2");
    settings.put("flap_penalty", "0");
    String toml = LabConfig.toml(providers, NamespaceLab.TARGETS.subList(0, 2), dir, settings);
    for (Provider p : providers) {
      String tableLine = "rt_table_id = " + p.rtTableId() + "\n";
      assertThat(toml).contains(tableLine);
      toml =
          toml.replace(
              tableLine,
              tableLine
                  + "ipv6_address = \""
                  + Ipv6.toText(p.ipv6Address())
                  + "\"\nipv6_prefix = \""
                  + p.ipv6Prefix()
                  + "\"\nipv6_gateway = \""
                  + Ipv6.toText(p.ipv6Gateway())
                  + "\"\n");
    }
    StringBuilder text = new StringBuilder(toml);
    for (Inet6Address target : NamespaceLab.TARGETS_V6.subList(0, 2)) {
      text.append("\n[[test_cases]]\ntype = \"ping\"\ntarget = \"")
          .append(Ipv6.toText(target))
          .append("\"\n");
    }
    return text.toString();
  }

  private void startDaemon(Path config) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", lab.routerNamespace()));
    command.add(
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(SystemdUnit.JVM_FLAGS);
    command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
    daemon =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Restores ISP 1 and waits until it is main again in both families and judged UP. */
  private void restoreAndAwaitFailback() throws Exception {
    Instant restored = Instant.now();
    lab.restore(1);
    awaitBothOn("wan1", "ISP 1 restored: it is main again in both families", FAILBACK_DEADLINE);
    System.out.println(
        "failback to ISP 1 in both families: "
            + Duration.between(restored, Instant.now()).toMillis()
            + " ms");
    awaitProvidersUp();
  }

  private void awaitBothOn(String device, String why, Duration limit) throws Exception {
    awaitMain(watch4, device, why + " (IPv4)", limit);
    awaitMain(watch6, device, why + " (IPv6)", limit);
  }

  /**
   * Waits until {@code watch}'s main route leaves through {@code device}, failing at the deadline
   * or as soon as the daemon exits.
   */
  private void awaitMain(RouteWatch watch, String device, String why, Duration limit)
      throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (mainDev(watch).equals(device)) {
        return;
      }
      if (daemon.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
        fail(
            "the daemon exited with %s while waiting for: %s%n%s",
            daemon.exitValue(), why, logText());
      }
    }
    fail(
        "%s: not within %s; IPv4 defaults %s, IPv6 defaults %s%n%s%n%s",
        why,
        limit,
        watch4.routes(),
        watch6.routes(),
        lab.exec(lab.routerNamespace(), "ip", "-6", "route", "show", "table", "all").stdout(),
        logText());
  }

  /** Waits until the status file (the IPv4 engine's) shows both providers UP. */
  private void awaitProvidersUp() throws Exception {
    StatusFile file = new StatusFile(dir.resolve("status.json"));
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    String seen = "(no status yet)";
    while (System.nanoTime() < deadline) {
      Optional<StatusDocument> status = file.readDocument();
      if (status.isPresent()) {
        seen =
            status.get().engine().provider("isp1").map(p -> p.state().name()).orElse("-")
                + "/"
                + status.get().engine().provider("isp2").map(p -> p.state().name()).orElse("-");
        if (seen.equals("UP/UP")) {
          return;
        }
      }
      if (daemon.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
        fail("the daemon exited with %s%n%s", daemon.exitValue(), logText());
      }
    }
    fail("isp1/isp2 were not UP/UP within %s (%s)%n%s", DEADLINE, seen, logText());
  }

  private static String mainDev(RouteWatch watch) {
    return watch.main().map(RouteWatch.Route::dev).orElse("(none)");
  }

  private static Instant movedAt(RouteWatch watch, Instant since) {
    return watch.changesSince(since).stream()
        .filter(change -> change.dev().isPresent())
        .reduce((first, second) -> second)
        .map(RouteWatch.MainChange::at)
        .orElse(since);
  }

  private static void printSince(Instant broke, RouteWatch watch, String what) {
    System.out.println(
        what
            + " after "
            + Duration.between(broke, movedAt(watch, broke)).toMillis()
            + " ms (as ip monitor stamped it)");
  }

  private String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
