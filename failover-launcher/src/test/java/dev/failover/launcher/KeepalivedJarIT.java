package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.lab.LanClient;
import dev.failover.lab.NamespaceLab;
import dev.failover.launcher.demo.LabConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two routers with keepalived, each running the built {@code failover.jar} in a lab of its own
 * (router A with two ISPs, router B with one), joined by a shared LAN (a bridge in a namespace of
 * its own) with a client whose default gateway is the VRRP address 10.10.0.1. Each keepalived
 * (Debian's package) runs inside its router's namespace with its own config and pid files in a
 * scratch folder, tracks the daemon's {@code keepalived_track_file} with {@code weight 0}, and is
 * stopped by its PID.
 *
 * <p>Priorities 250 (A) and 240 (B), so that B's skew time, (256 - 240)/256 s, is short. Every
 * uplink of router A is blackholed: A's daemon writes {@code 1}, its VRRP instance goes to
 * FAULT, and the address and the client's traffic move to router B. The uplinks come back: A writes
 * {@code 0} and, preempting with its higher priority, takes the address back. The times are printed
 * for docs/benchmarks.md ("Two routers with keepalived").
 *
 * <p>Needs root, {@code ip}, {@code nft}, {@code ping}, {@code keepalived} and the shaded jar
 * (failsafe); skipped with the reason otherwise. Every wait is bounded; the namespaces and every
 * process are removed whatever happens. Takes about 30 s.
 */
class KeepalivedJarIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final String VIP = "10.10.0.1";
  private static final String LAN_IF = "lan0";

  @TempDir Path dir;

  private final List<Process> processes = new ArrayList<>();
  private final List<String> namespaces = new ArrayList<>();
  private NamespaceLab labA;
  private NamespaceLab labB;
  private LanClient client;
  private Path jar;
  private String switchNs;
  private String clientNs;

  @BeforeEach
  void labs() throws Exception {
    Optional<String> unavailable = NamespaceLab.unavailableReason();
    assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse(""));
    assumeTrue(NamespaceLab.findOnPath("ping").isPresent(), "needs ping (iputils-ping); skipped");
    assumeTrue(
        NamespaceLab.findOnPath("keepalived").isPresent(),
        "needs keepalived (Debian package keepalived, installed by .ci/run); skipped");
    String jarPath = System.getProperty("failover.jar");
    assumeTrue(jarPath != null, "failover.jar is not set: run with mvn verify (failsafe); skipped");
    jar = Path.of(jarPath);

    labA = NamespaceLab.builder("ka").isps(2).routerMasquerade(true).lanClient(false).build();
    labB = NamespaceLab.builder("kb").isps(1).routerMasquerade(true).lanClient(false).build();
    String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 48);
    switchNs = "kl-" + suffix + "-sw";
    clientNs = "kl-" + suffix + "-cl";
    addNamespace(switchNs);
    addNamespace(clientNs);
    ip("-n", switchNs, "link", "add", "br0", "type", "bridge");
    ip("-n", switchNs, "link", "set", "br0", "up");
    plug(labA.routerNamespace(), LAN_IF, "pa", "10.10.0.2/24");
    plug(labB.routerNamespace(), LAN_IF, "pb", "10.10.0.3/24");
    plug(clientNs, "eth0", "pc", "10.10.0.100/24");
    ip("-n", clientNs, "route", "add", "default", "via", VIP, "dev", "eth0");
  }

  @AfterEach
  void cleanUp() {
    if (client != null) {
      client.close();
    }
    for (Process process : processes) {
      if (process.isAlive()) {
        process.destroyForcibly();
      }
    }
    if (labA != null) {
      labA.close();
    }
    if (labB != null) {
      labB.close();
    }
    for (String ns : namespaces) {
      try {
        new ProcessBuilder("ip", "netns", "del", ns).start().waitFor(10, TimeUnit.SECONDS);
      } catch (IOException | InterruptedException e) {
        System.err.println("could not delete namespace " + ns + ": " + e);
      }
    }
  }

  @Test
  void twoRouters_everyUplinkOfAFails_gatewayMovesToBAndBackWhenTheyReturn() throws Exception {
    Path folderA = Files.createDirectory(dir.resolve("a"));
    Path folderB = Files.createDirectory(dir.resolve("b"));
    Process daemonA = startDaemon(labA, folderA);
    Process daemonB = startDaemon(labB, folderB);
    await("A's track file says 0", () -> content(folderA.resolve("uplink")).equals("0"));
    await("B's track file says 0", () -> content(folderB.resolve("uplink")).equals("0"));

    Process keepalivedA = startKeepalived(labA.routerNamespace(), folderA, 250);
    startKeepalived(labB.routerNamespace(), folderB, 240);
    await("the address on router A", () -> holdsVip(labA));
    client =
        LanClient.start(
            clientNs, NamespaceLab.TARGETS.get(0), Duration.ofMillis(10), DEADLINE.multipliedBy(3));
    await(
        "the client's echoes answered through A",
        () -> answeredSince(Instant.now().minusMillis(300)));

    long bTxBefore = txPackets(labB);
    Instant fault = Instant.now();
    labA.blackhole(1);
    labA.blackhole(2);
    await("A's track file says 1", () -> content(folderA.resolve("uplink")).equals("1"));
    Instant noUplink = Files.getLastModifiedTime(folderA.resolve("uplink")).toInstant();
    await("the address on router B", () -> holdsVip(labB) && !holdsVip(labA));
    Instant moved = Instant.now();
    assertThat(client.awaitUntil(moved.plusSeconds(1), DEADLINE)).isTrue();
    LanClient.Count afterMove = client.count(moved.plusMillis(200), moved.plusSeconds(1));
    assertThat(afterMove.lost()).as("echoes lost once B holds the address: %s", afterMove).isZero();
    assertThat(txPackets(labB) - bTxBefore)
        .as("the client's echoes leave through B")
        .isGreaterThan(50);
    LanClient.Count outage = client.count(fault, moved.plusSeconds(1));
    System.out.printf(
        "keepalived: fault -> A has no usable uplink %d ms; the LAN heard nothing for %d ms (%s);"
            + " no usable uplink -> traffic through B about %d ms%n",
        Duration.between(fault, noUplink).toMillis(),
        outage.silence().toMillis(),
        outage,
        Duration.between(noUplink, fault.plus(outage.silence())).toMillis());

    labA.restore(1);
    labA.restore(2);
    await("A's track file says 0 again", () -> content(folderA.resolve("uplink")).equals("0"));
    await("the address back on router A (preempt)", () -> holdsVip(labA) && !holdsVip(labB));
    Instant back = Instant.now();
    assertThat(client.awaitUntil(back.plusSeconds(1), DEADLINE)).isTrue();
    assertThat(client.count(back.plusMillis(200), back.plusSeconds(1)).lost()).isZero();

    keepalivedA.destroy(); // SIGTERM, by PID
    assertThat(keepalivedA.waitFor(10, TimeUnit.SECONDS)).isTrue();
    daemonA.destroy();
    daemonB.destroy();
    assertThat(daemonA.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(daemonB.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  private Process startDaemon(NamespaceLab lab, Path folder) throws IOException {
    Path config = folder.resolve("failover.toml");
    Files.writeString(
        config,
        LabConfig.toml(
            lab.providers(),
            NamespaceLab.TARGETS.subList(0, 2),
            folder,
            Map.of(
                "keepalived_track_file", "\"" + folder.resolve("uplink") + "\"",
                "http_listen", "\"\"",
                // A quick return, so that the test sees the address come back within seconds.
                "loss_window_rounds", "10",
                "failback_dwell", "1")));
    List<String> command =
        UnitCommand.inNamespace(
            lab.routerNamespace(), jar, "run", "--config", config.toString());
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(folder.resolve("daemon.log").toFile())
            .start();
    processes.add(process);
    return process;
  }

  private Process startKeepalived(String ns, Path folder, int priority) throws IOException {
    Path config = folder.resolve("keepalived.conf");
    Files.writeString(
        config,
        String.join(
            "\n",
            "global_defs {",
            "  router_id failover_" + priority,
            "}",
            "track_file failover_uplink {",
            "  file \"" + folder.resolve("uplink") + "\"",
            "  weight 0",
            "}",
            "vrrp_instance lan {",
            "  state BACKUP",
            "  interface " + LAN_IF,
            "  virtual_router_id 51",
            "  priority " + priority,
            "  advert_int 1",
            "  virtual_ipaddress {",
            "    " + VIP + "/24 dev " + LAN_IF,
            "  }",
            "  track_file {",
            "    failover_uplink",
            "  }",
            "}",
            ""));
    Process process =
        new ProcessBuilder(
                "ip",
                "netns",
                "exec",
                ns,
                "keepalived",
                "--dont-fork",
                "--log-console",
                "--log-detail",
                "--vrrp",
                "--use-file",
                config.toString(),
                "--pid",
                folder.resolve("keepalived.pid").toString(),
                "--vrrp_pid",
                folder.resolve("vrrp.pid").toString())
            .redirectErrorStream(true)
            .redirectOutput(folder.resolve("keepalived.log").toFile())
            .start();
    processes.add(process);
    return process;
  }

  private boolean holdsVip(NamespaceLab lab) {
    return output("ip", "-n", lab.routerNamespace(), "-4", "addr", "show", "dev", LAN_IF)
        .contains("inet " + VIP + "/");
  }

  private boolean answeredSince(Instant since) {
    LanClient.Count count = client.count(since, Instant.now());
    return count.sent() > 5 && count.lost() == 0;
  }

  private long txPackets(NamespaceLab lab) {
    String text = output("ip", "-n", lab.routerNamespace(), "-s", "link", "show", "dev", "wan1");
    // "TX: bytes packets ..." then the numbers on the next line.
    String[] lines = text.split("\n");
    for (int i = 0; i + 1 < lines.length; i++) {
      if (lines[i].strip().startsWith("TX:")) {
        return Long.parseLong(lines[i + 1].strip().split("\\s+")[1]);
      }
    }
    throw new AssertionError("no TX counters in " + text);
  }

  private void await(String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      for (Process process : processes) {
        if (process.waitFor(20, TimeUnit.MILLISECONDS) && !process.isAlive()) {
          fail(
              "%s exited with %s waiting for %s%n%s",
              process.info().commandLine().orElse("?"), process.exitValue(), what, logs());
        }
      }
    }
    fail("no %s within %s%n%s", what, DEADLINE, logs());
  }

  private String logs() {
    StringBuilder text = new StringBuilder();
    for (String name :
        List.of("a/daemon.log", "a/keepalived.log", "b/daemon.log", "b/keepalived.log")) {
      text.append("--- ").append(name).append('\n').append(content(dir.resolve(name))).append('\n');
    }
    return text.toString();
  }

  private static String content(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private void addNamespace(String ns) throws Exception {
    ip("netns", "add", ns);
    namespaces.add(ns);
    ip("-n", ns, "link", "set", "lo", "up");
  }

  /** Connects {@code ns}'s interface {@code name} to the LAN bridge through port {@code port}. */
  private void plug(String ns, String name, String port, String address) throws Exception {
    ip("-n", switchNs, "link", "add", port, "type", "veth", "peer", "name", name, "netns", ns);
    ip("-n", switchNs, "link", "set", port, "master", "br0");
    ip("-n", switchNs, "link", "set", port, "up");
    ip("-n", ns, "addr", "add", address, "dev", name);
    ip("-n", ns, "link", "set", name, "up");
  }

  private static void ip(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("%s: %s", command, out).isZero();
  }

  private static String output(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(10, TimeUnit.SECONDS);
      return out;
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
