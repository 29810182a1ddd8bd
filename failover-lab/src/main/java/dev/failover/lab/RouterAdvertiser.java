package dev.failover.lab;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real IPv6 router advertiser, Debian's {@code radvd}, on one interface of a namespace the lab
 * made (an ISP's modem side), so that the router's uplink takes a SLAAC address and a default route
 * ({@code proto ra}) as from a real ISP. Started as a child process ({@code ip netns exec NS radvd
 * --nodaemon ...}) with a config file, a PID file and a log of its own in the lab's scratch folder
 * (never {@code /etc} or {@code /run}); {@link #close()} stops it by its PID.
 *
 * <p>Timing: radvd sends an RA as soon as it starts, then one every {@value #MIN_INTERVAL_SECONDS}
 * to {@value #MAX_INTERVAL_SECONDS} s (4 s is radvd's, and RFC 4861's, shortest allowed maximum),
 * with a router lifetime of {@value #ROUTER_LIFETIME_SECONDS} s; it answers a router solicitation
 * within 0.5 s, but at most one every 3 s (RFC 4861's {@code MIN_DELAY_BETWEEN_RAS}). So a router
 * learns the default route within a few milliseconds of the start, within about 0.5 s of bringing
 * its uplink up again (its solicitation), and loses it {@value #ROUTER_LIFETIME_SECONDS} s after
 * the last RA it heard (plus up to the router namespace's {@code net.ipv6.route.gc_interval}).
 *
 * <p>Test infrastructure: needs root and {@code radvd} (the {@code radvd} package). Not
 * thread-safe; the lab serialises its calls.
 */
final class RouterAdvertiser implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(RouterAdvertiser.class);

  /** The shortest time between two unsolicited RAs. */
  static final int MIN_INTERVAL_SECONDS = 3;

  /** The longest time between two unsolicited RAs. */
  static final int MAX_INTERVAL_SECONDS = 4;

  /**
   * The router lifetime each RA carries: a little over two intervals, so that one lost RA costs
   * nothing and two cost the route, while a test that stops the RAs waits only seconds.
   */
  static final int ROUTER_LIFETIME_SECONDS = 9;

  /**
   * The prefix's valid and preferred lifetimes: long enough that the address outlives the default
   * route when the RAs stop, as with a real ISP, whose router lifetime is the shorter one too.
   */
  static final int VALID_LIFETIME_SECONDS = 600;

  static final int PREFERRED_LIFETIME_SECONDS = 300;

  private final Process process;

  /**
   * radvd's children seen so far: its helper outlives radvd briefly, when it is no longer a
   * descendant (it is re-parented), so it must be known before radvd is stopped.
   */
  private final List<ProcessHandle> children = new ArrayList<>();

  private final Path pidFile;
  private final Path log;

  private RouterAdvertiser(Process process, Path pidFile, Path log) {
    this.process = process;
    this.pidFile = pidFile;
    this.log = log;
  }

  /** Why radvd cannot run here, or empty if it can. */
  static Optional<String> unavailableReason() {
    return NamespaceLab.findOnPath("radvd").isPresent()
        ? Optional.empty()
        : Optional.of("IPv6 namespace tests need 'radvd' on the PATH (package radvd); skipped");
  }

  /**
   * Starts radvd in {@code namespace} on {@code interfaceName}, advertising {@code prefix} (a /64,
   * for SLAAC) with itself as the default router, and waits (at most 5 s) until it has written its
   * PID file, by which time it has sent its first RA.
   *
   * @param folder the lab's scratch folder for the config, PID and log files
   * @throws IOException if radvd is missing, cannot start, or exits at once
   */
  static RouterAdvertiser start(String namespace, String interfaceName, String prefix, Path folder)
      throws IOException, InterruptedException {
    checkNotNull(namespace, "namespace");
    checkNotNull(interfaceName, "interfaceName");
    checkNotNull(prefix, "prefix");
    Path radvd =
        NamespaceLab.findOnPath("radvd")
            .orElseThrow(() -> new IOException("radvd is not installed (package radvd)"));
    Files.createDirectories(folder);
    String tag = namespace + "-" + interfaceName;
    Path config = folder.resolve("radvd-" + tag + ".conf");
    Path pidFile = folder.resolve("radvd-" + tag + ".pid");
    Path log = folder.resolve("radvd-" + tag + ".log");
    Files.deleteIfExists(pidFile);
    Files.writeString(config, config(interfaceName, prefix), StandardCharsets.US_ASCII);
    // radvd refuses a config file that others may write.
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    List<String> command =
        new ArrayList<>(List.of("ip", "netns", "exec", namespace, radvd.toString()));
    command.addAll(
        List.of(
            "--nodaemon",
            "--config=" + config,
            "--pidfile=" + pidFile,
            "--logmethod=stderr",
            "--debug=1"));
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    RouterAdvertiser advertiser = new RouterAdvertiser(process, pidFile, log);
    // ip netns exec replaces itself with radvd, so the PID file names the process we started.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!pidFileNames(pidFile, process.pid())) {
      if (process.waitFor(20, TimeUnit.MILLISECONDS)) {
        throw new IOException(
            "radvd in "
                + namespace
                + " exited with "
                + process.exitValue()
                + ": "
                + advertiser.log());
      }
      if (System.nanoTime() > deadline) {
        advertiser.close();
        throw new IOException(
            "radvd in " + namespace + " wrote no PID file within 5 s: " + advertiser.log());
      }
    }
    return advertiser;
  }

  static String config(String interfaceName, String prefix) {
    return "# Written by failover's namespace lab; see RouterAdvertiser.\n"
        + "interface "
        + interfaceName
        + " {\n"
        + "  AdvSendAdvert on;\n"
        + "  MinRtrAdvInterval "
        + MIN_INTERVAL_SECONDS
        + ";\n"
        + "  MaxRtrAdvInterval "
        + MAX_INTERVAL_SECONDS
        + ";\n"
        + "  AdvDefaultLifetime "
        + ROUTER_LIFETIME_SECONDS
        + ";\n"
        + "  prefix "
        + prefix
        + " {\n"
        + "    AdvOnLink on;\n"
        + "    AdvAutonomous on;\n"
        + "    AdvValidLifetime "
        + VALID_LIFETIME_SECONDS
        + ";\n"
        + "    AdvPreferredLifetime "
        + PREFERRED_LIFETIME_SECONDS
        + ";\n"
        + "  };\n"
        + "};\n";
  }

  private static boolean pidFileNames(Path pidFile, long pid) {
    try {
      return Files.readString(pidFile, StandardCharsets.US_ASCII)
          .strip()
          .equals(Long.toString(pid));
    } catch (IOException e) {
      return false; // not written yet
    }
  }

  /** radvd's PID and those of its children (its privilege-separation helper). */
  List<Long> pids() {
    List<Long> pids = new ArrayList<>();
    pids.add(process.pid());
    rememberChildren().forEach(child -> pids.add(child.pid()));
    return pids;
  }

  /** Adds radvd's current children to {@link #children} and returns them all. */
  private List<ProcessHandle> rememberChildren() {
    process.descendants().filter(child -> !children.contains(child)).forEach(children::add);
    return children;
  }

  /** Whether radvd still runs. */
  boolean running() {
    return process.isAlive();
  }

  /** What radvd logged so far, for a failure message. */
  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /**
   * Stops radvd at once with SIGKILL, so that it sends no last RA: the router's default route
   * expires after its lifetime, as when the RAs are lost. Waits for it; idempotent.
   */
  void kill() throws InterruptedException {
    rememberChildren();
    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    stopChildren();
    deletePidFile();
  }

  /**
   * Sends radvd SIGTERM and returns at once; {@link #close()} then waits. radvd takes about a
   * second to exit after its last RA, so a lab stops all of its advertisers first and then waits
   * for each.
   */
  void terminate() {
    rememberChildren();
    process.destroy();
  }

  /**
   * Stops radvd with SIGTERM (it then sends a last RA with a router lifetime of 0, as RFC 4861 asks
   * of a router that stops advertising), SIGKILL after 5 s, and waits for it. Idempotent.
   */
  @Override
  public void close() {
    rememberChildren();
    DhcpServer.stop(process, Duration.ofSeconds(5));
    stopChildren();
    deletePidFile();
  }

  /**
   * Kills radvd's helper processes by PID and waits (at most 5 s each) until they are gone. The
   * helper exits by itself when radvd's end of their pipe closes; this makes sure, and makes the
   * end observable to a caller that checks the PIDs.
   */
  private void stopChildren() {
    for (ProcessHandle child : children) {
      child.destroyForcibly();
      try {
        child.onExit().get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | TimeoutException e) {
        logger.warn("radvd helper {} did not exit within 5 s", child.pid(), e);
      }
    }
  }

  private void deletePidFile() {
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      // The lab deletes its whole scratch folder on close; this file is no reason to fail.
      logger.debug("cannot delete {}", pidFile, e);
    }
  }
}
