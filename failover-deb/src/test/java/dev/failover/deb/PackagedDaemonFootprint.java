package dev.failover.deb;

import dev.failover.lab.NamespaceLab;
import dev.failover.launcher.demo.LabConfig;
import dev.failover.launcher.install.SystemdUnit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Measures what {@code failover run} costs when started as a user types it, through the package's
 * {@code /usr/bin/failover} (so with the unit's JVM flags): unpacks the package with {@code dpkg
 * -x} into a scratch root, runs {@code ROOT/usr/bin/failover run} in a lab's router namespace with
 * 3 providers and the default settings for the given time, and prints its peak RSS ({@code VmHWM}),
 * its CPU (user + system over the run) and its thread count. Needs root; a tool, not a test
 * (docs/benchmarks.md, "The Debian package and two routers with keepalived").
 *
 * <pre>
 * java -cp failover-launcher/target/failover.jar \
 *     failover-deb/src/test/java/dev/failover/deb/PackagedDaemonFootprint.java \
 *     failover-deb/target/failover_0.1.0~SNAPSHOT_all.deb 60 [direct]
 * </pre>
 *
 * <p>{@code direct} runs the unpacked jar with {@code java} and the same flags instead, for
 * comparison.
 */
public final class PackagedDaemonFootprint {
  private PackagedDaemonFootprint() {}

  public static void main(String[] args) throws Exception {
    Path deb = Path.of(args[0]);
    Duration run = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 60);
    boolean direct = args.length > 2 && args[2].equals("direct");
    Path dir = Files.createTempDirectory("failover-footprint");
    Path root = dir.resolve("root");
    exec(List.of("dpkg", "-x", deb.toString(), root.toString()));
    try (NamespaceLab lab = NamespaceLab.builder("fp").isps(3).lanClient(false).build()) {
      Path config = dir.resolve("failover.toml");
      Files.writeString(
          config,
          LabConfig.toml(lab.providers(), NamespaceLab.TARGETS.subList(0, 2), dir, Map.of()));
      List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", lab.routerNamespace()));
      if (direct) {
        // For comparison: the same jar and flags without the launcher script.
        command.add("java");
        command.addAll(SystemdUnit.JVM_FLAGS);
        command.addAll(List.of("-jar", root.resolve("usr/share/failover/failover.jar").toString()));
      } else {
        command.add(root.resolve("usr/bin/failover").toString());
      }
      command.addAll(List.of("run", "--config", config.toString()));
      Process daemon =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("daemon.log").toFile())
              .start();
      // ip netns exec execs the launcher, which execs java: the PID is the JVM's.
      if (daemon.waitFor(run.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "the daemon exited: " + Files.readString(dir.resolve("daemon.log")));
      }
      long pid = daemon.pid();
      String status = Files.readString(Path.of("/proc/" + pid + "/status"));
      String[] stat =
          Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ");
      // Fields 14 and 15 (utime, stime) are the 12th and 13th after the command name.
      long ticks = Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
      double cpuSeconds = ticks / 100.0; // USER_HZ is 100 on Linux
      String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
      System.out.printf(
          Locale.ROOT,
          "command: %s%npeak RSS (VmHWM): %s; RSS now: %s; threads: %s%n"
              + "CPU: %.2f s in %d s = %.2f %% of one core (including start-up)%n",
          cmdline.strip(),
          field(status, "VmHWM:"),
          field(status, "VmRSS:"),
          field(status, "Threads:"),
          cpuSeconds,
          run.toSeconds(),
          100 * cpuSeconds / run.toSeconds());
      daemon.destroy();
      daemon.waitFor(10, TimeUnit.SECONDS);
    } finally {
      exec(List.of("rm", "-rf", dir.toString()));
    }
  }

  private static String field(String status, String name) {
    return status
        .lines()
        .filter(line -> line.startsWith(name))
        .map(line -> line.substring(name.length()).strip())
        .findFirst()
        .orElse("?");
  }

  private static void exec(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IOException(command + ": " + out);
    }
  }
}
