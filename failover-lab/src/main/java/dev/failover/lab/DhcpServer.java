package dev.failover.lab;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real DHCP server, dnsmasq, answering on one interface of a namespace the lab made (an ISP's
 * modem side), so that a router's uplink can take its address and gateway by DHCP as from a cable
 * box in router mode. Started as a child process ({@code ip netns exec NS dnsmasq
 * --keep-in-foreground ...}) with no config file, no DNS service (port 0) and its lease file in a
 * scratch folder; {@link #close()} stops it by its PID. Authoritative, so that a client asking for
 * an address of another range (its old lease) is told no at once and takes a new one.
 *
 * <p>Test infrastructure: needs root and {@code dnsmasq} (the {@code dnsmasq-base} package).
 */
public final class DhcpServer implements AutoCloseable {
  private final Process process;
  private final Path log;

  private DhcpServer(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /**
   * Starts dnsmasq in {@code namespace} on {@code interfaceName}, leasing {@code first} to {@code
   * last} with {@code prefixLength} and {@code router} as the gateway, for two minutes (dnsmasq's
   * shortest lease).
   *
   * @param folder a scratch folder for its lease file and log
   * @throws IOException if dnsmasq cannot start or exits at once
   */
  public static DhcpServer start(
      String namespace,
      String interfaceName,
      Inet4Address first,
      Inet4Address last,
      int prefixLength,
      Inet4Address router,
      Path folder)
      throws IOException, InterruptedException {
    checkNotNull(namespace, "namespace");
    checkArgument(prefixLength > 0 && prefixLength < 31, "prefixLength, was %s", prefixLength);
    Path dnsmasq =
        NamespaceLab.findOnPath("dnsmasq")
            .orElseThrow(() -> new IOException("dnsmasq is not installed (dnsmasq-base)"));
    Files.createDirectories(folder);
    String tag = namespace + "-" + interfaceName;
    Path leases = folder.resolve("dnsmasq-" + tag + ".leases");
    Files.deleteIfExists(leases);
    Path log = folder.resolve("dnsmasq-" + tag + ".log");
    List<String> command =
        new ArrayList<>(List.of("ip", "netns", "exec", namespace, dnsmasq.toString()));
    command.addAll(
        List.of(
            "--keep-in-foreground",
            "--conf-file=/dev/null",
            "--no-resolv",
            "--no-hosts",
            "--port=0",
            "--interface=" + interfaceName,
            "--bind-interfaces",
            "--dhcp-authoritative",
            "--dhcp-range="
                + first.getHostAddress()
                + ","
                + last.getHostAddress()
                + ","
                + mask(prefixLength)
                + ",2m",
            "--dhcp-option=option:router," + router.getHostAddress(),
            "--dhcp-leasefile=" + leases,
            "--pid-file=",
            "--user=root",
            "--log-dhcp"));
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
      throw new IOException(
          "dnsmasq exited with "
              + process.exitValue()
              + ": "
              + Files.readString(log, StandardCharsets.UTF_8));
    }
    return new DhcpServer(process, log);
  }

  private static String mask(int prefixLength) {
    int mask = -1 << (32 - prefixLength);
    return ((mask >>> 24) & 0xff)
        + "."
        + ((mask >>> 16) & 0xff)
        + "."
        + ((mask >>> 8) & 0xff)
        + "."
        + (mask & 0xff);
  }

  /** What dnsmasq logged so far, for a failure message. */
  public String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** Stops dnsmasq (SIGTERM, then SIGKILL after 5 s) and waits for it. Idempotent. */
  @Override
  public void close() {
    stop(process, Duration.ofSeconds(5));
  }

  /** Stops {@code process} by its PID and waits for it, at most {@code grace} before SIGKILL. */
  static void stop(Process process, Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
