package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.lab.NamespaceLab;
import dev.failover.launcher.demo.LabConfig;
import dev.failover.launcher.systemd.NotifyReceiver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the built {@code failover.jar} in a lab's router namespace as systemd would: with {@code
 * NOTIFY_SOCKET} (a real unix datagram socket this test binds, at a path, since an abstract name
 * would not cross the network namespace), {@code WATCHDOG_USEC} and journal priorities; then
 * reloads it with SIGHUP, once with an invalid config and once with a changed one, and stops it.
 *
 * <p>Needs the shaded jar (failsafe) and root; skipped with the reason otherwise. Every wait is
 * bounded; the lab and the daemon are removed whatever happens. Takes about 10 s.
 */
class SystemdJarIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;

  private NamespaceLab lab;
  private Path jar;
  private Path config;
  private Path log;
  private Process daemon;
  private NotifyReceiver systemd;

  /** Received and not looked at yet, oldest first. */
  private final List<String> heard = new ArrayList<>();

  @BeforeEach
  void lab() throws IOException {
    Optional<String> unavailable = NamespaceLab.unavailableReason();
    assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse(""));
    assumeTrue(NamespaceLab.findOnPath("ping").isPresent(), "needs ping (iputils-ping); skipped");
    String jarPath = System.getProperty("failover.jar");
    assumeTrue(jarPath != null, "failover.jar is not set: run with mvn verify (failsafe); skipped");
    jar = Path.of(jarPath);
    lab = NamespaceLab.builder("sd").isps(2).identicalGateways(true).lanClient(false).build();
    config = dir.resolve("failover.toml");
    writeConfig(Map.of());
    log = dir.resolve("daemon.log");
    systemd = NotifyReceiver.at(dir.resolve("notify"));
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (daemon != null && daemon.isAlive()) {
      daemon.destroyForcibly();
    }
    if (systemd != null) {
      systemd.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void jar_underSystemd_isReadyPingsTheWatchdogReloadsAndSaysItStops() throws Exception {
    daemon = startInRouter();

    String ready = await("READY=1 after the first apply", m -> m.startsWith("READY=1"));
    assertThat(ready).contains("STATUS=main provider 'isp1' (startup");
    await("a watchdog ping", m -> m.equals("WATCHDOG=1"));

    Files.writeString(config, "check_interval = -1\n" + Files.readString(config));
    hangUp();
    await("RELOADING=1", m -> m.startsWith("RELOADING=1\nMONOTONIC_USEC="));
    assertThat(await("the refusal", m -> m.startsWith("READY=1")))
        .contains("reload refused (invalid configuration: ")
        .contains("check_interval");

    writeConfig(Map.of("check_interval", "1"));
    hangUp();
    await("RELOADING=1", m -> m.startsWith("RELOADING=1"));
    assertThat(await("READY=1 from the new daemon", m -> m.startsWith("READY=1")))
        .contains("STATUS=main provider 'isp1'");

    daemon.destroy(); // SIGTERM
    assertThat(daemon.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as(logText()).isTrue();
    assertThat(daemon.exitValue()).isEqualTo(143);
    heard.addAll(systemd.drain());
    assertThat(heard).anyMatch(m -> m.startsWith("STOPPING=1"));
    String logged = logText();
    assertThat(logged)
        .contains("<6>[INFO] FailoverService - failover started")
        .contains("<3>[ERROR] DaemonSupervisor - reload refused")
        .contains("replacing the daemon with one for the new config")
        // The new daemon opens the HTTP listener the old one closed.
        .doesNotContain("cannot listen on http_listen")
        .doesNotContain("\n[INFO]");
  }

  private void writeConfig(Map<String, String> settings) throws IOException {
    Files.writeString(
        config, LabConfig.toml(lab.providers(), NamespaceLab.TARGETS.subList(0, 2), dir, settings));
  }

  /** Waits for a message matching {@code wanted}, skipping the others (watchdog pings). */
  private String await(String what, Predicate<String> wanted) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    List<String> seen = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      if (heard.isEmpty()) {
        heard.addAll(systemd.await(Duration.ofMillis(200)));
      }
      while (!heard.isEmpty()) {
        String message = heard.remove(0);
        if (wanted.test(message)) {
          return message;
        }
        seen.add(message);
      }
      if (!daemon.isAlive()) {
        fail("the daemon exited with %s waiting for %s%n%s", daemon.exitValue(), what, logText());
      }
    }
    return fail("no %s within %s; heard %s%n%s", what, DEADLINE, seen, logText());
  }

  private void hangUp() throws Exception {
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(daemon.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  private Process startInRouter() throws IOException {
    // The journal's stream cannot be faked; the property turns the priorities on as it would.
    List<String> command =
        UnitCommand.inNamespace(
            lab.routerNamespace(),
            jar,
            List.of("-Dfailover.journal=true"),
            "run",
            "--config",
            config.toString());
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("NOTIFY_SOCKET", systemd.name());
    builder.environment().put("WATCHDOG_USEC", "3000000");
    return builder.start();
  }

  private String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }
}
