package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How lines of {@code ip -o monitor link address} (as iproute2 6.1 prints them) become reports. */
class LinkMonitorTest {
  private static final String UP =
      "3: wan1@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default \\"
          + "    link/ether 16:a6:d9:9c:4f:98 brd ff:ff:ff:ff:ff:ff link-netns fl-1234-isp1";
  private static final String NO_CARRIER =
      "3: wan1@if2: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state LOWERLAYERDOWN"
          + " group default \\    link/ether 16:a6:d9:9c:4f:98 brd ff:ff:ff:ff:ff:ff";
  private static final String ADMIN_DOWN =
      "3: wan1@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN group default \\"
          + "    link/ether 16:a6:d9:9c:4f:98 brd ff:ff:ff:ff:ff:ff";

  private final RecordingLinkListener listener = new RecordingLinkListener();
  private final LinkMonitor monitor = new LinkMonitor(new CommandRunner(), listener);

  @Test
  void handle_linkUpThenCarrierLostThenAdminDown_reportsOnlyChanges() {
    monitor.handle(UP);
    monitor.handle(UP); // the kernel repeats link messages for many reasons
    monitor.handle(NO_CARRIER);
    monitor.handle(ADMIN_DOWN);
    monitor.handle(UP);

    assertThat(listener.drain()).containsExactly("wan1 usable", "wan1 not usable", "wan1 usable");
  }

  /** A veth whose peer just came up can say LOWER_UP and NO-CARRIER at once, state LOWERLAYERDOWN. */
  @Test
  void handle_lowerUpWithNoCarrier_isNotUsable() {
    monitor.handle("2: b1@a1: <NO-CARRIER,BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue"
        + " state LOWERLAYERDOWN group default \\    link/ether e6:c8:ea:2a:66:16 brd ff:ff:ff:ff:ff:ff");

    assertThat(listener.drain()).containsExactly("b1 not usable");
  }

  @Test
  void handle_stateUnknownWithCarrier_isUsable() {
    monitor.handle("7: ppp0: <POINTOPOINT,MULTICAST,NOARP,UP,LOWER_UP> mtu 1492 qdisc fq_codel state UNKNOWN"
        + " group default qlen 3\\    link/ppp");

    assertThat(listener.drain()).containsExactly("ppp0 usable");
  }

  @Test
  void handle_addressAddedAndDeleted_reportsBothOnce() {
    monitor.handle(UP);
    monitor.handle("3: wan1    inet 192.168.1.11/24 scope global wan1\\       valid_lft forever preferred_lft forever");
    monitor.handle("3: wan1    inet 192.168.1.11/24 scope global wan1\\       valid_lft forever preferred_lft forever");
    monitor.handle("Deleted 3: wan1    inet 192.168.1.11/24 scope global wan1\\       valid_lft forever");

    assertThat(listener.drain()).containsExactly("wan1 usable", "wan1 +192.168.1.11", "wan1 -192.168.1.11");
  }

  @Test
  void handle_ipv6AddressOrOtherText_isIgnored() {
    monitor.handle("Deleted 3: wan1    inet6 fe80::14a6:d9ff:fe9c:4f98/64 scope link \\       valid_lft forever");
    monitor.handle("Cannot open netlink socket: Operation not permitted");

    assertThat(listener.drain()).isEmpty();
  }

  @Test
  void handle_linkDeleted_reportsItsAddressesGoneAndTheLinkNotUsable() {
    monitor.handle(UP);
    monitor.handle("3: wan1    inet 192.168.1.11/24 scope global wan1\\       valid_lft forever");
    listener.drain();

    monitor.handle("Deleted 3: wan1@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default"
        + " \\    link/ether 16:a6:d9:9c:4f:98 brd ff:ff:ff:ff:ff:ff");

    assertThat(listener.drain()).containsExactly("wan1 -192.168.1.11", "wan1 not usable");
  }

  @Test
  void handle_renamed_reportsTheOldNameNotUsable() {
    monitor.handle(UP);
    listener.drain();

    monitor.handle(UP.replace("wan1@if2", "uplink1@if2"));

    assertThat(listener.drain()).containsExactly("wan1 not usable", "uplink1 usable");
  }

  @Test
  void handle_nameWithAtSign_keepsTheWholeName() {
    monitor.handle("4: a@b@if9: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP");
    monitor.handle("5: c@d: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP");

    // Without a peer suffix the last '@' is ambiguous; at run time the index known from the full
    // read at start (ip -json) settles it.
    assertThat(listener.drain()).containsExactly("a@b usable", "c usable");
  }

  @Test
  void handle_listenerThrows_keepsReporting() {
    List<String> calls = new java.util.ArrayList<>();
    LinkMonitor failing = new LinkMonitor(new CommandRunner(), (name, usable) -> {
      calls.add(name + " " + usable);
      throw new IllegalStateException("listener bug");
    });

    failing.handle(UP);
    failing.handle(NO_CARRIER);

    assertThat(calls).containsExactly("wan1 true", "wan1 false");
  }

  @Test
  void constructor_maxBackoffBelowMin_isRejected() {
    assertThatThrownBy(() -> new LinkMonitor(new CommandRunner(), listener, Duration.ofSeconds(2),
        Duration.ofSeconds(1), Thread::new))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBackoff must be >= minBackoff (PT2S), was PT1S");
  }

  @Test
  void start_ipMissing_throwsAndLeavesNothingRunning() {
    LinkMonitor monitor = new LinkMonitor(new CommandRunner(List.of("/nonexistent/failover-test"),
        CommandRunner.DEFAULT_TIMEOUT), listener);

    assertThatThrownBy(monitor::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot start the link monitor: could not start");
    assertThat(monitor.threadAlive()).isFalse();
  }
}
