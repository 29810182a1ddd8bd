package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.Ipv4;
import dev.failover.api.Provider;
import dev.failover.lab.DhcpClient;
import dev.failover.lab.DhcpServer;
import dev.failover.lab.NamespaceLab;
import dev.failover.lab.RouteWatch;
import dev.failover.launcher.demo.KernelRoutes;
import dev.failover.launcher.demo.LabConfig;
import dev.failover.launcher.status.StatusDocument;
import dev.failover.launcher.status.StatusFile;
import dev.failover.linux.CommandResult;
import dev.failover.linux.NetlinkRouteBackendSettings;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real uplinks (issue 10), with the built {@code failover.jar} run as the systemd unit runs it in
 * the router namespace of a lab, against real components: an uplink that takes its address and
 * gateway by DHCP (dnsmasq on the ISP's side, ISC dhclient on the router's, with a hook script of
 * the lab's own that touches nothing but the interface), a point-to-point uplink ({@code ip addr
 * add A peer B}, proxy ARP on the far side), and an uplink whose interface is created after the
 * daemon started, deleted and created again.
 *
 * <p>Each test asserts what the kernel holds (the provider's table, its rule, the main table's
 * default routes, read with {@code ip}) and, through {@link RouteWatch} ({@code ip monitor}), that
 * the main table was never without a default route while the static uplink worked. The times from a
 * lease or an address to the routes are printed for docs/benchmarks.md, not asserted: they are
 * measured by polling every 20 ms, on two cores shared with the rest of the build.
 *
 * <p>Needs the shaded jar (failsafe passes its path as {@code failover.jar}), root, dnsmasq and
 * dhclient; skipped with the reason otherwise. The lab, its processes and the daemon are removed
 * whatever happens.
 */
class UplinkJarIT {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(20);

  @TempDir Path dir;

  private NamespaceLab lab;
  private Path jar;
  private Path log;
  private Process daemon;
  private RouteWatch watch;
  private final List<AutoCloseable> started = new ArrayList<>();

  @BeforeEach
  void lab() throws IOException {
    Optional<String> unavailable = NamespaceLab.unavailableReason();
    assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse(""));
    assumeTrue(NamespaceLab.findOnPath("ping").isPresent(), "needs ping (iputils-ping); skipped");
    String jarPath = System.getProperty("failover.jar");
    assumeTrue(jarPath != null, "failover.jar is not set: run with mvn verify (failsafe); skipped");
    jar = Path.of(jarPath);
    log = dir.resolve("daemon.log");
    lab = NamespaceLab.builder("up").isps(2).identicalGateways(true).lanClient(false).build();
  }

  @AfterEach
  void cleanUp() {
    if (daemon != null && daemon.isAlive()) {
      daemon.destroyForcibly();
    }
    for (int i = started.size() - 1; i >= 0; i--) {
      try {
        started.get(i).close();
      } catch (Exception e) {
        System.out.println("cleanup: " + e);
      }
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void dhcpUplink_leaseRenewalToAnotherNetworkAndRelease_routesFollowWithoutAGap()
      throws Exception {
    assumeTrue(NamespaceLab.findOnPath("dnsmasq").isPresent(), "needs dnsmasq; skipped");
    assumeTrue(NamespaceLab.findOnPath("dhclient").isPresent(), "needs dhclient; skipped");
    String router = lab.routerNamespace();
    String isp2 = lab.isp(2).namespace();
    must(router, "ip", "-4", "addr", "flush", "dev", "wan2");
    DhcpServer server =
        DhcpServer.start(
            isp2,
            "lan",
            Ipv4.parse("192.168.1.100"),
            Ipv4.parse("192.168.1.150"),
            24,
            Ipv4.parse("192.168.1.1"),
            dir);
    started.add(server);
    startDaemon(lab.isp(1).provider(), learning("isp2", "wan2", 102));
    awaitMainThrough("wan1", "at start the static ISP 1 is main");
    assertThat(awaitStatus("isp2 unconfigured before its lease", s -> unconfigured(s, "isp2")))
        .contains("no IPv4 address yet");

    DhcpClient client = DhcpClient.start(router, "wan2", dir.resolve("dhclient"));
    started.add(client);
    await(
        "isp2's table, rule and main route from its lease",
        () -> routesOf(router, 102, "wan2", "192.168.1.1"));
    String leased = leasedAddress(client);
    printSince(client, "BOUND", "lease to isp2's table, rule and main route");
    assertThat(KernelRoutes.main(router).orElseThrow().device())
        .as("ISP 1 stays main: the DHCP client's own default route is demoted")
        .isEqualTo("wan1");
    assertThat(exec(router, "ip", "-4", "rule", "show")).contains("from " + leased + " lookup 102");

    lab.blackhole(1);
    awaitMainThrough(
        "wan2", "ISP 1 blackholed: the DHCP uplink, probed through its lease, is main");

    // A new lease in another network with another gateway: the client is restarted (its old
    // lease is refused by the authoritative server, as after a move), as a renewal would.
    client.close();
    server.close();
    must(isp2, "ip", "addr", "add", "192.168.7.1/24", "dev", "lan");
    started.add(
        DhcpServer.start(
            isp2,
            "lan",
            Ipv4.parse("192.168.7.100"),
            Ipv4.parse("192.168.7.150"),
            24,
            Ipv4.parse("192.168.7.1"),
            dir.resolve("second")));
    DhcpClient renewed = DhcpClient.start(router, "wan2", dir.resolve("dhclient"));
    started.add(renewed);
    await(
        "isp2's table, rule and main route follow the new lease",
        () ->
            routesOf(router, 102, "wan2", "192.168.7.1")
                && mainThrough(router, "wan2", "192.168.7.1"));
    printSince(renewed, "BOUND", "new lease (other network and gateway) to isp2's routes");
    String rules = exec(router, "ip", "-4", "rule", "show");
    assertThat(rules).contains("from " + leasedAddress(renewed) + " lookup 102");
    assertThat(rules).as("the old lease's rule is removed").doesNotContain("from " + leased + " ");

    lab.restore(1);
    renewed.release(DEADLINE);
    awaitMainThrough("wan1", "the lease released: isp2 is unconfigured, ISP 1 carries the traffic");
    assertThat(awaitStatus("isp2 unconfigured after its release", s -> unconfigured(s, "isp2")))
        .contains("no IPv4 address yet");
    // Its source rule goes; flow pinning's fwmark rule stays, and finds only the table's
    // unreachable default: a pinned flow of the lost lease fails at once instead of leaking.
    assertThat(exec(router, "ip", "-4", "rule", "show")).doesNotContain("lookup 102 proto 201");
    assertThat(exec(router, "ip", "-4", "route", "show", "table", "102"))
        .startsWith("unreachable default");
    assertNoGap();
  }

  @Test
  void pointToPointUplink_routedThroughTheDeviceAlone() throws Exception {
    String router = lab.routerNamespace();
    String isp2 = lab.isp(2).namespace();
    must(router, "ip", "-4", "addr", "flush", "dev", "wan2");
    must(router, "ip", "addr", "add", "10.2.0.2", "peer", "10.2.0.1", "dev", "wan2");
    must(isp2, "ip", "addr", "add", "10.2.0.1", "peer", "10.2.0.2", "dev", "lan");
    // The far end answers ARP for everything, as a point-to-point link needs no next hop.
    must(isp2, "sysctl", "-q", "-w", "net.ipv4.conf.lan.proxy_arp=1");
    startDaemon(lab.isp(1).provider(), learning("isp2", "wan2", 102));
    awaitMainThrough("wan1", "at start the static ISP 1 is main");

    await(
        "isp2's table routes through the device alone",
        () ->
            exec(router, "ip", "-4", "route", "show", "table", "102").contains("default dev wan2"));
    assertThat(exec(router, "ip", "-4", "rule", "show")).contains("from 10.2.0.2 lookup 102");
    lab.blackhole(1);
    awaitMainThrough("wan2", "ISP 1 blackholed: the point-to-point uplink is main");
    assertThat(KernelRoutes.main(router).orElseThrow().gateway()).isNull();
    assertThat(awaitStatus("isp2's uplink", s -> uplinkLine(s, "isp2"))).contains("point-to-point");
    assertNoGap();
  }

  @Test
  void hotPlug_interfaceCreatedAfterTheStartDeletedAndCreatedAgain_followed() throws Exception {
    String router = lab.routerNamespace();
    String isp2 = lab.isp(2).namespace();
    startDaemon(lab.isp(1).provider(), learning("isp3", "wan3", 103));
    awaitMainThrough("wan1", "at start the static ISP 1 is main");
    assertThat(awaitStatus("isp3 before its interface exists", s -> unconfigured(s, "isp3")))
        .contains("interface missing");

    for (int round = 1; round <= 2; round++) {
      plugWan3(router, isp2);
      Instant plugged = Instant.now();
      await(
          "isp3's routes once wan3 has its address and gateway (round " + round + ")",
          () -> routesOf(router, 103, "wan3", "192.168.3.1"));
      System.out.println(
          "hot-plug round "
              + round
              + ": address and gateway to isp3's table, rule and main route: "
              + Duration.between(plugged, Instant.now()).toMillis()
              + " ms");
      awaitStatus(
          "isp3's first probe round (round " + round + ")",
          s ->
              s.engine()
                  .provider("isp3")
                  .map(p -> p.storedRounds() > 0 ? "yes" : null)
                  .orElse(null));
      System.out.println(
          "hot-plug round "
              + round
              + ": address to isp3's first probe round seen in the status file: "
              + Duration.between(plugged, Instant.now()).toMillis()
              + " ms");

      must(router, "ip", "link", "del", "wan3");
      await(
          "isp3 unconfigured once wan3 is deleted (round " + round + ")",
          () -> !exec(router, "ip", "-4", "rule", "show").contains("lookup 103"));
      assertThat(awaitStatus("isp3 after the delete", s -> unconfigured(s, "isp3")))
          .contains("interface missing");
    }
    assertThat(KernelRoutes.main(router).orElseThrow().device()).isEqualTo("wan1");
    assertNoGap();
  }

  /** Creates wan3 (a new index each time) to ISP 2, with an address and a foreign default route. */
  private void plugWan3(String router, String isp2) throws IOException {
    must(
        router, "ip", "link", "add", "wan3", "type", "veth", "peer", "name", "lan3", "netns", isp2);
    must(isp2, "ip", "addr", "add", "192.168.3.1/24", "dev", "lan3");
    must(isp2, "ip", "link", "set", "lan3", "up");
    must(router, "ip", "link", "set", "wan3", "up");
    must(router, "ip", "addr", "add", "192.168.3.11/24", "dev", "wan3");
    // What a modem's DHCP client would add, at a metric failover leaves alone.
    must(
        router,
        "ip",
        "route",
        "add",
        "default",
        "via",
        "192.168.3.1",
        "dev",
        "wan3",
        "metric",
        "500");
  }

  private static Provider learning(String id, String interfaceName, int tableId) {
    return new Provider(id, interfaceName, null, null, null, id, tableId);
  }

  private void startDaemon(Provider... providers) throws IOException, InterruptedException {
    Path config = dir.resolve("failover.toml");
    Files.writeString(
        config,
        LabConfig.toml(
            List.of(providers),
            NamespaceLab.TARGETS.subList(0, 2),
            dir,
            Map.of("failback_dwell", "2")));
    watch = RouteWatch.start(lab.routerNamespace());
    started.add(watch);
    List<String> command =
        UnitCommand.inNamespace(lab.routerNamespace(), jar, "run", "--config", config.toString());
    daemon =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /**
   * Whether table {@code table}'s default route and a main-table default route of failover's go via
   * {@code gateway} on {@code device}.
   */
  private boolean routesOf(String router, int table, String device, String gateway)
      throws IOException {
    String own = String.valueOf(NetlinkRouteBackendSettings.DEFAULT_ROUTE_PROTOCOL);
    return exec(router, "ip", "-4", "route", "show", "table", String.valueOf(table))
            .contains("default via " + gateway + " dev " + device)
        && KernelRoutes.read(router).stream()
            .anyMatch(
                r ->
                    r.device().equals(device)
                        && gateway.equals(r.gateway())
                        && r.protocol().equals(own));
  }

  private boolean mainThrough(String router, String device, String gateway) throws IOException {
    return KernelRoutes.main(router)
        .map(r -> r.device().equals(device) && gateway.equals(r.gateway()))
        .orElse(false);
  }

  private String leasedAddress(DhcpClient client) throws IOException {
    List<String> events = client.events();
    for (int i = events.size() - 1; i >= 0; i--) {
      String[] fields = events.get(i).split(" ");
      if (fields.length >= 3 && fields[1].equals("BOUND")) {
        return fields[2];
      }
    }
    throw new AssertionError("no BOUND event in " + events);
  }

  /** Prints the time from the client's last {@code reason} event to now, for the record. */
  private void printSince(DhcpClient client, String reason, String what) throws IOException {
    List<String> events = client.events();
    for (int i = events.size() - 1; i >= 0; i--) {
      String[] fields = events.get(i).split(" ");
      if (fields[1].equals(reason)) {
        double at = Double.parseDouble(fields[0]);
        long millis = (long) ((System.currentTimeMillis() / 1000.0 - at) * 1000);
        System.out.println(what + ": at most " + millis + " ms (polled every 20 ms)");
        return;
      }
    }
  }

  private void assertNoGap() {
    assertThat(watch.gaps()).as("instants without a default route").isEmpty();
  }

  private void awaitMainThrough(String device, String why) throws Exception {
    await(
        why,
        () ->
            KernelRoutes.main(lab.routerNamespace())
                .map(r -> r.device().equals(device))
                .orElse(false));
    watch.armGaps();
  }

  private interface Check {
    boolean holds() throws Exception;
  }

  /** Polls {@code check} until it holds, failing at the deadline or as soon as the daemon exits. */
  private void await(String why, Check check) throws Exception {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      if (check.holds()) {
        return;
      }
      if (daemon.waitFor(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
        fail(
            "the daemon exited with %s while waiting for: %s%n%s",
            daemon.exitValue(), why, logText());
      }
    }
    fail(
        "%s: not within %s; routes %s, rules %s%n%s",
        why,
        DEADLINE,
        exec(lab.routerNamespace(), "ip", "-4", "route", "show", "table", "all"),
        exec(lab.routerNamespace(), "ip", "-4", "rule", "show"),
        logText());
  }

  private interface Observe {
    String read(StatusDocument status);
  }

  /** Polls the status file until {@code observe} reads something from it, and returns that. */
  private String awaitStatus(String why, Observe observe) throws Exception {
    StatusFile file = new StatusFile(dir.resolve("status.json"));
    String[] seen = new String[1];
    await(
        why,
        () -> {
          Optional<StatusDocument> status = file.readDocument();
          seen[0] = status.map(observe::read).orElse(null);
          return seen[0] != null;
        });
    return seen[0];
  }

  private static String unconfigured(StatusDocument status, String id) {
    return status.engine().provider(id).flatMap(p -> p.unconfiguredReason()).orElse(null);
  }

  private static String uplinkLine(StatusDocument status, String id) {
    return status
        .engine()
        .provider(id)
        .flatMap(p -> Optional.ofNullable(p.resolution()))
        .filter(r -> r.isResolved())
        .map(dev.failover.launcher.status.StatusReport::uplink)
        .orElse(null);
  }

  private String exec(String namespace, String... command) throws IOException {
    CommandResult result = lab.exec(namespace, command);
    return result.stdout();
  }

  private void must(String namespace, String... command) throws IOException {
    CommandResult result = lab.exec(namespace, command);
    if (!result.succeeded()) {
      throw new IOException(String.join(" ", command) + " failed: " + result.stderr());
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
