package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import dev.failover.linux.netlink.AddressFamily;
import dev.failover.linux.netlink.AddressMessage;
import dev.failover.linux.netlink.LinkMessage;
import dev.failover.linux.netlink.RouteMessage;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** What the IPv6 side of an uplink learns from its interface's view; pure, so no kernel needed. */
class Ipv6UplinkResolverTest {
  private static final int OWN = 201;
  private static final int RA = 9;
  private static final int STATIC = 4;
  private static final int INDEX = 7;
  private static final int UP =
      LinkMessage.IFF_UP | LinkMessage.IFF_RUNNING | LinkMessage.IFF_LOWER_UP;
  private static final int TEMPORARY = InterfaceView.IFA_F_TEMPORARY;
  private static final int DEPRECATED = InterfaceView.IFA_F_DEPRECATED;
  private static final int TENTATIVE = InterfaceView.IFA_F_TENTATIVE;
  private static final int PERMANENT = 0x80;

  private static final Ipv6UplinkConfig LEARNED = Ipv6UplinkConfig.learned("wan1");

  private final Ipv6UplinkResolver resolver = new Ipv6UplinkResolver(OWN);
  private final List<String> notes = new ArrayList<>();

  private static Inet6Address ip(String text) {
    return (Inet6Address) InetAddresses.forString(text);
  }

  private static AddressMessage address(String address, int prefix, int flags) {
    return new AddressMessage(AddressFamily.INET6, prefix, flags, 0, INDEX, null, ip(address));
  }

  private static AddressMessage peer(String local, String peer) {
    return new AddressMessage(AddressFamily.INET6, 128, 0, 0, INDEX, ip(local), ip(peer));
  }

  private static RouteMessage defaultVia(@Nullable String gateway, int protocol, long metric) {
    return RouteMessage.unicast(AddressFamily.INET6, 254, protocol, null, 0)
        .withNextHop(gateway == null ? null : ip(gateway), INDEX)
        .withMetric(metric);
  }

  private static InterfaceView view(
      int flags, List<AddressMessage> addresses, List<RouteMessage> routes) {
    return new InterfaceView(
        "wan1",
        new LinkMessage(0, INDEX, flags, "wan1", 6),
        List.of(),
        List.of(),
        addresses,
        routes);
  }

  private static InterfaceView view(List<AddressMessage> addresses, List<RouteMessage> routes) {
    return view(UP, addresses, routes);
  }

  private Ipv6UplinkResolution resolve(Ipv6UplinkConfig configured, InterfaceView view) {
    return resolver.resolve(configured, view, null, notes);
  }

  private Ipv6Uplink resolved(Ipv6UplinkConfig configured, InterfaceView view) {
    Ipv6UplinkResolution resolution = resolve(configured, view);
    assertThat(resolution.reason()).isEmpty();
    return resolution.uplink();
  }

  @Test
  void resolve_slaacAddressAndRouterAdvertisement_learnsAddressPrefixAndLinkLocalGateway() {
    Ipv6Uplink uplink =
        resolved(
            LEARNED,
            view(
                List.of(address("2001:db8:1::2", 64, 0)),
                List.of(defaultVia("fe80::1", RA, 1024))));

    assertThat(uplink)
        .isEqualTo(new Ipv6Uplink("wan1", ip("2001:db8:1::2"), 64, ip("fe80::1"), false));
    assertThat(uplink).hasToString("2001:db8:1::2/64 via fe80::1 dev wan1");
    assertThat(notes).isEmpty();
  }

  @Test
  void resolve_everyValueConfigured_isTheConfigurationWhateverTheInterface() {
    Ipv6UplinkConfig fixed =
        new Ipv6UplinkConfig("wan1", ip("2001:db8:9::2"), 48, ip("2001:db8:9::1"));

    assertThat(resolve(fixed, InterfaceView.missing("wan1")).uplink())
        .isEqualTo(new Ipv6Uplink("wan1", ip("2001:db8:9::2"), 48, ip("2001:db8:9::1"), false));
  }

  @Test
  void resolve_interfaceMissing_unconfigured() {
    assertThat(resolve(LEARNED, InterfaceView.missing("wan1")).reason())
        .isEqualTo("interface missing: no interface is named wan1");
  }

  @Test
  void resolve_noGlobalAddressYet_unconfigured() {
    InterfaceView onlyLinkLocal =
        view(
            List.of(
                new AddressMessage(AddressFamily.INET6, 64, 0, 253, INDEX, null, ip("fe80::2"))),
            List.of(defaultVia("fe80::1", RA, 1024)));

    assertThat(resolve(LEARNED, onlyLinkLocal).reason())
        .isEqualTo("no global IPv6 address yet on interface wan1");
  }

  @Test
  void resolve_onlyTentativeAddress_unconfiguredUntilDuplicateAddressDetectionEnds() {
    assertThat(
            resolve(
                    LEARNED,
                    view(
                        List.of(address("2001:db8:1::2", 64, TENTATIVE)),
                        List.of(defaultVia("fe80::1", RA, 1024))))
                .reason())
        .isEqualTo(
            "no usable global IPv6 address on interface wan1 yet: 2001:db8:1::2/64 is tentative"
                + " (duplicate address detection is running)");
  }

  @Test
  void resolve_optimisticAddress_isUsedThoughTentative() {
    int optimistic = TENTATIVE | InterfaceView.IFA_F_OPTIMISTIC;

    assertThat(
            resolved(
                    LEARNED,
                    view(
                        List.of(address("2001:db8:1::2", 64, optimistic)),
                        List.of(defaultVia("fe80::1", RA, 1024))))
                .address())
        .isEqualTo(ip("2001:db8:1::2"));
  }

  @Test
  void resolve_dadFailedAddress_isNeverUsed() {
    InterfaceView view =
        view(
            List.of(
                address("2001:db8:1::2", 64, InterfaceView.IFA_F_DADFAILED | TENTATIVE),
                address("2001:db8:1::3", 64, 0)),
            List.of(defaultVia("fe80::1", RA, 1024)));

    assertThat(resolved(LEARNED, view).address()).isEqualTo(ip("2001:db8:1::3"));
  }

  @Test
  void resolve_stableAndTemporary_prefersTheStableOneWhateverTheOrder() {
    InterfaceView view =
        view(
            List.of(address("2001:db8:1::aaaa", 64, TEMPORARY), address("2001:db8:1::2", 64, 0)),
            List.of(defaultVia("fe80::1", RA, 1024)));

    assertThat(resolved(LEARNED, view).address()).isEqualTo(ip("2001:db8:1::2"));
    assertThat(notes).isEmpty();
  }

  @Test
  void resolve_onlyTemporary_isUsed() {
    InterfaceView view =
        view(
            List.of(address("2001:db8:1::aaaa", 64, TEMPORARY)),
            List.of(defaultVia("fe80::1", RA, 1024)));

    assertThat(resolved(LEARNED, view).address()).isEqualTo(ip("2001:db8:1::aaaa"));
  }

  @Test
  void resolve_deprecatedAndPreferred_prefersThePreferredOneEvenIfTemporary() {
    InterfaceView view =
        view(
            List.of(
                address("2001:db8:1::2", 64, DEPRECATED),
                address("2001:db8:2::bbbb", 64, TEMPORARY)),
            List.of(defaultVia("fe80::1", RA, 1024)));

    assertThat(resolved(LEARNED, view).address()).isEqualTo(ip("2001:db8:2::bbbb"));
  }

  @Test
  void resolve_onlyDeprecated_isUsedAndNoted() {
    InterfaceView view =
        view(
            List.of(address("2001:db8:1::2", 64, DEPRECATED)),
            List.of(defaultVia("fe80::1", RA, 1024)));

    assertThat(resolved(LEARNED, view).address()).isEqualTo(ip("2001:db8:1::2"));
    assertThat(notes).singleElement().asString().contains("deprecated");
  }

  @Test
  void resolve_uniqueLocalAndGlobal_prefersTheGlobalOne() {
    InterfaceView view =
        view(
            List.of(address("fd00:1::2", 64, 0), address("2001:db8:1::2", 64, 0)),
            List.of(defaultVia("fe80::1", RA, 1024)));

    assertThat(resolved(LEARNED, view).address()).isEqualTo(ip("2001:db8:1::2"));
  }

  /** The kernel lists the newest global address first; among equals, that is the one taken. */
  @Test
  void resolve_twoEqualAddresses_takesTheFirstTheKernelListsAndNotesIt() {
    InterfaceView view =
        view(
            List.of(address("2001:db8:2::2", 64, 0), address("2001:db8:1::2", 64, PERMANENT)),
            List.of(defaultVia("fe80::1", RA, 1024)));

    assertThat(resolved(LEARNED, view).address()).isEqualTo(ip("2001:db8:2::2"));
    assertThat(notes)
        .containsExactly(
            "interface wan1 has 2 equally good global IPv6 addresses (2001:db8:2::2/64,"
                + " 2001:db8:1::2/64); the first the kernel lists, 2001:db8:2::2/64, is used");
  }

  /** A new address (listed first) does not move the uplink's source away from a good one. */
  @Test
  void resolve_newEqualAddressAppears_keepsThePreviousAddress() {
    List<RouteMessage> ra = List.of(defaultVia("fe80::1", RA, 1024));
    Ipv6UplinkResolution first =
        resolver.resolve(LEARNED, view(List.of(address("2001:db8:1::2", 64, 0)), ra), null, notes);

    Ipv6UplinkResolution second =
        resolver.resolve(
            LEARNED,
            view(List.of(address("2001:db8:2::2", 64, 0), address("2001:db8:1::2", 64, 0)), ra),
            first,
            notes);

    assertThat(second.uplink().address()).isEqualTo(ip("2001:db8:1::2"));
  }

  /**
   * ... but a better one does: a stable address replaces the temporary one taken for lack of it.
   */
  @Test
  void resolve_stableAddressAppearsAfterTemporary_movesToTheStableOne() {
    List<RouteMessage> ra = List.of(defaultVia("fe80::1", RA, 1024));
    Ipv6UplinkResolution first =
        resolver.resolve(
            LEARNED, view(List.of(address("2001:db8:1::aaaa", 64, TEMPORARY)), ra), null, notes);

    Ipv6UplinkResolution second =
        resolver.resolve(
            LEARNED,
            view(
                List.of(
                    address("2001:db8:1::2", 64, 0), address("2001:db8:1::aaaa", 64, TEMPORARY)),
                ra),
            first,
            notes);

    assertThat(second.uplink().address()).isEqualTo(ip("2001:db8:1::2"));
  }

  @Test
  void resolve_severalDefaultRoutes_lowestForeignMetricWins() {
    InterfaceView view =
        view(
            List.of(address("2001:db8:1::2", 64, 0)),
            List.of(
                defaultVia("fe80::2", RA, 1024),
                defaultVia("fe80::3", STATIC, 512),
                defaultVia("fe80::99", OWN, 100)));

    assertThat(resolved(LEARNED, view).gateway()).as("not ours, lowest").isEqualTo(ip("fe80::3"));
  }

  @Test
  void resolve_twoRoutersAtTheSameMetric_takesTheFirstAndNotesIt() {
    InterfaceView view =
        view(
            List.of(address("2001:db8:1::2", 64, 0)),
            List.of(defaultVia("fe80::1", RA, 1024), defaultVia("fe80::2", RA, 1024)));

    assertThat(resolved(LEARNED, view).gateway()).isEqualTo(ip("fe80::1"));
    assertThat(notes)
        .containsExactly(
            "interface wan1 has 2 IPv6 default routes at metric 1024; the first the kernel lists,"
                + " default via fe80::1 dev wan1 table 254 proto 9 metric 1024, is used");
  }

  @Test
  void resolve_noDefaultRoute_noGatewayLearned() {
    assertThat(resolve(LEARNED, view(List.of(address("2001:db8:1::2", 64, 0)), List.of())).reason())
        .isEqualTo(
            "no IPv6 gateway learned: no IPv6 default route through wan1 yet (no router"
                + " advertisement seen)");
  }

  @Test
  void resolve_onlyOwnDefaultRoute_noGatewayLearned() {
    InterfaceView view =
        view(List.of(address("2001:db8:1::2", 64, 0)), List.of(defaultVia("fe80::1", OWN, 100)));

    assertThat(resolve(LEARNED, view).reason()).startsWith("no IPv6 gateway learned");
  }

  /**
   * Failover may demote or remove the route it learned from: the gateway stays with the address.
   */
  @Test
  void resolve_routeGoneSameAddress_keepsTheLearnedGateway() {
    AddressMessage address = address("2001:db8:1::2", 64, 0);
    Ipv6UplinkResolution first =
        resolver.resolve(
            LEARNED, view(List.of(address), List.of(defaultVia("fe80::1", RA, 1024))), null, notes);

    Ipv6UplinkResolution second =
        resolver.resolve(LEARNED, view(List.of(address), List.of()), first, notes);

    assertThat(second).isEqualTo(first);
  }

  @Test
  void resolve_routeGoneNewAddress_noGatewayLearned() {
    Ipv6UplinkResolution first =
        resolver.resolve(
            LEARNED,
            view(
                List.of(address("2001:db8:1::2", 64, 0)), List.of(defaultVia("fe80::1", RA, 1024))),
            null,
            notes);

    Ipv6UplinkResolution second =
        resolver.resolve(
            LEARNED, view(List.of(address("2001:db8:7::2", 64, 0)), List.of()), first, notes);

    assertThat(second.reason()).startsWith("no IPv6 gateway learned");
  }

  @Test
  void resolve_configuredAddressOnTheInterface_winsOverTheKernelsChoice() {
    Ipv6UplinkConfig configured = new Ipv6UplinkConfig("wan1", ip("2001:db8:1::9"), null, null);
    InterfaceView view =
        view(
            List.of(address("2001:db8:1::2", 64, 0), address("2001:db8:1::9", 64, TEMPORARY)),
            List.of(defaultVia("fe80::1", RA, 1024)));

    assertThat(resolved(configured, view))
        .isEqualTo(new Ipv6Uplink("wan1", ip("2001:db8:1::9"), 64, ip("fe80::1"), false));
  }

  @Test
  void resolve_configuredAddressMissingFromTheInterface_unconfigured() {
    Ipv6UplinkConfig configured = new Ipv6UplinkConfig("wan1", ip("2001:db8:1::9"), null, null);

    assertThat(
            resolve(
                    configured,
                    view(
                        List.of(address("2001:db8:1::2", 64, 0)),
                        List.of(defaultVia("fe80::1", RA, 1024))))
                .reason())
        .isEqualTo("configured ipv6_address 2001:db8:1::9 is not on interface wan1");
  }

  @Test
  void resolve_configuredAddressFailedDuplicateAddressDetection_unconfigured() {
    Ipv6UplinkConfig configured = new Ipv6UplinkConfig("wan1", ip("2001:db8:1::9"), null, null);
    InterfaceView view =
        view(
            List.of(address("2001:db8:1::9", 64, InterfaceView.IFA_F_DADFAILED | TENTATIVE)),
            List.of(defaultVia("fe80::1", RA, 1024)));

    assertThat(resolve(configured, view).reason())
        .isEqualTo(
            "configured ipv6_address 2001:db8:1::9 failed duplicate address detection (another"
                + " node has it) on interface wan1");
  }

  @Test
  void resolve_configuredGatewayAndPrefix_winOverTheLearnedOnes() {
    Ipv6UplinkConfig configured = new Ipv6UplinkConfig("wan1", null, 56, ip("fe80::fe"));
    InterfaceView view =
        view(List.of(address("2001:db8:1::2", 64, 0)), List.of(defaultVia("fe80::1", RA, 1024)));

    assertThat(resolved(configured, view))
        .isEqualTo(new Ipv6Uplink("wan1", ip("2001:db8:1::2"), 56, ip("fe80::fe"), false));
  }

  @Test
  void resolve_pointToPointLinkWithoutDefaultRoute_routesThroughTheDevice() {
    InterfaceView view =
        view(
            UP | InterfaceView.IFF_POINTOPOINT,
            List.of(address("2001:db8:1::2", 64, 0)),
            List.of());

    assertThat(resolved(LEARNED, view))
        .isEqualTo(new Ipv6Uplink("wan1", ip("2001:db8:1::2"), 64, null, true));
  }

  /** PPP learns its IPv6 router from the peer's advertisement: a gateway it names is used. */
  @Test
  void resolve_pointToPointLinkWithRouterAdvertisement_usesItsGateway() {
    InterfaceView view =
        view(
            UP | InterfaceView.IFF_POINTOPOINT,
            List.of(address("2001:db8:1::2", 64, 0)),
            List.of(defaultVia("fe80::aa", RA, 1024)));

    assertThat(resolved(LEARNED, view).gateway()).isEqualTo(ip("fe80::aa"));
  }

  @Test
  void resolve_peerAddress_pointToPointWithPrefix128() {
    InterfaceView view = view(List.of(peer("2001:db8:1::2", "2001:db8:1::1")), List.of());

    assertThat(resolved(LEARNED, view))
        .isEqualTo(new Ipv6Uplink("wan1", ip("2001:db8:1::2"), 128, null, true));
  }

  @Test
  void resolve_defaultRouteWithoutGateway_routesThroughTheDevice() {
    InterfaceView view =
        view(List.of(address("2001:db8:1::2", 64, 0)), List.of(defaultVia(null, STATIC, 1024)));

    assertThat(resolved(LEARNED, view).pointToPoint()).isTrue();
  }

  @Test
  void resolve_globalGatewayOutsideThePrefix_usedOnLinkAndNoted() {
    InterfaceView view =
        view(
            List.of(address("2001:db8:1::2", 64, 0)),
            List.of(defaultVia("2001:db8:ffff::1", STATIC, 1024)));

    assertThat(resolved(LEARNED, view).gateway()).isEqualTo(ip("2001:db8:ffff::1"));
    assertThat(notes).singleElement().asString().contains("used on-link");
  }

  @Test
  void resolve_gatewayIsTheOwnAddress_unconfigured() {
    InterfaceView view =
        view(
            List.of(address("2001:db8:1::2", 64, 0)),
            List.of(defaultVia("2001:db8:1::2", STATIC, 1024)));

    assertThat(resolve(LEARNED, view).reason())
        .isEqualTo("learned IPv6 gateway 2001:db8:1::2 is the uplink's own address");
  }

  @Test
  void resolve_multipathRouteOnly_noGatewayLearned() {
    RouteMessage multipath =
        new RouteMessage(
            AddressFamily.INET6, 0, 0, 254, RA, 0, 1, 0, null, null, 0, null, 1024, true, 0, false);
    InterfaceView view = view(List.of(address("2001:db8:1::2", 64, 0)), List.of(multipath));

    assertThat(resolve(LEARNED, view).reason()).startsWith("no IPv6 gateway learned");
  }

  @Test
  void config_linkLocalAddress_rejected() {
    assertThatThrownBy(() -> new Ipv6UplinkConfig("wan1", ip("fe80::2"), null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("address must be a global unicast IPv6 address, was fe80::2");
  }

  @Test
  void config_prefixLengthOutOfRange_rejected() {
    assertThatThrownBy(() -> new Ipv6UplinkConfig("wan1", null, 129, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("prefixLength must be 1 to 128, was 129");
  }

  @Test
  void config_multicastGateway_rejected() {
    assertThatThrownBy(() -> new Ipv6UplinkConfig("wan1", null, null, ip("ff02::2")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("gateway must be a unicast IPv6 address, was ff02::2");
  }

  @Test
  void resolution_unconfiguredWithoutReason_rejected() {
    assertThatThrownBy(() -> Ipv6UplinkResolution.unconfigured("wan1", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a reason");
  }
}
