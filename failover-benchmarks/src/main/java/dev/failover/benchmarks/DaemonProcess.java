package dev.failover.benchmarks;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real daemon ({@code java FLAGS -jar failover.jar run --config FILE}) as a child process inside
 * a network namespace, with its CPU time and memory read from {@code /proc}.
 *
 * <p>{@code ip netns exec} enters the namespace and then executes the command in its own process,
 * so the child's pid is the JVM's. Output goes to a log file. {@link #stop} sends SIGTERM (the
 * daemon leaves its routes in place) and kills it after a bounded wait. Thread-safe.
 */
final class DaemonProcess implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(DaemonProcess.class);

  /**
   * The systemd unit's flags as of this writing, used only if they cannot be read from the jar
   * (docs/operations.md documents them).
   */
  static final List<String> FALLBACK_JVM_FLAGS =
      List.of(
          "-Xms8m",
          "-Xmx32m",
          "-Xss256k",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-XX:CICompilerCount=1",
          "-XX:ReservedCodeCacheSize=16m",
          "-XX:-UsePerfData",
          "-XX:+ExitOnOutOfMemoryError");

  private static final String UNIT_CLASS = "dev.failover.launcher.install.SystemdUnit";
  private static final Pattern KB = Pattern.compile("(\\d+)\\s*kB");

  private final Process process;
  private final Path log;

  private DaemonProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts the daemon.
   *
   * @param namespace the namespace to run it in
   * @param java the java launcher
   * @param jvmFlags the JVM's flags
   * @param jar the daemon jar
   * @param config the config file
   * @param log where its output goes (appended)
   * @throws IOException if it cannot start
   */
  static DaemonProcess start(
      String namespace, Path java, List<String> jvmFlags, Path jar, Path config, Path log)
      throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    command.add(java.toString());
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
    Files.writeString(
        log,
        "\n==== " + String.join(" ", command) + "\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    logger.info("daemon started, pid {} in {}", process.pid(), namespace);
    return new DaemonProcess(process, log);
  }

  /**
   * The JVM flags of the systemd unit, read from {@code SystemdUnit.JVM_FLAGS} in {@code jar}, or
   * {@link #FALLBACK_JVM_FLAGS} (with a warning) if that fails.
   */
  static List<String> unitJvmFlags(Path jar) {
    checkNotNull(jar, "jar");
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
      Class<?> unit = Class.forName(UNIT_CLASS, true, loader);
      Object flags = unit.getField("JVM_FLAGS").get(null);
      List<String> result = new ArrayList<>();
      for (Object flag : (List<?>) flags) {
        result.add(String.valueOf(flag));
      }
      return List.copyOf(result);
    } catch (IOException | ReflectiveOperationException | ClassCastException | LinkageError e) {
      logger.warn(
          "cannot read {}.JVM_FLAGS from {}; using {}", UNIT_CLASS, jar, FALLBACK_JVM_FLAGS, e);
      return FALLBACK_JVM_FLAGS;
    }
  }

  /** The JVM's pid. */
  long pid() {
    return process.pid();
  }

  /** Whether it still runs. */
  boolean alive() {
    return process.isAlive();
  }

  /** The log file. */
  Path log() {
    return log;
  }

  /**
   * The CPU time it has used so far, in clock ticks: user + system time of the JVM, and of the
   * children it has waited for (a probe engine that forks {@code ping} spends its CPU there), from
   * {@code /proc/PID/stat}.
   *
   * @return {@code {self, children}}
   * @throws IOException if the process is gone
   */
  long[] cpuTicks() throws IOException {
    String stat = Files.readString(Path.of("/proc", Long.toString(pid()), "stat"));
    // The command name in parentheses may hold spaces; the fields after it are plain.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // Fields 14-17 of proc(5) (utime, stime, cutime, cstime), counted from 1, are 11-14 here.
    return new long[] {
      Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
      Long.parseLong(fields[13]) + Long.parseLong(fields[14])
    };
  }

  /** Peak resident set size (VmHWM) in kB. */
  long peakRssKb() throws IOException {
    return statusKb("VmHWM:");
  }

  /** Current resident set size (VmRSS) in kB. */
  long rssKb() throws IOException {
    return statusKb("VmRSS:");
  }

  /** The number of threads. */
  long threads() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith("Threads:")) {
        return Long.parseLong(line.substring("Threads:".length()).strip());
      }
    }
    throw new IOException("no Threads line in /proc/" + pid() + "/status");
  }

  /** The command line of the process, to check that the pid is the JVM's. */
  String commandLine() throws IOException {
    byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid()), "cmdline"));
    return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
  }

  private long statusKb(String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith(key)) {
        Matcher m = KB.matcher(line);
        if (m.find()) {
          return Long.parseLong(m.group(1));
        }
      }
    }
    throw new IOException("no " + key + " line in /proc/" + pid() + "/status");
  }

  /** The last {@code lines} lines of the log, for an error message. */
  String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /**
   * Stops it: SIGTERM, then SIGKILL if it has not exited within {@code limit}.
   *
   * @return its exit code, or empty if it had to be killed
   */
  Optional<Integer> stop(Duration limit) {
    if (!process.isAlive()) {
      return Optional.of(process.exitValue());
    }
    process.destroy();
    try {
      if (process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        return Optional.of(process.exitValue());
      }
      logger.warn("daemon pid {} did not stop within {} ms after SIGTERM; killing it",
          pid(), limit.toMillis());
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    return Optional.empty();
  }

  /**
   * Kills it with SIGKILL, as a crash or the OOM killer would: no shutdown hook runs, and whatever
   * it put in the kernel stays.
   *
   * @return whether it was gone within {@code limit}
   */
  boolean kill(Duration limit) throws InterruptedException {
    process.destroyForcibly();
    return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    stop(Duration.ofSeconds(10));
  }
}
