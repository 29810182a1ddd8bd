package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.lab.NamespaceLab;
import dev.failover.lab.Netns;
import dev.failover.launcher.demo.LabConfig;
import dev.failover.launcher.http.HeadlessChromium;
import dev.failover.launcher.metrics.MetricsAssertions;
import dev.failover.launcher.status.StatusDocument;
import dev.failover.launcher.status.StatusFile;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built {@code failover.jar} in the router namespace of a lab, with a hook and the HTTP
 * listener on the namespace's own 127.0.0.1:9680: after ISP 1 is blackholed and ISP 2 takes over,
 * {@code /metrics} (read from inside the namespace) parses strictly and counts the switch, and the
 * hook heard it with its variables.
 *
 * <p>Needs the shaded jar (failsafe passes its path) and root; skipped with the reason otherwise.
 * With {@code -Dfailover.screenshot=FILE} and chromium installed, it also saves a screenshot of the
 * live status page (the one in docs/operations.md was made so).
 */
class ObservabilityJarIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String LISTEN = "127.0.0.1:9680";

  @TempDir Path dir;

  private NamespaceLab lab;
  private Path jar;
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
    lab = NamespaceLab.builder("fo").isps(2).identicalGateways(true).lanClient(false).build();
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
  void jar_inALab_afterAFailoverMetricsCountItAndTheHookHeardIt() throws Exception {
    Path hooks = Files.createDirectory(dir.resolve("hooks.d"));
    Files.setPosixFilePermissions(hooks, PosixFilePermissions.fromString("rwx------"));
    Path events = dir.resolve("events");
    Path hook = hooks.resolve("10-record");
    Files.writeString(
        hook,
        "#!/bin/sh\necho \"$FAILOVER_EVENT from=$FAILOVER_FROM to=$FAILOVER_TO"
            + " reason=$FAILOVER_SWITCH_REASON\" >> '"
            + events
            + "'\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = dir.resolve("failover.toml");
    // LabConfig puts hooks_dir in the scratch folder; http_listen keeps its default, 127.0.0.1:9680
    // of the router namespace's own loopback.
    Files.writeString(
        config, LabConfig.toml(lab.providers(), NamespaceLab.TARGETS.subList(0, 2), dir));
    daemon = startInRouter("run", "--config", config.toString());

    awaitStatus(
        "isp1 UP and main",
        d ->
            d.engine().mainProvider().orElse("").equals("isp1")
                && d.engine()
                    .provider("isp1")
                    .map(p -> p.state().name().equals("UP"))
                    .orElse(false));
    lab.blackhole(1);
    awaitStatus("isp2 main", d -> d.engine().mainProvider().orElse("").equals("isp2"));

    String metrics = getInRouter("/metrics", "application/openmetrics-text; version=1.0.0");
    MetricsAssertions.afterSwitch(metrics, "isp1", "isp2", "FAILOVER");
    assertThat(getInRouter("/api/status", "application/json"))
        .contains("\"kind\":\"main_switched\"")
        .contains("\"reason\":\"FAILOVER\"");
    assertThat(Files.readAllLines(events))
        .startsWith("started from= to= reason=")
        .contains("main_switched from= to=isp1 reason=STARTUP")
        .contains("main_switched from=isp1 to=isp2 reason=FAILOVER");
    assertThat(logText()).contains("status page http://127.0.0.1:9680/");

    String screenshot = System.getProperty("failover.screenshot", "");
    if (!screenshot.isEmpty() && HeadlessChromium.findChromium().isPresent()) {
      // A minute more of history, so that the charts show something; only for the screenshot.
      assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).as("the daemon keeps running").isFalse();
      screenshot(Path.of(screenshot).toAbsolutePath());
    }
  }

  /** chromium in the router namespace: the listener is on that namespace's loopback. */
  private void screenshot(Path file) throws Exception {
    Process chromium =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                lab.routerNamespace(),
                HeadlessChromium.findChromium().orElseThrow().toString(),
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--user-data-dir=" + dir.resolve("profile"),
                "--window-size=1100,1000",
                "--virtual-time-budget=5000",
                "--screenshot=" + file,
                "http://" + LISTEN + "/")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("chromium.log").toFile())
            .start();
    assertThat(chromium.waitFor(60, TimeUnit.SECONDS)).isTrue();
    System.out.println("status page screenshot: " + file);
  }

  private String getInRouter(String path, String accept) throws Exception {
    return Netns.call(
        lab.routerNamespace(),
        () -> {
          HttpURLConnection connection =
              (HttpURLConnection) URI.create("http://" + LISTEN + path).toURL().openConnection();
          connection.setRequestProperty("Accept", accept);
          connection.setConnectTimeout(5_000);
          connection.setReadTimeout(10_000);
          try (InputStream in = connection.getInputStream()) {
            assertThat(connection.getResponseCode()).isEqualTo(200);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
          } finally {
            connection.disconnect();
          }
        });
  }

  private Process startInRouter(String... args) throws IOException {
    return new ProcessBuilder(UnitCommand.inNamespace(lab.routerNamespace(), jar, args))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private void awaitStatus(String what, java.util.function.Predicate<StatusDocument> condition)
      throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    StatusFile file = new StatusFile(dir.resolve("status.json"));
    while (System.nanoTime() < deadline) {
      Optional<StatusDocument> document = file.readDocument();
      if (document.isPresent() && condition.test(document.get())) {
        return;
      }
      // Waiting on the daemon paces the polling and stops it at once if the daemon dies.
      if (daemon.waitFor(100, TimeUnit.MILLISECONDS)) {
        fail(
            "the daemon exited with %s while waiting for %s%n%s",
            daemon.exitValue(), what, logText());
      }
    }
    fail("not within %s: %s%n%s", DEADLINE, what, logText());
  }

  private String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
