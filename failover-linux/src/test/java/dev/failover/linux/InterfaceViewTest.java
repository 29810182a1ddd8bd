package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import dev.failover.api.Ipv4;
import dev.failover.linux.netlink.AddressFamily;
import dev.failover.linux.netlink.AddressMessage;
import dev.failover.linux.netlink.LinkMessage;
import dev.failover.linux.netlink.RouteMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a view keeps of an interface, and when two views count as the same. */
class InterfaceViewTest {
  private static final int INDEX = 3;
  private static final LinkMessage LINK =
      new LinkMessage(
          0,
          INDEX,
          LinkMessage.IFF_UP | LinkMessage.IFF_RUNNING | LinkMessage.IFF_LOWER_UP,
          "wan1",
          6);
  private static final AddressMessage IPV4 =
      new AddressMessage(
          AddressFamily.INET,
          24,
          0,
          0,
          INDEX,
          Ipv4.parse("192.168.1.11"),
          Ipv4.parse("192.168.1.11"));
  private static final RouteMessage IPV4_DEFAULT =
      RouteMessage.unicast(AddressFamily.INET, 254, 16, null, 0)
          .withNextHop(Ipv4.parse("192.168.1.1"), INDEX)
          .withFlags(RouteMessage.FLAG_LINKDOWN);
  private static final int PERMANENT = 0x80;
  private static final int MANAGETEMPADDR = 0x100;

  private static AddressMessage ipv6(String address, int scope, int flags) {
    return new AddressMessage(
        AddressFamily.INET6, 64, flags, scope, INDEX, null, InetAddresses.forString(address));
  }

  private static RouteMessage ipv6Default(String gateway, int flags) {
    return RouteMessage.unicast(AddressFamily.INET6, 254, 9, null, 0)
        .withNextHop(InetAddresses.forString(gateway), INDEX)
        .withMetric(1024)
        .withFlags(flags);
  }

  private static InterfaceView withIpv6(List<AddressMessage> addresses, List<RouteMessage> routes) {
    return new InterfaceView("wan1", LINK, List.of(IPV4), List.of(IPV4_DEFAULT), addresses, routes);
  }

  @Test
  void ipv4Constructor_keepsIpv4AsGivenAndHasNoIpv6() {
    InterfaceView view = new InterfaceView("wan1", LINK, List.of(IPV4), List.of(IPV4_DEFAULT));

    assertThat(view.addresses()).containsExactly(IPV4);
    assertThat(view.defaultRoutes())
        .as("IPv4 keeps linkdown, as before")
        .containsExactly(IPV4_DEFAULT);
    assertThat(view.ipv6Addresses()).isEmpty();
    assertThat(view.ipv6DefaultRoutes()).isEmpty();
    assertThat(view).isEqualTo(withIpv6(List.of(), List.of()));
  }

  @Test
  void ipv6Addresses_linkLocalAndHostScope_leftOut() {
    InterfaceView view =
        withIpv6(
            List.of(
                ipv6("fe80::2", 253, PERMANENT), ipv6("2001:db8::2", 0, 0), ipv6("::1", 254, 0)),
            List.of());

    assertThat(view.ipv6Addresses()).containsExactly(ipv6("2001:db8::2", 0, 0));
  }

  /**
   * A link-local address that finishes duplicate address detection changes no view: nothing is
   * learned from it.
   */
  @Test
  void equals_linkLocalAddressChanged_sameView() {
    AddressMessage global = ipv6("2001:db8::2", 0, 0);

    assertThat(
            withIpv6(
                List.of(global, ipv6("fe80::2", 253, InterfaceView.IFA_F_TENTATIVE)), List.of()))
        .isEqualTo(withIpv6(List.of(global, ipv6("fe80::2", 253, 0)), List.of()));
  }

  @Test
  void ipv6Addresses_flagsReducedToThoseTheResolverReads() {
    int read = InterfaceView.IFA_F_DEPRECATED | InterfaceView.IFA_F_TEMPORARY;
    InterfaceView view =
        withIpv6(List.of(ipv6("2001:db8::2", 0, read | PERMANENT | MANAGETEMPADDR)), List.of());

    assertThat(view.ipv6Addresses()).extracting(AddressMessage::flags).containsExactly(read);
  }

  @Test
  void equals_addressBecameDeprecated_differentView() {
    assertThat(withIpv6(List.of(ipv6("2001:db8::2", 0, InterfaceView.IFA_F_DEPRECATED)), List.of()))
        .isNotEqualTo(withIpv6(List.of(ipv6("2001:db8::2", 0, 0)), List.of()));
  }

  @Test
  void equals_tentativeAddressFinishedDuplicateAddressDetection_differentView() {
    assertThat(withIpv6(List.of(ipv6("2001:db8::2", 0, InterfaceView.IFA_F_TENTATIVE)), List.of()))
        .isNotEqualTo(withIpv6(List.of(ipv6("2001:db8::2", 0, 0)), List.of()));
  }

  @Test
  void ipv6DefaultRoutes_linkdownFlagLeftOut() {
    InterfaceView view =
        withIpv6(List.of(), List.of(ipv6Default("fe80::1", RouteMessage.FLAG_LINKDOWN)));

    assertThat(view).isEqualTo(withIpv6(List.of(), List.of(ipv6Default("fe80::1", 0))));
    assertThat(view.ipv6DefaultRoutes()).extracting(RouteMessage::flags).containsExactly(0);
  }

  @Test
  void equals_ipv6GatewayOrMetricChanged_differentView() {
    InterfaceView before = withIpv6(List.of(), List.of(ipv6Default("fe80::1", 0)));

    assertThat(withIpv6(List.of(), List.of(ipv6Default("fe80::2", 0)))).isNotEqualTo(before);
    assertThat(withIpv6(List.of(), List.of(ipv6Default("fe80::1", 0).withMetric(100))))
        .isNotEqualTo(before);
  }

  @Test
  void constructor_ipv4AddressAmongIpv6_rejected() {
    assertThatThrownBy(() -> withIpv6(List.of(IPV4), List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ipv6Addresses holds IPv4 address");
  }

  @Test
  void constructor_ipv6RouteThatIsNotDefault_rejected() {
    RouteMessage prefix =
        RouteMessage.unicast(
            AddressFamily.INET6, 254, 9, InetAddresses.forString("2001:db8::"), 64);

    assertThatThrownBy(() -> withIpv6(List.of(), List.of(prefix)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an IPv6 default route");
  }

  @Test
  void constructor_missingInterfaceWithIpv6Address_rejected() {
    assertThatThrownBy(
            () ->
                new InterfaceView(
                    "wan1",
                    null,
                    List.of(),
                    List.of(),
                    List.of(ipv6("2001:db8::2", 0, 0)),
                    List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a missing interface has no addresses or routes: wan1");
  }
}
