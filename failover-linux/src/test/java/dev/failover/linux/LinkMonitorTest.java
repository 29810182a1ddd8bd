package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.Ipv4;
import dev.failover.linux.netlink.AddressFamily;
import dev.failover.linux.netlink.AddressMessage;
import dev.failover.linux.netlink.LinkMessage;
import dev.failover.linux.netlink.NetlinkEvents;
import dev.failover.linux.netlink.NetlinkEvents.Snapshot;
import dev.failover.linux.netlink.NetlinkEvents.SyncReason;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the kernel's link and address messages (as {@link NetlinkEvents} hands them over) become
 * reports: only changes, in a sensible order, and every difference after a resync.
 */
class LinkMonitorTest {
  private static final int USABLE =
      LinkMessage.IFF_UP | LinkMessage.IFF_RUNNING | LinkMessage.IFF_LOWER_UP;
  private static final LinkMessage WAN1_UP = new LinkMessage(0, 3, USABLE, "wan1", 6);
  private static final LinkMessage WAN1_NO_CARRIER =
      new LinkMessage(0, 3, LinkMessage.IFF_UP, "wan1", 3);
  private static final LinkMessage WAN1_ADMIN_DOWN = new LinkMessage(0, 3, 0, "wan1", 2);
  private static final AddressMessage WAN1_ADDRESS = address(3, "192.168.1.11");

  private final RecordingLinkListener listener = new RecordingLinkListener();
  private final NetlinkEvents.Listener events = new LinkMonitor(listener).events();

  private static AddressMessage address(int index, String address) {
    InetAddress ip = Ipv4.parse(address);
    return new AddressMessage(AddressFamily.INET, 24, 0, 0, index, ip, ip);
  }

  private static Snapshot snapshot(List<LinkMessage> links, List<AddressMessage> addresses) {
    return new Snapshot(links, addresses);
  }

  @Test
  void onSync_start_reportsEveryInterfaceThenItsAddresses() {
    events.onSync(
        snapshot(
            List.of(
                new LinkMessage(0, 1, USABLE, "lo", 0),
                WAN1_UP,
                new LinkMessage(0, 4, 0, "wan2", 2)),
            List.of(WAN1_ADDRESS)),
        SyncReason.START);

    assertThat(listener.drain())
        .containsExactly("lo usable", "wan1 usable", "wan1 +192.168.1.11", "wan2 not usable");
  }

  @Test
  void onLink_upThenCarrierLostThenAdminDown_reportsOnlyChanges() {
    events.onSync(snapshot(List.of(), List.of()), SyncReason.START);
    events.onLink(WAN1_UP, false);
    events.onLink(WAN1_UP, false); // the kernel repeats link messages for many reasons
    events.onLink(WAN1_NO_CARRIER, false);
    events.onLink(WAN1_ADMIN_DOWN, false);
    events.onLink(WAN1_UP, false);

    assertThat(listener.drain()).containsExactly("wan1 usable", "wan1 not usable", "wan1 usable");
  }

  @Test
  void onLink_stateUnknownWithCarrier_isUsable() {
    events.onLink(new LinkMessage(0, 7, USABLE, "ppp0", LinkMessage.OPER_UNKNOWN), false);

    assertThat(listener.drain()).containsExactly("ppp0 usable");
  }

  @Test
  void onAddress_addedTwiceThenDeleted_reportsEachChangeOnce() {
    events.onLink(WAN1_UP, false);
    events.onAddress(WAN1_ADDRESS, false);
    events.onAddress(WAN1_ADDRESS, false);
    events.onAddress(WAN1_ADDRESS, true);

    assertThat(listener.drain())
        .containsExactly("wan1 usable", "wan1 +192.168.1.11", "wan1 -192.168.1.11");
  }

  @Test
  void onAddress_ipv6_isIgnored() throws Exception {
    events.onLink(WAN1_UP, false);
    listener.drain();

    InetAddress ipv6 = InetAddress.getByName("fe80::1");
    events.onAddress(new AddressMessage(AddressFamily.INET6, 64, 0, 253, 3, null, ipv6), false);

    assertThat(listener.drain()).isEmpty();
  }

  @Test
  void onLink_deleted_reportsItsAddressesGoneThenTheLinkNotUsable() {
    events.onLink(WAN1_UP, false);
    events.onAddress(WAN1_ADDRESS, false);
    listener.drain();

    events.onLink(WAN1_ADMIN_DOWN, true);

    assertThat(listener.drain()).containsExactly("wan1 -192.168.1.11", "wan1 not usable");
  }

  @Test
  void onLink_renamed_reportsTheOldNameGoneAndTheNewOneWithItsAddresses() {
    events.onLink(WAN1_UP, false);
    events.onAddress(WAN1_ADDRESS, false);
    listener.drain();

    events.onLink(new LinkMessage(0, 3, USABLE, "uplink1", 6), false);

    assertThat(listener.drain())
        .containsExactly(
            "wan1 -192.168.1.11", "wan1 not usable", "uplink1 usable", "uplink1 +192.168.1.11");
  }

  /**
   * A name that an {@code ip -o monitor} line would have cut: it is taken as the kernel gives it.
   */
  @Test
  void onLink_nameWithAtSignAndHash_keepsTheWholeName() {
    events.onLink(new LinkMessage(0, 4, USABLE, "a@b#1", 6), false);

    assertThat(listener.drain()).containsExactly("a@b#1 usable");
  }

  /** A message about the interface's bridge port (family AF_BRIDGE) says nothing about the link. */
  @Test
  void onLink_bridgePortMessage_isIgnored() {
    events.onLink(WAN1_UP, false);
    listener.drain();

    events.onLink(new LinkMessage(7, 3, 0, "wan1", 2), true);

    assertThat(listener.drain()).isEmpty();
  }

  /**
   * After an overrun, the new snapshot's differences are reported, then that changes may have
   * been missed, and nothing else.
   */
  @Test
  void onSync_afterOverrun_reportsEveryDifference() {
    LinkMessage wan2 = new LinkMessage(0, 4, USABLE, "wan2", 6);
    events.onSync(
        snapshot(List.of(WAN1_UP, wan2), List.of(WAN1_ADDRESS, address(4, "10.0.0.2"))),
        SyncReason.START);
    listener.drain();

    events.onSync(
        snapshot(
            List.of(WAN1_NO_CARRIER, new LinkMessage(0, 9, USABLE, "wan3", 6)),
            List.of(address(9, "10.0.0.3"))),
        SyncReason.OVERRUN);

    assertThat(listener.drain())
        .containsExactly(
            "wan1 -192.168.1.11",
            "wan1 not usable",
            "wan3 usable",
            "wan3 +10.0.0.3",
            "wan2 -10.0.0.2",
            "wan2 not usable",
            "resynced");
  }

  @Test
  void listenerThrows_keepsReporting() {
    List<String> calls = new ArrayList<>();
    NetlinkEvents.Listener failing =
        new LinkMonitor(
                (name, usable) -> {
                  calls.add(name + " " + usable);
                  throw new IllegalStateException("listener bug");
                })
            .events();

    failing.onLink(WAN1_UP, false);
    failing.onLink(WAN1_NO_CARRIER, false);

    assertThat(calls).containsExactly("wan1 true", "wan1 false");
  }
}
