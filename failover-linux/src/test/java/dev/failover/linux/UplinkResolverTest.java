package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.Ipv4;
import dev.failover.api.Ipv4Network;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.linux.netlink.AddressFamily;
import dev.failover.linux.netlink.AddressMessage;
import dev.failover.linux.netlink.LinkMessage;
import dev.failover.linux.netlink.RouteMessage;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** What a provider learns from its interface's view; pure, so no kernel is needed. */
class UplinkResolverTest {
  private static final int OWN = 201;
  private static final int INDEX = 7;
  private static final int UP =
      LinkMessage.IFF_UP | LinkMessage.IFF_RUNNING | LinkMessage.IFF_LOWER_UP;

  private final UplinkResolver resolver = new UplinkResolver(OWN);
  private final List<String> notes = new ArrayList<>();

  private static final Provider DHCP = new Provider("lte", "wwan0", null, null, null, "lte", 103);

  private static LinkMessage link(int flags) {
    return new LinkMessage(0, INDEX, flags, "wwan0", 6);
  }

  private static AddressMessage address(String address, int prefix, int flags) {
    return new AddressMessage(
        AddressFamily.INET, prefix, flags, 0, INDEX, Ipv4.parse(address), Ipv4.parse(address));
  }

  private static AddressMessage peer(String local, String peer) {
    return new AddressMessage(
        AddressFamily.INET, 32, 0, 0, INDEX, Ipv4.parse(local), Ipv4.parse(peer));
  }

  private static RouteMessage defaultVia(@Nullable String gateway, int protocol, long metric) {
    return RouteMessage.unicast(AddressFamily.INET, 254, protocol, null, 0)
        .withNextHop(gateway == null ? null : Ipv4.parse(gateway), INDEX)
        .withMetric(metric);
  }

  private static InterfaceView view(
      int flags, List<AddressMessage> addresses, List<RouteMessage> routes) {
    return new InterfaceView("wwan0", link(flags), addresses, routes);
  }

  private ProviderResolution resolve(Provider configured, InterfaceView view) {
    return resolver.resolve(configured, view, null, notes);
  }

  @Test
  void resolve_everyValueConfigured_isTheConfigurationWhateverTheInterface() {
    Provider fixed =
        Provider.of("isp1", "eth1", "192.168.1.2", "192.168.1.0/24", "192.168.1.1", "isp1", 101);

    assertThat(resolve(fixed, InterfaceView.missing("eth1")))
        .isEqualTo(ProviderResolution.resolved(fixed));
  }

  @Test
  void resolve_interfaceMissing_unconfigured() {
    assertThat(resolve(DHCP, InterfaceView.missing("wwan0")).reason())
        .startsWith("interface missing");
  }

  @Test
  void resolve_noAddressYet_unconfigured() {
    assertThat(resolve(DHCP, view(UP, List.of(), List.of())).reason())
        .isEqualTo("no IPv4 address yet on interface wwan0");
  }

  @Test
  void resolve_addressButNoDefaultRoute_noGatewayLearned() {
    assertThat(resolve(DHCP, view(UP, List.of(address("10.64.1.20", 24, 0)), List.of())).reason())
        .startsWith("no gateway learned");
  }

  @Test
  void resolve_dhcpLease_learnsAddressNetworkAndTheLowestForeignGateway() {
    ProviderResolution resolution =
        resolve(
            DHCP,
            view(
                UP,
                List.of(address("10.64.1.20", 24, 0)),
                List.of(
                    defaultVia("10.64.1.254", 3, 200),
                    defaultVia("10.64.1.1", 3, 100),
                    defaultVia("10.64.1.99", OWN, 0))));

    Provider learned = resolution.provider();
    assertThat(learned.ipv4Address()).isEqualTo(Ipv4.parse("10.64.1.20"));
    assertThat(learned.network()).isEqualTo(Ipv4Network.parse("10.64.1.0/24"));
    assertThat(learned.gateway()).as("not ours, lowest metric").isEqualTo(Ipv4.parse("10.64.1.1"));
    assertThat(learned.rtTableId()).isEqualTo(103);
    assertThat(notes).isEmpty();
  }

  @Test
  void resolve_peerAddress_pointToPointWithoutGateway() {
    ProviderResolution resolution =
        resolve(DHCP, view(UP, List.of(peer("10.2.0.2", "10.2.0.1")), List.of()));

    assertThat(resolution.provider().gateway()).isNull();
    assertThat(resolution.provider().network()).isEqualTo(Ipv4Network.parse("10.2.0.2/32"));
  }

  @Test
  void resolve_pointToPointLinkFlag_noGatewayEvenWithoutPeer() {
    ProviderResolution resolution =
        resolve(
            DHCP,
            view(
                UP | InterfaceView.IFF_POINTOPOINT | InterfaceView.IFF_NOARP,
                List.of(address("100.64.0.5", 30, 0)),
                List.of()));

    assertThat(resolution.isResolved()).isTrue();
    assertThat(resolution.provider().gateway()).isNull();
  }

  @Test
  void resolve_deviceOnlyForeignDefault_isPointToPoint() {
    ProviderResolution resolution =
        resolve(
            DHCP, view(UP, List.of(address("100.64.0.5", 24, 0)), List.of(defaultVia(null, 4, 0))));

    assertThat(resolution.provider().gateway()).isNull();
  }

  @Test
  void resolve_severalPrimaryAddresses_firstUsedAndNoted_secondaryIgnored() {
    ProviderResolution resolution =
        resolve(
            DHCP,
            view(
                UP,
                List.of(
                    address("10.64.1.20", 24, 0),
                    address("10.64.1.21", 24, InterfaceView.IFA_F_SECONDARY),
                    address("172.16.5.2", 24, 0)),
                List.of(defaultVia("10.64.1.1", 3, 0))));

    assertThat(resolution.provider().ipv4Address()).isEqualTo(Ipv4.parse("10.64.1.20"));
    assertThat(notes)
        .singleElement()
        .asString()
        .contains("2 primary IPv4 addresses (10.64.1.20/24, 172.16.5.2/24)")
        .contains("the first, 10.64.1.20/24, is used");
  }

  @Test
  void resolve_gatewayOutsideTheNetwork_onlinkAndNoted() {
    ProviderResolution resolution =
        resolve(
            DHCP,
            view(
                UP,
                List.of(address("203.0.113.9", 32, 0)),
                List.of(defaultVia("203.0.113.1", 3, 0))));

    assertThat(resolution.provider().onlink()).isTrue();
    assertThat(notes).singleElement().asString().contains("used on-link, as the kernel would");
  }

  @Test
  void resolve_configuredAddressNotOnTheInterface_unconfiguredWithTheReason() {
    Provider half = new Provider("lte", "wwan0", Ipv4.parse("10.64.1.99"), null, null, "lte", 103);

    ProviderResolution resolution =
        resolve(
            half,
            view(
                UP, List.of(address("10.64.1.20", 24, 0)), List.of(defaultVia("10.64.1.1", 3, 0))));

    assertThat(resolution.isResolved()).isFalse();
    assertThat(resolution.reason())
        .isEqualTo("configured ipv4_address 10.64.1.99 is not on interface wwan0");
  }

  @Test
  void resolve_configuredAddressOnTheInterface_itsPrefixLearned() {
    Provider half = new Provider("lte", "wwan0", Ipv4.parse("10.64.1.21"), null, null, "lte", 103);

    ProviderResolution resolution =
        resolve(
            half,
            view(
                UP,
                List.of(address("10.64.1.20", 24, 0), address("10.64.1.21", 24, 1)),
                List.of(defaultVia("10.64.1.1", 3, 0))));

    assertThat(resolution.provider().ipv4Address()).isEqualTo(Ipv4.parse("10.64.1.21"));
    assertThat(resolution.provider().network()).isEqualTo(Ipv4Network.parse("10.64.1.0/24"));
  }

  @Test
  void resolve_configuredGatewayWins() {
    Provider withGateway =
        new Provider("lte", "wwan0", null, null, Ipv4.parse("10.64.1.254"), "lte", 103);

    ProviderResolution resolution =
        resolve(
            withGateway,
            view(
                UP, List.of(address("10.64.1.20", 24, 0)), List.of(defaultVia("10.64.1.1", 3, 0))));

    assertThat(resolution.provider().gateway()).isEqualTo(Ipv4.parse("10.64.1.254"));
  }

  @Test
  void resolve_foreignRouteGoneSameAddress_keepsTheLearnedGateway_newAddressDoesNot() {
    ProviderResolution learned =
        resolve(
            DHCP,
            view(
                UP, List.of(address("10.64.1.20", 24, 0)), List.of(defaultVia("10.64.1.1", 3, 0))));

    // failover itself removed the DHCP client's route (foreign_default_routes = "remove").
    ProviderResolution kept =
        resolver.resolve(
            DHCP, view(UP, List.of(address("10.64.1.20", 24, 0)), List.of()), learned, notes);
    ProviderResolution moved =
        resolver.resolve(
            DHCP, view(UP, List.of(address("10.64.9.20", 24, 0)), List.of()), learned, notes);

    assertThat(kept).isEqualTo(learned);
    assertThat(moved.isResolved()).isFalse();
    assertThat(moved.reason()).startsWith("no gateway learned");
  }
}
