package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.common.net.InetAddresses;
import dev.failover.lab.NamespaceLab;
import dev.failover.lab.Netns;
import dev.failover.linux.netlink.AddressMessage;
import dev.failover.linux.netlink.LinkMessage;
import dev.failover.linux.netlink.NetlinkEvents;
import dev.failover.linux.netlink.NetlinkEvents.Group;
import dev.failover.linux.netlink.NetlinkEvents.Snapshot;
import dev.failover.linux.netlink.NetlinkEvents.SyncReason;
import dev.failover.linux.netlink.RouteMessage;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The IPv6 side of a link monitor following default routes, against the real kernel: two namespaces
 * of the test's own, a router whose {@code wan1} is a veth to a modem namespace holding {@code
 * fe80::1} (the link-local address routers advertise themselves by). Addresses are added {@code
 * nodad} and the router advertisement's default route by hand ({@code proto ra}, with an expiry, as
 * the kernel makes it from an advertisement), so no radvd is needed. {@code ip} makes every change
 * and is the oracle of the true state; every wait has a deadline.
 *
 * <p>"Not reported" is shown with a marker: after the change that must not be reported, a change
 * that must be (a second global address) is made; the kernel's notifications come in order, so the
 * monitor has handled the first when it reports the second, and nothing may come in between.
 */
class LinkMonitorIpv6NamespaceTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int OWN = 201;
  private static final int RA = 9;
  private static final InetAddress ROUTER = InetAddresses.forString("fe80::1");
  private static final InetAddress ADDRESS = InetAddresses.forString("2001:db8:1::2");
  private static final InetAddress MARKER = InetAddresses.forString("2001:db8:1::77");

  private final CommandRunner runner = new CommandRunner();
  private final List<String> namespaces = new ArrayList<>();
  private final Recorder recorder = new Recorder();
  private String router;
  private LinkMonitor monitor;
  private NetlinkEvents witness;

  @BeforeAll
  static void needsRoot() {
    assumeTrue(
        NamespaceLab.unavailableReason().isEmpty(), NamespaceLab.unavailableReason().orElse(""));
    assumeTrue(Files.isDirectory(Path.of("/proc/sys/net/ipv6")), "the kernel has no IPv6");
  }

  @BeforeEach
  void createNamespaces() throws Exception {
    String suffix = HexFormat.of().formatHex(RANDOM.generateSeed(3));
    router = addNamespace("v6r-" + suffix);
    String modem = addNamespace("v6m-" + suffix);
    // Duplicate address detection is turned on again per address where a test wants it.
    sysctl(router, "net/ipv6/conf/default/accept_dad", "0");
    sysctl(router, "net/ipv6/conf/all/accept_dad", "0");
    ip(router, "link", "add", "wan1", "type", "veth", "peer", "name", "lan", "netns", modem);
    ip(modem, "addr", "add", "fe80::1/64", "dev", "lan", "nodad");
    ip(modem, "link", "set", "lan", "up");
    ip(router, "link", "set", "wan1", "up");
  }

  @AfterEach
  void removeNamespaces() throws Exception {
    if (monitor != null) {
      monitor.close();
    }
    if (witness != null) {
      witness.close();
    }
    for (String namespace : namespaces) {
      CommandResult result = runner.run(List.of("ip", "netns", "del", namespace));
      assertThat(result.exitCode()).as("ip netns del %s: %s", namespace, result.stderr()).isZero();
    }
  }

  private String addNamespace(String name) throws IOException {
    CommandResult result = runner.run(List.of("ip", "netns", "add", name));
    assertThat(result.exitCode()).as("ip netns add %s: %s", name, result.stderr()).isZero();
    namespaces.add(name);
    ip(name, "link", "set", "lo", "up");
    return name;
  }

  /** Runs {@code ip -n NAMESPACE ARGS}, fails the test unless it succeeds, returns its output. */
  private String ip(String namespace, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
    command.addAll(List.of(args));
    CommandResult result = runner.run(command);
    assertThat(result.exitCode()).as("%s: %s", command, result.stderr()).isZero();
    return result.stdout();
  }

  private static void sysctl(String namespace, String key, String value) throws Exception {
    Netns.call(
        namespace,
        () -> Files.writeString(Path.of("/proc/sys", key), value, StandardCharsets.US_ASCII));
  }

  /** Starts a monitor following default routes inside the router namespace. */
  private void startMonitor() throws Exception {
    LinkMonitor started = LinkMonitor.followingDefaultRoutes(recorder, OWN);
    monitor = started;
    try {
      Netns.call(
          router,
          () -> {
            started.start();
            return null;
          });
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
    // A veth just set up reaches operational state UP a moment later: that link message would
    // change the view, so wait for it before a test looks for what it made.
    if (!operUp(recorder.last("wan1"))) {
      recorder.awaitView(LinkMonitorIpv6NamespaceTest::operUp, "wan1 in operational state UP");
    }
  }

  private static boolean operUp(InterfaceView view) {
    return view.link() != null && view.link().operState() == LinkMessage.OPER_UP;
  }

  private void addRaDefaultRoute(String expires) throws IOException {
    ip(
        router, "-6", "route", "add", "default", "via", "fe80::1", "dev", "wan1", "proto", "ra",
        "metric", "1024", "expires", expires);
  }

  /** Adds the marker address and waits for the view that shows it; returns the views before. */
  private List<InterfaceView> marker() throws Exception {
    ip(router, "-6", "addr", "add", "2001:db8:1::77/64", "dev", "wan1", "nodad");
    return recorder.awaitView(v -> addresses(v).contains(MARKER), "the marker address").before();
  }

  private static List<InetAddress> addresses(InterfaceView view) {
    return view.ipv6Addresses().stream().map(AddressMessage::interfaceAddress).toList();
  }

  private static boolean hasRaRoute(InterfaceView view) {
    return view.ipv6DefaultRoutes().stream()
        .anyMatch(r -> ROUTER.equals(r.gateway()) && r.metric() == 1024 && r.protocol() == RA);
  }

  @Test
  void start_addressAndRouterAdvertisementRoute_inTheFirstView() throws Exception {
    ip(router, "-6", "addr", "add", "2001:db8:1::2/64", "dev", "wan1", "nodad");
    addRaDefaultRoute("600");
    ip(
        router,
        "-6",
        "route",
        "add",
        "default",
        "via",
        "fe80::9",
        "dev",
        "wan1",
        "proto",
        String.valueOf(OWN),
        "metric",
        "100");

    startMonitor();

    // start() returns after the first full report.
    InterfaceView view = recorder.last("wan1");
    assertThat(addresses(view)).as("global only, no link-local").containsExactly(ADDRESS);
    assertThat(view.ipv6Addresses()).extracting(AddressMessage::prefixLength).containsExactly(64);
    assertThat(view.ipv6DefaultRoutes())
        .as("the advertised route, not failover's own")
        .singleElement()
        .satisfies(r -> assertThat(r.gateway()).isEqualTo(ROUTER))
        .satisfies(r -> assertThat(r.protocol()).isEqualTo(RA));
    assertThat(ip(router, "-6", "route", "show", "default"))
        .contains("default via fe80::1 dev wan1 proto ra metric 1024 expires")
        .contains("default via fe80::9 dev wan1 proto 201 metric 100");
    Ipv6UplinkResolution resolved =
        new Ipv6UplinkResolver(OWN)
            .resolve(Ipv6UplinkConfig.learned("wan1"), view, null, new ArrayList<>());
    assertThat(resolved.uplink()).hasToString("2001:db8:1::2/64 via fe80::1 dev wan1");
  }

  @Test
  void addressAdded_reported() throws Exception {
    startMonitor();
    recorder.drain();

    ip(router, "-6", "addr", "add", "2001:db8:1::2/64", "dev", "wan1", "nodad");

    recorder.awaitView(v -> addresses(v).equals(List.of(ADDRESS)), "the new address");
  }

  /** The kernel sends a notification for the replace; the view it would make is the same. */
  @Test
  void defaultRouteAddedReplacedWithNewExpiryDeleted_reportedOnAddAndDeleteOnly() throws Exception {
    ip(router, "-6", "addr", "add", "2001:db8:1::2/64", "dev", "wan1", "nodad");
    startMonitor();
    recorder.drain();
    // An independent witness of the kernel's IPv6 route notifications.
    BlockingQueue<RouteMessage> notified = new LinkedBlockingQueue<>();
    witness =
        Netns.call(
            router,
            () ->
                NetlinkEvents.start(
                    EnumSet.of(Group.IPV6_ROUTE),
                    new NetlinkEvents.Listener() {
                      @Override
                      public void onSync(Snapshot snapshot, SyncReason reason) {}

                      @Override
                      public void onRoute(RouteMessage route, boolean deleted) {
                        if (!deleted && route.isDefault() && ROUTER.equals(route.gateway())) {
                          notified.add(route);
                        }
                      }
                    }));

    addRaDefaultRoute("600");
    recorder.awaitView(LinkMonitorIpv6NamespaceTest::hasRaRoute, "the advertised route");

    ip(
        router, "-6", "route", "replace", "default", "via", "fe80::1", "dev", "wan1", "proto", "ra",
        "metric", "1024", "expires", "900");
    // As a router advertisement refreshes it: the expiry changes without a notification.
    CommandResult append =
        runner.run(
            List.of(
                "ip", "-n", router, "-6", "route", "append", "default", "via", "fe80::1", "dev",
                "wan1", "proto", "ra", "metric", "1024", "expires", "300"));
    assertThat(append.stderr()).contains("File exists");
    assertThat(ip(router, "-6", "route", "show", "default")).contains("expires 29");

    assertThat(marker()).as("views between the first report and the marker").isEmpty();
    assertThat(notified.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("add").isNotNull();
    assertThat(notified.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .as("the kernel notified the replace")
        .isNotNull();

    ip(router, "-6", "route", "del", "default", "via", "fe80::1", "dev", "wan1", "metric", "1024");
    recorder.awaitView(v -> v.ipv6DefaultRoutes().isEmpty(), "the route gone");
  }

  @Test
  void linkLocalAddressAndOwnRoute_notReported() throws Exception {
    startMonitor();
    recorder.drain();

    ip(router, "-6", "addr", "add", "fe80::99/64", "dev", "wan1", "nodad");
    ip(
        router,
        "-6",
        "route",
        "add",
        "default",
        "via",
        "fe80::1",
        "dev",
        "wan1",
        "proto",
        String.valueOf(OWN),
        "metric",
        "100");

    assertThat(marker()).isEmpty();
  }

  /** Duplicate address detection ends: the address is no longer tentative, which counts. */
  @Test
  void duplicateAddressDetectionEnds_reportedTentativeThenUsable() throws Exception {
    sysctl(router, "net/ipv6/conf/wan1/accept_dad", "1");
    startMonitor();
    recorder.drain();

    ip(router, "-6", "addr", "add", "2001:db8:1::2/64", "dev", "wan1");

    recorder.awaitView(
        v ->
            v.ipv6Addresses().size() == 1
                && (v.ipv6Addresses().get(0).flags() & InterfaceView.IFA_F_TENTATIVE) != 0,
        "the tentative address");
    recorder.awaitView(
        v -> v.ipv6Addresses().size() == 1 && v.ipv6Addresses().get(0).flags() == 0,
        "the address done with duplicate address detection");
  }

  /** Set down, the kernel flushes the interface's IPv6 addresses and routes; up brings neither. */
  @Test
  void linkDownThenUp_addressesAndRoutesGoneThenUsableAgain() throws Exception {
    ip(router, "-6", "addr", "add", "2001:db8:1::2/64", "dev", "wan1", "nodad");
    addRaDefaultRoute("600");
    startMonitor();
    recorder.drain();

    ip(router, "link", "set", "wan1", "down");
    recorder.await("wan1 not usable");
    recorder.awaitView(
        v -> !v.usable() && v.ipv6Addresses().isEmpty() && v.ipv6DefaultRoutes().isEmpty(),
        "wan1 down without IPv6 address or route");
    assertThat(ip(router, "-6", "addr", "show", "dev", "wan1", "scope", "global")).isBlank();
    assertThat(ip(router, "-6", "route", "show", "default")).isBlank();

    ip(router, "link", "set", "wan1", "up");
    recorder.await("wan1 usable");
    recorder.awaitView(InterfaceView::usable, "wan1 usable");
  }

  @Test
  void ipv4_addressAndDefaultRoute_reportedAsBefore() throws Exception {
    ip(router, "-6", "addr", "add", "2001:db8:1::2/64", "dev", "wan1", "nodad");
    startMonitor();
    recorder.drain();

    ip(router, "addr", "add", "192.168.77.2/24", "dev", "wan1");
    recorder.await("wan1 +192.168.77.2");
    ip(
        router,
        "route",
        "add",
        "default",
        "via",
        "192.168.77.1",
        "dev",
        "wan1",
        "proto",
        "dhcp",
        "metric",
        "100");

    InterfaceView view =
        recorder.awaitView(v -> v.defaultRoutes().size() == 1, "the IPv4 default route").view();
    RouteMessage route = view.defaultRoutes().get(0);
    assertThat(route.gateway()).isEqualTo(InetAddresses.forString("192.168.77.1"));
    assertThat(route.protocol()).isEqualTo(16);
    assertThat(view.addresses())
        .extracting(AddressMessage::interfaceAddress)
        .containsExactly(InetAddresses.forString("192.168.77.2"));
    assertThat(addresses(view)).containsExactly(ADDRESS);
  }

  /** A view waited for, and the views of the same interface reported before it. */
  private record Awaited(InterfaceView view, List<InterfaceView> before) {}

  /** Records the monitor's calls in order: link and IPv4 address calls as text, and the views. */
  private static final class Recorder implements LinkListener {
    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private volatile InterfaceView lastWan1;

    @Override
    public void onLinkChanged(String interfaceName, boolean usable) {
      events.add(interfaceName + (usable ? " usable" : " not usable"));
    }

    @Override
    public void onAddressChanged(String interfaceName, Inet4Address address, boolean present) {
      events.add(interfaceName + (present ? " +" : " -") + address.getHostAddress());
    }

    @Override
    public void onInterfaceChanged(InterfaceView view) {
      if (view.name().equals("wan1")) {
        lastWan1 = view;
      }
      events.add(view);
    }

    /** The last view of {@code name} reported ({@code wan1} only). */
    InterfaceView last(String name) {
      assertThat(name).isEqualTo("wan1");
      assertThat(lastWan1).as("a view of wan1").isNotNull();
      return lastWan1;
    }

    void drain() {
      events.clear();
    }

    /** Waits for the text event {@code expected}; returns the events before it. */
    List<Object> await(String expected) throws InterruptedException {
      List<Object> before = new ArrayList<>();
      awaitEvent(e -> e.equals(expected), expected, before);
      return before;
    }

    /**
     * Waits for a view of {@code wan1} that matches {@code wanted}; returns it with the views of
     * {@code wan1} reported before it.
     */
    Awaited awaitView(Predicate<InterfaceView> wanted, String what) throws InterruptedException {
      List<Object> before = new ArrayList<>();
      Object found =
          awaitEvent(
              e -> e instanceof InterfaceView v && v.name().equals("wan1") && wanted.test(v),
              what,
              before);
      return new Awaited(
          (InterfaceView) found,
          before.stream()
              .filter(e -> e instanceof InterfaceView v && v.name().equals("wan1"))
              .map(InterfaceView.class::cast)
              .toList());
    }

    private Object awaitEvent(Predicate<Object> wanted, String what, List<Object> before)
        throws InterruptedException {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (true) {
        Object event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        assertThat(event).as("%s within %s; saw %s", what, WAIT, before).isNotNull();
        if (wanted.test(event)) {
          return event;
        }
        before.add(event);
      }
    }
  }
}
