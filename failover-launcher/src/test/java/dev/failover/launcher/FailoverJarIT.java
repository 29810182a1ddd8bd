package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.lab.NamespaceLab;
import dev.failover.launcher.demo.KernelRoutes;
import dev.failover.launcher.demo.LabConfig;
import dev.failover.launcher.status.StatusDocument;
import dev.failover.launcher.status.StatusFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the built {@code failover.jar} as a process inside the router namespace of a lab, with the
 * systemd unit's JVM flags and the default settings (only the providers, targets and scratch files
 * are configured), and watches the kernel's main default route (read with {@code ip -json route} in
 * that namespace) follow an injected failure of ISP 1 and its recovery, and a carrier loss.
 *
 * <p>Needs the shaded jar (run by failsafe after {@code package}, which passes its path as {@code
 * failover.jar}) and root; skipped with the reason otherwise. Every wait is bounded and polls the
 * kernel; the lab and the daemon are removed whatever happens. The failback waits for the damped
 * policy's recovery test and dwell, so the first test takes about 40 s.
 */
class FailoverJarIT {
  /** Generous: the defaults fail over in about a second; a loaded CI machine is slower. */
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  /**
   * The damped policy's failback with the defaults: the recovery test (about 5 s of answered
   * probes), then the 30 s failback dwell; plus slack for a loaded machine.
   */
  private static final Duration FAILBACK_DEADLINE = Duration.ofSeconds(120);

  private static final Duration POLL = Duration.ofMillis(100);

  @TempDir Path dir;

  private NamespaceLab lab;
  private Path jar;
  private Path config;
  private Path log;
  private Process daemon;

  @BeforeEach
  void lab() throws IOException {
    Optional<String> unavailable = NamespaceLab.unavailableReason();
    assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse(""));
    assumeTrue(NamespaceLab.findOnPath("ping").isPresent(), "needs ping (iputils-ping); skipped");
    String jarPath = System.getProperty("failover.jar");
    assumeTrue(jarPath != null, "failover.jar is not set: run with mvn verify (failsafe); skipped");
    jar = Path.of(jarPath);
    assertThat(jar).as("the shaded jar built by package").isRegularFile();

    lab = NamespaceLab.builder("fj").isps(2).identicalGateways(true).lanClient(false).build();
    config = dir.resolve("failover.toml");
    Files.writeString(
        config,
        LabConfig.toml(lab.providers(), NamespaceLab.TARGETS.subList(0, 2), dir));
    log = dir.resolve("daemon.log");
  }

  @AfterEach
  void cleanUp() {
    if (daemon != null && daemon.isAlive()) {
      daemon.destroyForcibly();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void jar_inALab_mainRouteFollowsAFailureOfIsp1AndItsRecovery() throws Exception {
    String router = lab.routerNamespace();
    daemon = startInRouter("run", "--config", config.toString());

    awaitMainRouteThrough("wan1", "at start, ISP 1 (the first provider) is main");
    assertThat(KernelRoutes.read(router))
        .extracting(KernelRoutes.DefaultRoute::device)
        .containsExactly("wan1", "wan2");

    // Steady state first: a provider not judged yet would be dropped after one failed round.
    awaitProviderUp("isp1");
    lab.blackhole(1);
    long blackholed = System.nanoTime();
    awaitMainRouteThrough("wan2", "after ISP 1 is blackholed, ISP 2 takes over", DEADLINE);
    long failoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - blackholed);
    System.out.println(
        "blackhole failover (route seen moved, polled every 100 ms): " + failoverMillis + " ms");
    // The median is about 0.85 s; the bound only catches a default that lost its speed.
    // The time is printed for the record; docs/benchmarks.md measures it properly. The bound only
    // proves the route moved because of the failure, not by a slow drift: no timing is asserted.
    assertThat(failoverMillis).as("failover with the default settings").isLessThan(60_000);

    lab.restore(1);
    long restored = System.nanoTime();
    awaitMainRouteThrough(
        "wan1", "after ISP 1 recovers, it is main again (failback)", FAILBACK_DEADLINE);
    System.out.println(
        "failback after restore: "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restored)
            + " ms");
    System.out.println("daemon after " + uptimeSeconds() + " s: " + residentAndThreads());

    // The status file follows the engine by up to a check interval: wait for it, then read it.
    awaitStatusMain("isp1");
    Process status = runJar("status", "--config", config.toString());
    String statusText = output(status);
    assertThat(status.exitValue()).as(statusText).isZero();
    assertThat(statusText).contains("main provider: isp1").contains("FAILBACK");

    long start = System.nanoTime();
    daemon.destroy(); // SIGTERM
    assertThat(daemon.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as(logText()).isTrue();
    long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.println("the daemon stopped " + stopMillis + " ms after SIGTERM");
    // Within the unit's TimeoutStopSec (10 s); the sub-second stop is measured, not asserted, since
    // two cores shared with the rest of the build make wall-clock bounds flaky.
    assertThat(stopMillis).as("SIGTERM stops the daemon before systemd would kill it").isLessThan(10_000);
    assertThat(daemon.exitValue()).isEqualTo(143);
    assertThat(KernelRoutes.main(router))
        .as("the routes stay after a stop")
        .hasValueSatisfying(route -> assertThat(route.device()).isEqualTo("wan1"));
  }

  /** The link monitor sees the carrier go; the daemon does not wait for its probes. */
  @Test
  void jar_inALab_carrierLossOfIsp1MovesTheMainRouteAtOnce() throws Exception {
    daemon = startInRouter("run", "--config", config.toString());
    awaitMainRouteThrough("wan1", "at start, ISP 1 (the first provider) is main", DEADLINE);

    awaitProviderUp("isp1");
    lab.linkDown(1, NamespaceLab.LinkSide.FAR);
    long down = System.nanoTime();
    awaitMainRouteThrough("wan2", "after ISP 1's modem goes down, ISP 2 takes over", DEADLINE);
    System.out.println(
        "carrier-loss failover (route seen moved, polled every 100 ms): "
            + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - down)
            + " ms");

    assertThat(logText()).contains("provider 'isp1' link wan1 not usable");
  }

  @Test
  void jar_dryRunInALab_printsThePlanAndAppliesNothing() throws Exception {
    Process dryRun = startInRouter("run", "--dry-run", "--config", config.toString());
    assertThat(dryRun.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    String text = logText();

    assertThat(dryRun.exitValue()).as(text).isZero();
    assertThat(text)
        .contains("no route, rule or table was changed")
        // The engine's "applied routing state" is turned down in a dry run: nothing is applied.
        .doesNotContainPattern("(?i)\\bapplied\\b")
        .doesNotContain("ICMP echo checks use")
        // No route exists yet, so the probes fail: no provider is judged and every round is silent,
        // so the next round is hurried to three quarters of the fast cadence.
        .contains("interval in force: 0.15 s (check_interval 0.5 s, fast_check_interval 0.2 s")
        .containsPattern("provider isp1 +INSUFFICIENT_DATA +link: usable")
        .contains("ip route replace default via 192.168.1.1 dev wan1 src 192.168.1.11 metric 100");
    assertThat(KernelRoutes.read(lab.routerNamespace())).isEmpty();
  }

  @Test
  void jar_invalidConfig_exitsWithTwoAndNamesTheKey() throws Exception {
    Files.writeString(
        config, Files.readString(config).replace("rt_table_id = 102", "rt_table_id = 101"));

    Process run = startInRouter("run", "--config", config.toString());
    assertThat(run.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();

    assertThat(run.exitValue()).isEqualTo(2);
    assertThat(logText())
        .contains("Invalid configuration: providers[1].rt_table_id must be unique")
        .doesNotContain("\tat ");
    assertThat(KernelRoutes.read(lab.routerNamespace())).isEmpty();
  }

  private Process startInRouter(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", lab.routerNamespace()));
    command.addAll(javaJar(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private Process runJar(String... args) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(javaJar(args))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("command.out").toFile())
            .start();
    assertThat(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    return process;
  }

  private String output(Process process) throws IOException {
    return Files.readString(dir.resolve("command.out"), StandardCharsets.UTF_8);
  }

  private List<String> javaJar(String... args) {
    // The JVM flags of the systemd unit, so that the daemon runs as installed.
    return UnitCommand.javaJar(jar, args);
  }

  /**
   * Polls the router's default routes until the lowest-metric one leaves through {@code device},
   * failing at the deadline or as soon as the daemon exits.
   */
  private void awaitMainRouteThrough(String device, String why) throws Exception {
    awaitMainRouteThrough(device, why, DEADLINE);
  }

  private void awaitMainRouteThrough(String device, String why, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    List<KernelRoutes.DefaultRoute> routes = List.of();
    while (System.nanoTime() < deadline) {
      routes = KernelRoutes.read(lab.routerNamespace());
      if (!routes.isEmpty() && routes.get(0).device().equals(device)) {
        return;
      }
      // Waiting on the daemon paces the polling and stops it at once if the daemon dies.
      if (daemon.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
        fail(
            "the daemon exited with %s while waiting for: %s%n%s",
            daemon.exitValue(), why, logText());
      }
    }
    fail(
        "%s: the main route did not go through %s within %s; routes %s%n%s",
        why, device, limit, routes, logText());
  }

  /** Polls the daemon's status file until provider {@code id} is UP, failing at the deadline. */
  private void awaitProviderUp(String id) throws Exception {
    awaitStatus(
        "provider " + id + " state",
        "UP",
        status ->
            status
                .engine()
                .provider(id)
                .map(provider -> provider.state().name())
                .orElse("(not listed)"));
  }

  /** Polls the daemon's status file until its main provider is {@code id}, failing at the deadline. */
  private void awaitStatusMain(String id) throws Exception {
    awaitStatus("main provider", id, status -> status.engine().mainProvider().orElse("(none)"));
  }

  /**
   * Polls the daemon's status file until {@code observe} reads {@code wanted} from it, failing at
   * the deadline or as soon as the daemon exits.
   */
  private void awaitStatus(String what, String wanted, Function<StatusDocument, String> observe)
      throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    StatusFile file = new StatusFile(dir.resolve("status.json"));
    String seen = "(no status yet)";
    while (System.nanoTime() < deadline) {
      Optional<StatusDocument> status = file.readDocument();
      if (status.isPresent()) {
        seen = observe.apply(status.get());
        if (seen.equals(wanted)) {
          return;
        }
      }
      if (daemon.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
        fail(
            "the daemon exited with %s while waiting for %s to be %s%n%s",
            daemon.exitValue(), what, wanted, logText());
      }
    }
    fail("%s was not %s within %s (it was %s)%n%s", what, wanted, DEADLINE, seen, logText());
  }

  private long uptimeSeconds() {
    return daemon
        .info()
        .startInstant()
        .map(start -> Duration.between(start, java.time.Instant.now()).toSeconds())
        .orElse(-1L);
  }

  /** The daemon's resident memory and thread count, from /proc ({@code ip netns exec} execs). */
  private String residentAndThreads() {
    try {
      List<String> lines =
          Files.readAllLines(Path.of("/proc", Long.toString(daemon.pid()), "status"));
      return lines.stream()
          .filter(l -> l.startsWith("VmRSS:") || l.startsWith("Threads:"))
          .map(l -> l.replaceAll("\\s+", " "))
          .reduce((a, b) -> a + ", " + b)
          .orElse("(no VmRSS in /proc)");
    } catch (IOException e) {
      return "(cannot read /proc: " + e + ")";
    }
  }

  private String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
