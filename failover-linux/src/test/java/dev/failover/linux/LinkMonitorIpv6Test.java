package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.net.InetAddresses;
import dev.failover.api.Ipv4;
import dev.failover.linux.netlink.AddressFamily;
import dev.failover.linux.netlink.AddressMessage;
import dev.failover.linux.netlink.LinkMessage;
import dev.failover.linux.netlink.NetlinkEvents;
import dev.failover.linux.netlink.NetlinkEvents.Snapshot;
import dev.failover.linux.netlink.NetlinkEvents.SyncReason;
import dev.failover.linux.netlink.NetlinkException;
import dev.failover.linux.netlink.RouteMessage;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a monitor following default routes turns the kernel's IPv6 address and route messages into
 * views: a change of what an uplink learns from is reported once, a refresh that changes nothing (a
 * router advertisement's new lifetimes and expiry, a link-local address) is not. The kernel's
 * routes for a re-read come from a fake.
 */
class LinkMonitorIpv6Test {
  private static final int OWN = 201;
  private static final int RA = 9;
  private static final int INDEX = 3;
  private static final int USABLE =
      LinkMessage.IFF_UP | LinkMessage.IFF_RUNNING | LinkMessage.IFF_LOWER_UP;
  private static final LinkMessage WAN1_UP = new LinkMessage(0, INDEX, USABLE, "wan1", 6);
  private static final LinkMessage WAN1_ADMIN_DOWN = new LinkMessage(0, INDEX, 0, "wan1", 2);
  private static final int PERMANENT = 0x80;

  private final List<InterfaceView> views = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();

  /** The kernel's main table as the fake reader shows it. */
  private final List<RouteMessage> kernelRoutes = new ArrayList<>();

  private final List<String> reads = new ArrayList<>();
  private boolean readFails;

  private final LinkListener listener =
      new LinkListener() {
        @Override
        public void onLinkChanged(String interfaceName, boolean usable) {
          calls.add(interfaceName + (usable ? " usable" : " not usable"));
        }

        @Override
        public void onAddressChanged(String interfaceName, Inet4Address address, boolean present) {
          calls.add(interfaceName + (present ? " +" : " -") + address.getHostAddress());
        }

        @Override
        public void onInterfaceChanged(InterfaceView view) {
          views.add(view);
        }
      };

  private final NetlinkEvents.Listener events =
      new LinkMonitor(
              listener,
              Thread::new,
              NetlinkEvents.DEFAULT_RECEIVE_BUFFER_BYTES,
              OWN,
              (family, index) -> {
                reads.add(family + " #" + index);
                if (readFails) {
                  throw new NetlinkException("refused for the test");
                }
                return kernelRoutes.stream()
                    .filter(r -> r.family() == family && r.outputInterface() == index)
                    .toList();
              })
          .events();

  private static AddressMessage ipv6(String address, int scope, int flags) {
    return new AddressMessage(
        AddressFamily.INET6, 64, flags, scope, INDEX, null, InetAddresses.forString(address));
  }

  private static RouteMessage ipv6Default(String gateway, int protocol, long metric) {
    return RouteMessage.unicast(AddressFamily.INET6, 254, protocol, null, 0)
        .withNextHop(InetAddresses.forString(gateway), INDEX)
        .withMetric(metric);
  }

  private static final AddressMessage GLOBAL = ipv6("2001:db8:1::2", 0, PERMANENT);
  private static final RouteMessage RA_ROUTE = ipv6Default("fe80::1", RA, 1024);

  private void start(List<AddressMessage> addresses, List<RouteMessage> routes) {
    kernelRoutes.addAll(routes);
    events.onSync(new Snapshot(List.of(WAN1_UP), addresses, routes), SyncReason.START);
  }

  /** The views reported since the last call. */
  private List<InterfaceView> reported() {
    List<InterfaceView> drained = List.copyOf(views);
    views.clear();
    return drained;
  }

  private void kernelAdds(RouteMessage route) {
    kernelRoutes.add(route);
    events.onRoute(route, false);
  }

  private void kernelDeletes(RouteMessage route) {
    kernelRoutes.remove(route);
    events.onRoute(route, true);
  }

  @Test
  void onSync_globalAddressAndForeignDefaultRoute_inTheViewOwnRouteAndLinkLocalLeftOut() {
    start(
        List.of(GLOBAL, ipv6("fe80::2", 253, PERMANENT)),
        List.of(RA_ROUTE, ipv6Default("fe80::9", OWN, 100)));

    InterfaceView view = reported().get(0);
    assertThat(view.ipv6Addresses()).containsExactly(ipv6("2001:db8:1::2", 0, 0));
    assertThat(view.ipv6DefaultRoutes()).containsExactly(RA_ROUTE);
    assertThat(view.addresses()).isEmpty();
  }

  @Test
  void onAddress_globalAdded_reportedOnceThoughTheKernelRepeatsIt() {
    start(List.of(), List.of());
    reported();

    events.onAddress(GLOBAL, false);
    // A router advertisement refreshes the lifetimes: the same address again, nothing new.
    events.onAddress(GLOBAL, false);

    assertThat(reported())
        .singleElement()
        .extracting(InterfaceView::ipv6Addresses)
        .isEqualTo(List.of(ipv6("2001:db8:1::2", 0, 0)));
  }

  @Test
  void onAddress_flagNothingReadChanges_notReported() {
    start(List.of(GLOBAL), List.of());
    reported();

    events.onAddress(ipv6("2001:db8:1::2", 0, PERMANENT | 0x100), false);

    assertThat(reported()).isEmpty();
  }

  @Test
  void onAddress_linkLocalAddedThenDuplicateAddressDetectionDone_notReported() {
    start(List.of(GLOBAL), List.of(RA_ROUTE));
    reported();

    events.onAddress(ipv6("fe80::2", 253, InterfaceView.IFA_F_TENTATIVE), false);
    events.onAddress(ipv6("fe80::2", 253, PERMANENT), false);

    assertThat(reported()).isEmpty();
  }

  @Test
  void onAddress_becameDeprecatedThenRemoved_eachReported() {
    start(List.of(GLOBAL), List.of());
    reported();

    events.onAddress(ipv6("2001:db8:1::2", 0, InterfaceView.IFA_F_DEPRECATED), false);
    events.onAddress(GLOBAL, true);

    assertThat(reported())
        .extracting(InterfaceView::ipv6Addresses)
        .containsExactly(
            List.of(ipv6("2001:db8:1::2", 0, InterfaceView.IFA_F_DEPRECATED)), List.of());
  }

  @Test
  void onAddress_newAddress_listedFirstAsTheKernelDoes() {
    start(List.of(GLOBAL), List.of());
    reported();

    AddressMessage newer = ipv6("2001:db8:2::2", 0, 0);
    events.onAddress(newer, false);

    assertThat(reported().get(0).ipv6Addresses())
        .containsExactly(newer, ipv6("2001:db8:1::2", 0, 0));
  }

  @Test
  void onRoute_defaultAddedAgainThenDeleted_reportedOnAddAndDeleteOnly() {
    start(List.of(GLOBAL), List.of());
    reported();

    kernelAdds(RA_ROUTE);
    // "ip -6 route replace" of the same route with a new expiry: the same message again.
    events.onRoute(RA_ROUTE, false);
    kernelDeletes(RA_ROUTE);

    assertThat(reported())
        .extracting(InterfaceView::ipv6DefaultRoutes)
        .containsExactly(List.of(RA_ROUTE), List.of());
  }

  /** "ip -6 route replace" with another gateway says nothing of the route it replaced. */
  @Test
  void onRoute_replacedByAnotherGatewayAtTheSameMetric_viewShowsTheNewOneOnly() {
    start(List.of(GLOBAL), List.of(RA_ROUTE));
    reported();

    RouteMessage replacement = ipv6Default("fe80::2", RA, 1024);
    kernelRoutes.remove(RA_ROUTE);
    kernelAdds(replacement);

    assertThat(reported())
        .singleElement()
        .extracting(InterfaceView::ipv6DefaultRoutes)
        .isEqualTo(List.of(replacement));
    assertThat(reads).containsExactly("INET6 #3");
  }

  @Test
  void onRoute_twoRoutersAtTheSameMetric_bothInTheView() {
    start(List.of(GLOBAL), List.of(RA_ROUTE));
    reported();

    RouteMessage second = ipv6Default("fe80::2", RA, 1024);
    kernelAdds(second);

    assertThat(reported().get(0).ipv6DefaultRoutes()).containsExactly(RA_ROUTE, second);
  }

  @Test
  void onRoute_rereadFails_theMessageItselfIsApplied() {
    start(List.of(GLOBAL), List.of());
    reported();
    readFails = true;

    events.onRoute(RA_ROUTE, false);
    events.onRoute(RA_ROUTE, true);

    assertThat(reported())
        .extracting(InterfaceView::ipv6DefaultRoutes)
        .containsExactly(List.of(RA_ROUTE), List.of());
  }

  @Test
  void onRoute_linkdownSetOnTheRoute_notReported() {
    start(List.of(GLOBAL), List.of(RA_ROUTE));
    reported();

    RouteMessage linkdown = RA_ROUTE.withFlags(RouteMessage.FLAG_LINKDOWN);
    kernelRoutes.set(0, linkdown);
    events.onRoute(linkdown, false);

    assertThat(reported()).isEmpty();
  }

  @Test
  void onRoute_ownOrNotDefaultOrOtherTable_neitherReadNorReported() {
    start(List.of(GLOBAL), List.of());
    reported();

    events.onRoute(ipv6Default("fe80::9", OWN, 100), false);
    events.onRoute(
        RouteMessage.unicast(
                AddressFamily.INET6, 254, RA, InetAddresses.forString("2001:db8:1::"), 64)
            .withNextHop(null, INDEX),
        false);
    events.onRoute(
        RouteMessage.unicast(AddressFamily.INET6, 100, RA, null, 0)
            .withNextHop(InetAddresses.forString("fe80::1"), INDEX),
        false);

    assertThat(reads).isEmpty();
    assertThat(reported()).isEmpty();
  }

  /** The kernel deletes the routes through an interface set down; the view follows. */
  @Test
  void onLink_adminDown_readsBothFamiliesAgain() {
    start(List.of(GLOBAL), List.of(RA_ROUTE));
    reported();

    kernelRoutes.clear();
    events.onLink(WAN1_ADMIN_DOWN, false);

    assertThat(reads).containsExactly("INET #3", "INET6 #3");
    InterfaceView view = reported().get(0);
    assertThat(view.usable()).isFalse();
    assertThat(view.ipv6DefaultRoutes()).isEmpty();
  }

  @Test
  void onLink_deleted_viewMissing() {
    start(List.of(GLOBAL), List.of(RA_ROUTE));
    reported();

    events.onLink(WAN1_ADMIN_DOWN, true);

    assertThat(reported()).containsExactly(InterfaceView.missing("wan1"));
  }

  @Test
  void ipv4_stillAsBefore_addressCallAndViewWithoutIpv6Change() {
    start(List.of(GLOBAL), List.of(RA_ROUTE));
    reported();
    calls.clear();

    Inet4Address ipv4 = Ipv4.parse("192.168.1.11");
    events.onAddress(new AddressMessage(AddressFamily.INET, 24, 0, 0, INDEX, ipv4, ipv4), false);

    assertThat(calls).containsExactly("wan1 +192.168.1.11");
    InterfaceView view = reported().get(0);
    assertThat(view.addresses()).extracting(AddressMessage::interfaceAddress).containsExactly(ipv4);
    assertThat(view.ipv6DefaultRoutes()).containsExactly(RA_ROUTE);
  }

  /** Built from notifications or read again after an overrun, the same state is the same view. */
  @Test
  void onSync_afterOverrunSameState_noView() {
    start(List.of(GLOBAL), List.of());
    AddressMessage newer = ipv6("2001:db8:2::2", 0, 0);
    events.onAddress(newer, false);
    kernelAdds(RA_ROUTE);
    reported();

    events.onSync(
        new Snapshot(List.of(WAN1_UP), List.of(newer, GLOBAL), List.of(RA_ROUTE)),
        SyncReason.OVERRUN);

    assertThat(reported()).isEmpty();
  }

  @Test
  void onSync_afterOverrunRouteGone_viewWithoutIt() {
    start(List.of(GLOBAL), List.of(RA_ROUTE));
    reported();

    events.onSync(new Snapshot(List.of(WAN1_UP), List.of(GLOBAL), List.of()), SyncReason.OVERRUN);

    assertThat(reported())
        .singleElement()
        .extracting(InterfaceView::ipv6DefaultRoutes)
        .isEqualTo(List.of());
  }

  /** A plain monitor does not follow IPv6 (it joins no IPv6 group): its views have none. */
  @Test
  void plainMonitor_ipv6Messages_notInTheViews() {
    NetlinkEvents.Listener plain = new LinkMonitor(listener).events();
    plain.onSync(new Snapshot(List.of(WAN1_UP), List.of(GLOBAL), List.of()), SyncReason.START);
    plain.onAddress(ipv6("2001:db8:2::2", 0, 0), false);
    plain.onRoute(RA_ROUTE, false);

    assertThat(reported())
        .singleElement()
        .extracting(InterfaceView::ipv6Addresses)
        .isEqualTo(List.of());
  }
}
