package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.core.EngineStatus;
import dev.failover.lab.NamespaceLab;
import dev.failover.lab.NamespaceLab.Family;
import dev.failover.lab.RouteWatch;
import dev.failover.launcher.demo.LabConfig;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dual-stack uplinks (issue 16), with the built {@code failover.jar} run as the systemd unit runs
 * it in the router namespace of a dual-stack lab: two ISPs, each with IPv4 and an IPv6 prefix
 * advertised by radvd, every IPv6 gateway {@code fe80::1}; IPv4 and IPv6 test cases. ISP 1's IPv6
 * values are configured (the router's SLAAC address read from the lab, the ISP's /64 and {@code
 * fe80::1}); ISP 2 has {@code ipv6 = true} and no {@code ipv6_*} key, so the daemon learns them
 * from the kernel (its SLAAC address and /64, and the gateway of the router advertisement's default
 * route). Both paths run in the one daemon, rather than in a second run of 20 s or more: the test
 * asserts that ISP 2's IPv6 default route has the SLAAC address the lab shows as its {@code src},
 * that the status file's {@code ipv6} block shows the learned values under ISP 2's {@code uplink},
 * and that the IPv6 main route that moves to ISP 2 is that route.
 *
 * <p>One daemon run, the scenarios in sequence, each back to ISP 1 before the next: an IPv6-only
 * blackhole of ISP 1 moves the IPv6 main route (to ISP 2's learned one) and leaves IPv4's; the
 * reverse; both; a carrier loss moves both. What is asserted is what the kernel shows: the main
 * table's default routes of each family, followed with {@link RouteWatch} ({@code ip -4} and {@code
 * ip -6 monitor}), the daemon's IPv6 default route of the lowest metric ({@code ip -6 route show
 * default}: its device and {@code src}), and that the main table never lacked an IPv6 (nor an IPv4)
 * default route of the daemon's while it ran. The kernel's own router-advertisement routes ({@code
 * proto ra}, metric 1024) are not counted, or they would hide a gap. Besides, the status file: its
 * IPv6 main provider ({@code .ipv6.main.provider}) after each scenario's switch and after each
 * failback, next to the IPv4 one at the top level, and every verdict of both families UP before a
 * scenario starts. Times are printed, not asserted; every wait is bounded and generous.
 *
 * <p>Needs the shaded jar (failsafe passes its path as {@code failover.jar}), root, ping and radvd;
 * skipped with the reason otherwise. The lab and the daemon are removed whatever happens.
 */
class DualStackJarIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  /** The recovery test (about 5 s of answered probes), the 2 s dwell set below, and slack. */
  private static final Duration FAILBACK_DEADLINE = Duration.ofSeconds(60);

  private static final Duration POLL = Duration.ofMillis(50);

  private static final Pattern METRIC = Pattern.compile(" metric (\\d+)");

  /** ISP 1 main in both families, and both ISPs UP in both: how each scenario starts. */
  private static final Predicate<StatusDocument> UP_ON_ISP_1 =
      status -> mains(status).equals("isp1/isp1") && verdicts(status).equals("UP/UP, UP/UP");

  @TempDir Path dir;

  private NamespaceLab lab;
  private Path jar;
  private Path log;
  private Process daemon;
  private RouteWatch watch4;
  private RouteWatch watch6;
  private Provider isp1;
  private Provider isp2;

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
    isp1 = withLabIpv6(1);
    // What the daemon should learn for ISP 2, whose config has no IPv6 value.
    isp2 = withLabIpv6(2);
    Path config = dir.resolve("failover.toml");
    Files.writeString(config, config(isp1, isp2));
    startDaemon(config);

    awaitBothOn("wan1", "at start ISP 1 is main in both families", DEADLINE);
    assertThat(ipv6MainRoute()).as("the IPv6 main route").startsWith(ipv6Route(isp1));
    assertThat(watch6.await(routes -> routes.size() == 2, DEADLINE))
        .as("an IPv6 default route per provider: %s", watch6.routes())
        .isTrue();
    assertThat(ipv6Routes())
        .as("ISP 2's IPv6 default route, from the values learned")
        .anySatisfy(route -> assertThat(route).startsWith(ipv6Route(isp2)));
    watch4.armGaps();
    watch6.armGaps();
    StatusDocument status = awaitStatus(UP_ON_ISP_1, "at start");
    ProviderResolution learned =
        status.ipv6().flatMap(e -> e.provider("isp2")).orElseThrow().resolution();
    assertThat(learned).as("ISP 2's IPv6 resolution in the status file").isNotNull();
    assertThat(uplink(learned.provider()))
        .as("ISP 2's IPv6 uplink in the status file (learned)")
        .isEqualTo(uplink(isp2));

    // (a) IPv6 only: the IPv6 main route moves, to ISP 2's learned one; IPv4's stays.
    Instant broke = Instant.now();
    lab.blackhole(1, Family.IPV6);
    awaitMain(watch6, "wan2", "IPv6 blackholed on ISP 1: ISP 2 is IPv6 main", DEADLINE);
    printSince(broke, watch6, "IPv6-only blackhole, IPv6 main route moved");
    assertThat(ipv6MainRoute()).as("the IPv6 main route").startsWith(ipv6Route(isp2));
    assertThat(mainDev(watch4)).as("IPv4 main after an IPv6-only blackhole").isEqualTo("wan1");
    assertThat(watch4.changesSince(broke)).as("IPv4 main route changes").isEmpty();
    awaitStatus(s -> mains(s).equals("isp1/isp2"), "IPv6 main isp2, IPv4 main isp1");
    restoreAndAwaitFailback();

    // (b) IPv4 only: the reverse.
    broke = Instant.now();
    lab.blackhole(1, Family.IPV4);
    awaitMain(watch4, "wan2", "IPv4 blackholed on ISP 1: ISP 2 is IPv4 main", DEADLINE);
    printSince(broke, watch4, "IPv4-only blackhole, IPv4 main route moved");
    assertThat(mainDev(watch6)).as("IPv6 main after an IPv4-only blackhole").isEqualTo("wan1");
    assertThat(watch6.changesSince(broke)).as("IPv6 main route changes").isEmpty();
    awaitStatus(s -> mains(s).equals("isp2/isp1"), "IPv4 main isp2, IPv6 main isp1");
    restoreAndAwaitFailback();

    // (c) Both families blackholed: both move.
    broke = Instant.now();
    lab.blackhole(1);
    awaitBothOn("wan2", "ISP 1 blackholed in both families: ISP 2 is main in both", DEADLINE);
    printSince(broke, watch4, "blackhole of both families, IPv4 main route moved");
    printSince(broke, watch6, "blackhole of both families, IPv6 main route moved");
    assertThat(ipv6MainRoute()).as("the IPv6 main route").startsWith(ipv6Route(isp2));
    awaitStatus(s -> mains(s).equals("isp2/isp2"), "ISP 2 main in both families");
    restoreAndAwaitFailback();

    // (d) Carrier loss: the link monitor tells both engines at once, unless the kernel announces
    // the loss so late that the probes of each family move the routes first.
    Instant unplugged = Instant.now();
    lab.linkDown(1, NamespaceLab.LinkSide.FAR);
    awaitBothOn("wan2", "ISP 1's carrier lost: ISP 2 is main in both families", DEADLINE);
    assertThat(ipv6MainRoute()).as("the IPv6 main route").startsWith(ipv6Route(isp2));
    // Awaited, not read once: the kernel may announce a carrier change up to a second late (its
    // linkwatch batches link events, at most one batch a second for every namespace of the
    // machine); then the probes move the routes before the link event comes.
    awaitLog("provider 'isp1' link wan1 not usable");
    Instant moved4 = movedAt(watch4, unplugged);
    Instant moved6 = movedAt(watch6, unplugged);
    System.out.println(
        "carrier loss: IPv4 main moved after "
            + Duration.between(unplugged, moved4).toMillis()
            + " ms, IPv6 after "
            + Duration.between(unplugged, moved6).toMillis()
            + " ms; the kernel announced it after "
            + watch4
                .firstLinkLossSince(unplugged, "wan1")
                .map(event -> Duration.between(unplugged, event.at()).toMillis() + " ms")
                .orElse("(not seen)")
            + " (as ip monitor stamped them)");
    awaitStatus(s -> mains(s).equals("isp2/isp2"), "ISP 2 main in both families");

    assertThat(watch6.gaps()).as("instants without an IPv6 default route").isEmpty();
    assertThat(watch4.gaps()).as("instants without an IPv4 default route").isEmpty();
    assertThat(daemon.isAlive()).as(logText()).isTrue();
  }

  /**
   * ISP {@code index}'s provider with the IPv6 values the lab shows: the router's SLAAC address on
   * the ISP's link, the ISP's /64 and fe80::1.
   */
  private Provider withLabIpv6(int index) throws Exception {
    Optional<Inet6Address> address = lab.awaitRouterIpv6Address(index, DEADLINE);
    assertThat(address).as("the router's SLAAC address on wan%s", index).isPresent();
    NamespaceLab.Ipv6Prefix prefix = lab.ipv6Prefix(index);
    return lab.isp(index)
        .provider()
        .withIpv6(
            address.get(), Ipv6Network.parse(prefix.toString()), NamespaceLab.MODEM_LINK_LOCAL);
  }

  /**
   * The lab's config (the defaults, but a 2 s failback dwell and no flap damping, so that each
   * scenario returns to ISP 1 within seconds although ISP 1 fails four times in a minute) with
   * {@code configured}'s IPv6 keys, {@code ipv6 = true} alone for {@code learned}, and two IPv6
   * ping test cases added.
   */
  private String config(Provider configured, Provider learned) {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("failback_dwell", "2");
    settings.put("flap_penalty", "0");
    String toml =
        LabConfig.toml(
            List.of(configured, learned), NamespaceLab.TARGETS.subList(0, 2), dir, settings);
    toml =
        afterTableLine(
            toml,
            configured,
            "ipv6_address = \""
                + Ipv6.toText(configured.ipv6Address())
                + "\"\nipv6_prefix = \""
                + configured.ipv6Prefix()
                + "\"\nipv6_gateway = \""
                + Ipv6.toText(configured.ipv6Gateway())
                + "\"\n");
    toml = afterTableLine(toml, learned, "ipv6 = true\n");
    assertThat(toml)
        .as("only ISP 1's IPv6 values are configured")
        .containsOnlyOnce("ipv6_address")
        .containsOnlyOnce("ipv6_prefix")
        .containsOnlyOnce("ipv6_gateway");
    StringBuilder text = new StringBuilder(toml);
    for (Inet6Address target : NamespaceLab.TARGETS_V6.subList(0, 2)) {
      text.append("\n[[test_cases]]\ntype = \"ping\"\ntarget = \"")
          .append(Ipv6.toText(target))
          .append("\"\n");
    }
    return text.toString();
  }

  /** {@code toml} with {@code lines} added to {@code provider}'s table after its rt_table_id. */
  private static String afterTableLine(String toml, Provider provider, String lines) {
    String tableLine = "rt_table_id = " + provider.rtTableId() + "\n";
    assertThat(toml).containsOnlyOnce(tableLine);
    return toml.replace(tableLine, tableLine + lines);
  }

  private void startDaemon(Path config) throws IOException {
    List<String> command =
        UnitCommand.inNamespace(lab.routerNamespace(), jar, "run", "--config", config.toString());
    daemon =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * Restores ISP 1 and waits until it is main again in both families (ISP 1's configured IPv6
   * route) and the status file shows it so, with every verdict UP.
   */
  private void restoreAndAwaitFailback() throws Exception {
    Instant restored = Instant.now();
    lab.restore(1);
    awaitBothOn("wan1", "ISP 1 restored: it is main again in both families", FAILBACK_DEADLINE);
    System.out.println(
        "failback to ISP 1 in both families: "
            + Duration.between(restored, Instant.now()).toMillis()
            + " ms");
    assertThat(ipv6MainRoute()).as("the IPv6 main route").startsWith(ipv6Route(isp1));
    awaitStatus(UP_ON_ISP_1, "after the failback");
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

  /**
   * Waits until the status file's document passes {@code condition} and returns it, failing at the
   * deadline (with the mains and verdicts it last showed) or as soon as the daemon exits.
   */
  private StatusDocument awaitStatus(Predicate<StatusDocument> condition, String why)
      throws Exception {
    StatusFile file = new StatusFile(dir.resolve("status.json"));
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    String seen = "(no status yet)";
    while (System.nanoTime() < deadline) {
      Optional<StatusDocument> status = file.readDocument();
      if (status.isPresent()) {
        if (condition.test(status.get())) {
          return status.get();
        }
        seen = mains(status.get()) + " " + verdicts(status.get());
      }
      if (daemon.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
        fail("the daemon exited with %s%n%s", daemon.exitValue(), logText());
      }
    }
    return fail(
        "status file, %s: not as expected within %s; it shows mains IPv4/IPv6 and verdicts"
            + " isp1/isp2 IPv4, IPv6: %s%n%s",
        why, DEADLINE, seen, logText());
  }

  /** The main providers of the status file, IPv4's (top level) and IPv6's ({@code ipv6}). */
  private static String mains(StatusDocument status) {
    return status.engine().mainProvider().orElse("-")
        + "/"
        + status.ipv6().flatMap(EngineStatus::mainProvider).orElse("-");
  }

  /** The verdicts on isp1 and isp2 in each family, such as {@code UP/UP, DOWN/UP}. */
  private static String verdicts(StatusDocument status) {
    return verdicts(Optional.of(status.engine())) + ", " + verdicts(status.ipv6());
  }

  private static String verdicts(Optional<EngineStatus> engine) {
    return state(engine, "isp1") + "/" + state(engine, "isp2");
  }

  private static String state(Optional<EngineStatus> engine, String id) {
    return engine.flatMap(e -> e.provider(id)).map(p -> p.state().name()).orElse("-");
  }

  /**
   * The start of the daemon's IPv6 default route through {@code provider}'s interface as {@code ip
   * -6 route} prints it, with {@code provider}'s IPv6 address as its source, up to the metric.
   */
  private static String ipv6Route(Provider provider) {
    return "default via "
        + Ipv6.toText(provider.ipv6Gateway())
        + " dev "
        + provider.interfaceName()
        + " proto "
        + NetlinkRouteBackendSettings.DEFAULT_ROUTE_PROTOCOL
        + " src "
        + Ipv6.toText(provider.ipv6Address())
        + " metric ";
  }

  /** The daemon's IPv6 default routes in the router's main table, as {@code ip -6 route} prints. */
  private List<String> ipv6Routes() throws IOException {
    String own = " proto " + NetlinkRouteBackendSettings.DEFAULT_ROUTE_PROTOCOL + " ";
    return lab.exec(lab.routerNamespace(), "ip", "-6", "route", "show", "default")
        .stdout()
        .lines()
        .filter(line -> line.contains(own))
        .toList();
  }

  /** The daemon's IPv6 default route of the lowest metric, the one the kernel uses. */
  private String ipv6MainRoute() throws IOException {
    List<String> routes = ipv6Routes();
    return routes.stream()
        .min(Comparator.comparingLong(DualStackJarIT::metric))
        .orElse("(no IPv6 default route of the daemon's: " + routes + ")");
  }

  private static long metric(String route) {
    Matcher metric = METRIC.matcher(route);
    assertThat(metric.find()).as("a metric in %s", route).isTrue();
    return Long.parseLong(metric.group(1));
  }

  /** A provider's IPv6 uplink values as text: address, prefix, gateway. */
  private static List<String> uplink(@Nullable Provider provider) {
    assertThat(provider).as("a resolved provider").isNotNull();
    return List.of(
        provider.address(AddressFamily.IPV6).map(AddressFamily::text).orElse("-"),
        provider.networkText(AddressFamily.IPV6).orElse("-"),
        provider.gateway(AddressFamily.IPV6).map(AddressFamily::text).orElse("-"));
  }

  /** Waits until the daemon's log holds {@code text}, failing at the deadline or if it exits. */
  private void awaitLog(String text) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (logText().contains(text)) {
        return;
      }
      if (daemon.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
        fail("the daemon exited with %s%n%s", daemon.exitValue(), logText());
      }
    }
    fail("the daemon's log lacks '%s' after %s%n%s", text, DEADLINE, logText());
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
