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
import java.util.concurrent.TimeUnit;

/**
 * A real DHCP client, ISC's {@code dhclient}, on one interface of a namespace the lab made (the
 * router's uplink), run in the foreground as a child process and stopped by its PID.
 *
 * <p>Its hook script is this class's own, written into the scratch folder: it sets the lease's
 * address and default route with {@code ip}, as {@code dhclient-script} does, and nothing else. The
 * distribution's script would rewrite {@code /etc/resolv.conf} and the hostname, which the
 * namespaces share with the host. Its config, lease and PID files are in the scratch folder too.
 * Every lease event is appended to {@code dhclient-IF.events} with the time, for tests that measure
 * from it.
 *
 * <p>Test infrastructure: needs root and {@code dhclient} (the {@code isc-dhcp-client} package).
 */
public final class DhcpClient implements AutoCloseable {
  /** The hook script: the lease's address and default route, as dhclient-script sets them. */
  private static final String SCRIPT =
      """
      #!/bin/sh
      # Written by failover's namespace lab: dhclient's hook, touching only this interface.
      printf '%s %s %s %s\\n' "$(date +%s.%N)" "$reason" "${new_ip_address:-}" \
          "${new_routers:-}" >> "$(dirname "$0")/dhclient-$interface.events"
      case "$reason" in
        BOUND|RENEW|REBIND|REBOOT)
          current=$(ip -4 -o addr show dev "$interface" | awk '{print $4}')
          case " $current " in
            *" $new_ip_address/"*) ;;
            *) ip -4 addr flush dev "$interface" ;;
          esac
          ip -4 addr replace "$new_ip_address/$new_subnet_mask" dev "$interface"
          for router in $new_routers; do
            ip -4 route replace default via "$router" dev "$interface"
            break
          done
          ;;
        EXPIRE|FAIL|RELEASE|STOP)
          ip -4 addr flush dev "$interface"
          ;;
      esac
      exit 0
      """;

  private final String namespace;
  private final String interfaceName;
  private final Path folder;
  private final Path dhclient;
  private final Process process;

  private DhcpClient(
      String namespace, String interfaceName, Path folder, Path dhclient, Process process) {
    this.namespace = namespace;
    this.interfaceName = interfaceName;
    this.folder = folder;
    this.dhclient = dhclient;
    this.process = process;
  }

  /**
   * Starts dhclient in {@code namespace} on {@code interfaceName}; it keeps its lease (and its
   * lease file, so that a restart asks for the same address first, as after a reboot).
   *
   * @param folder a scratch folder for its script, files, log and lease events
   * @throws IOException if dhclient cannot start or exits at once
   */
  public static DhcpClient start(String namespace, String interfaceName, Path folder)
      throws IOException, InterruptedException {
    checkNotNull(namespace, "namespace");
    checkNotNull(interfaceName, "interfaceName");
    Path dhclient =
        NamespaceLab.findOnPath("dhclient")
            .orElseThrow(() -> new IOException("dhclient is not installed (isc-dhcp-client)"));
    Files.createDirectories(folder);
    Path script = folder.resolve("dhclient-script");
    Files.writeString(script, SCRIPT, StandardCharsets.US_ASCII);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(folder.resolve("dhclient.conf"), "", StandardCharsets.US_ASCII);
    Path log = folder.resolve("dhclient-" + interfaceName + ".log");
    Process process =
        new ProcessBuilder(command(namespace, interfaceName, folder, dhclient, "-d"))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    if (process.waitFor(200, TimeUnit.MILLISECONDS)) {
      throw new IOException(
          "dhclient exited with "
              + process.exitValue()
              + ": "
              + Files.readString(log, StandardCharsets.UTF_8));
    }
    return new DhcpClient(namespace, interfaceName, folder, dhclient, process);
  }

  private static List<String> command(
      String namespace, String interfaceName, Path folder, Path dhclient, String mode) {
    List<String> command =
        new ArrayList<>(List.of("ip", "netns", "exec", namespace, dhclient.toString()));
    command.addAll(
        List.of(
            mode,
            "-4",
            "-sf",
            folder.resolve("dhclient-script").toString(),
            "-cf",
            folder.resolve("dhclient.conf").toString(),
            "-lf",
            folder.resolve("dhclient-" + interfaceName + ".leases").toString(),
            "-pf",
            folder.resolve("dhclient-" + interfaceName + ".pid").toString(),
            interfaceName));
    return command;
  }

  /**
   * Releases the lease ({@code dhclient -r}: the server is told, the script removes the address)
   * and stops this client. Waits at most {@code limit}.
   *
   * @throws IOException if the release did not finish in time or failed
   */
  public void release(Duration limit) throws IOException, InterruptedException {
    Process release =
        new ProcessBuilder(command(namespace, interfaceName, folder, dhclient, "-r"))
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    folder.resolve("dhclient-" + interfaceName + ".log").toFile()))
            .start();
    if (!release.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      release.destroyForcibly();
      throw new IOException("dhclient -r did not finish within " + limit);
    }
    close();
  }

  /** The lease events so far, one line each: time, reason, address, routers. */
  public List<String> events() throws IOException {
    Path events = folder.resolve("dhclient-" + interfaceName + ".events");
    return Files.exists(events) ? Files.readAllLines(events, StandardCharsets.US_ASCII) : List.of();
  }

  /** Whether the client still runs. */
  public boolean running() {
    return process.isAlive();
  }

  /**
   * Stops the client by its PID without a release (its address stays, as after a crash or a
   * reboot). Idempotent.
   */
  @Override
  public void close() {
    DhcpServer.stop(process, Duration.ofSeconds(5));
  }
}
