package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.Providers;
import dev.failover.linux.InterfaceView;
import dev.failover.linux.Ipv6UplinkResolver;
import dev.failover.linux.LinkStatus;
import dev.failover.linux.netlink.AddressMessage;
import dev.failover.linux.netlink.LinkMessage;
import dev.failover.linux.netlink.RouteMessage;
import dev.failover.testkit.TestProviders;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * IPv6 in the link watch (issue 16): the views' IPv6 addresses and router advertisement routes
 * become IPv6 resolutions, and the usable flags are per family.
 */
class ProviderLinksIpv6Test {
  private static final int UP =
      LinkMessage.IFF_UP | LinkMessage.IFF_RUNNING | LinkMessage.IFF_LOWER_UP;

  /** {@code RTPROT_RA}: the kernel's route from a router advertisement. */
  private static final int PROTO_RA = 9;

  /** Failover's own route protocol, which the resolver learns nothing from. */
  private static final int OWN = 201;

  private final List<Provider> ipv4 = TestProviders.withSharedGateway(2);

  /** isp1 and isp2: IPv4 configured, IPv6 learned (SLAAC and the router advertisement). */
  private final Provider slaac1 = ipv4.get(0).withIpv6(null, null, null);

  private final Provider slaac2 = ipv4.get(1).withIpv6(null, null, null);
  private final List<String> reported = new ArrayList<>();
  private final List<ProviderResolution> resolutions = new ArrayList<>();

  private final LinkWatch.Sink sink =
      new LinkWatch.Sink() {
        @Override
        public void linkChanged(String name, AddressFamily family, boolean usable) {
          reported.add(name + "/" + family.name() + "=" + usable);
        }

        @Override
        public void resynced() {
          reported.add("resynced");
        }

        @Override
        public void providerResolved(ProviderResolution resolution) {
          resolutions.add(resolution);
        }
      };

  private ProviderLinks links(Provider... providers) {
    // As LinuxLinkWatch builds it: an IPv6 resolver only, since no provider learns IPv4.
    return new ProviderLinks(Providers.of(providers), sink, null, new Ipv6UplinkResolver(OWN));
  }

  private static AddressMessage v6(String address, int flags, int index) {
    return new AddressMessage(
        dev.failover.linux.netlink.AddressFamily.INET6,
        64,
        flags,
        RouteMessage.SCOPE_UNIVERSE,
        index,
        null,
        Ipv6.parse(address));
  }

  private static RouteMessage raRoute(String gateway, int index) {
    return RouteMessage.unicast(
            dev.failover.linux.netlink.AddressFamily.INET6, 254, PROTO_RA, null, 0)
        .withNextHop(Ipv6.parse(gateway), index)
        .withMetric(1024);
  }

  /** What the kernel shows of {@code provider}'s interface: its IPv4 address, and IPv6 as given. */
  private static InterfaceView view(
      Provider provider, int index, List<AddressMessage> v6, List<RouteMessage> routes) {
    String name = provider.interfaceName();
    List<AddressMessage> v4 =
        provider.ipv4Address() == null
            ? List.of()
            : List.of(
                new AddressMessage(
                    dev.failover.linux.netlink.AddressFamily.INET,
                    24,
                    0,
                    0,
                    index,
                    provider.ipv4Address(),
                    provider.ipv4Address()));
    return new InterfaceView(
        name, new LinkMessage(0, index, UP, name, 6), v4, List.of(), v6, routes);
  }

  /** A SLAAC address in {@code 2001:db8:<i>::/64} and the router's {@code fe80::1} route. */
  private static InterfaceView slaac(Provider provider, int index, int i) {
    return view(
        provider,
        index,
        List.of(v6("2001:db8:" + i + "::a", 0, index)),
        List.of(raRoute("fe80::1", index)));
  }

  /** What the monitor says at its start about {@code view}. */
  private static void monitorSees(ProviderLinks links, InterfaceView view) {
    links.onLinkChanged(view.name(), true);
    view.addresses()
        .forEach(
            a -> links.onAddressChanged(view.name(), (Inet4Address) a.interfaceAddress(), true));
    links.onInterfaceChanged(view);
  }

  private static Optional<LinkStatus> unreadable(String name) {
    return Optional.empty();
  }

  @Test
  void reportInitial_slaacAddressAndRouterAdvertisement_passesAnIpv6ResolutionOn() {
    ProviderLinks links = links(slaac1);
    monitorSees(links, slaac(slaac1, 3, 1));

    links.reportInitial(ProviderLinksIpv6Test::unreadable);

    assertThat(resolutions)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.family()).isEqualTo(AddressFamily.IPV6);
              assertThat(r.provider().ipv6Address()).isEqualTo(Ipv6.parse("2001:db8:1::a"));
              assertThat(r.provider().ipv6Prefix()).isEqualTo(Ipv6Network.parse("2001:db8:1::/64"));
              assertThat(r.provider().ipv6Gateway()).isEqualTo(Ipv6.parse("fe80::1"));
              // Its IPv4 stays as configured.
              assertThat(r.provider().ipv4Address()).isEqualTo(slaac1.ipv4Address());
              assertThat(r.provider().resolves(slaac1)).isTrue();
            });
    String name = slaac1.interfaceName();
    assertThat(reported).containsExactly(name + "/IPV4=true", name + "/IPV6=true");
  }

  @Test
  void reportInitial_noRouterAdvertisementYet_isUnconfiguredThenResolvedOnceItComes() {
    ProviderLinks links = links(slaac1);
    monitorSees(links, view(slaac1, 3, List.of(v6("2001:db8:1::a", 0, 3)), List.of()));
    links.reportInitial(ProviderLinksIpv6Test::unreadable);

    links.onInterfaceChanged(slaac(slaac1, 3, 1));
    links.onInterfaceChanged(slaac(slaac1, 3, 1));

    assertThat(resolutions).hasSize(2);
    assertThat(resolutions.get(0).isResolved()).isFalse();
    assertThat(resolutions.get(0).family()).isEqualTo(AddressFamily.IPV6);
    assertThat(resolutions.get(0).reason()).startsWith("no IPv6 gateway learned");
    assertThat(resolutions.get(1).provider().ipv6Address()).isEqualTo(Ipv6.parse("2001:db8:1::a"));
  }

  @Test
  void resolve_configuredIpv6Gateway_winsOverTheRouterAdvertisement() {
    Provider configured = ipv4.get(0).withIpv6(null, null, Ipv6.parse("fe80::2"));
    ProviderLinks links = links(configured);
    monitorSees(links, slaac(configured, 3, 1));

    links.reportInitial(ProviderLinksIpv6Test::unreadable);

    assertThat(resolutions)
        .singleElement()
        .satisfies(r -> assertThat(r.provider().ipv6Gateway()).isEqualTo(Ipv6.parse("fe80::2")));
  }

  @Test
  void resolve_configuredIpv6Prefix_isKeptAndALearnedAddressOutsideItIsRefused() {
    Provider inside = ipv4.get(0).withIpv6(null, Ipv6Network.parse("2001:db8:1::/48"), null);
    Provider outside = ipv4.get(1).withIpv6(null, Ipv6Network.parse("2001:db8:99::/64"), null);
    ProviderLinks links = links(inside, outside);
    monitorSees(links, slaac(inside, 3, 1));
    monitorSees(links, slaac(outside, 4, 2));

    links.reportInitial(ProviderLinksIpv6Test::unreadable);

    assertThat(resolutions).hasSize(2);
    assertThat(resolutions.get(0).provider().ipv6Prefix())
        .isEqualTo(Ipv6Network.parse("2001:db8:1::/48"));
    assertThat(resolutions.get(1).isResolved()).isFalse();
    assertThat(resolutions.get(1).reason())
        .contains("learned IPv6 values")
        .contains("ipv6_address must lie inside ipv6_prefix 2001:db8:99::/64");
  }

  @Test
  void resolve_twoProvidersLearnTheSameIpv6Address_theSecondIsUnconfigured() {
    ProviderLinks links = links(slaac1, slaac2);
    monitorSees(links, slaac(slaac1, 3, 1));
    monitorSees(links, slaac(slaac2, 4, 1));

    links.reportInitial(ProviderLinksIpv6Test::unreadable);

    assertThat(resolutions).hasSize(2);
    assertThat(resolutions.get(0).isResolved()).isTrue();
    assertThat(resolutions.get(1).isResolved()).isFalse();
    assertThat(resolutions.get(1).reason())
        .contains("learned IPv6 address 2001:db8:1::a is also provider 'isp1''s");
  }

  @Test
  void resolve_learnedAddressIsAnotherProvidersConfiguredOne_theConfiguredOneWins() {
    // isp1 learns what isp2, later in priority order, has configured.
    Provider configured =
        ipv4.get(1)
            .withIpv6(
                Ipv6.parse("2001:db8:1::a"),
                Ipv6Network.parse("2001:db8:1::/64"),
                Ipv6.parse("fe80::1"));
    ProviderLinks links = links(slaac1, configured);
    monitorSees(links, slaac(slaac1, 3, 1));
    monitorSees(links, slaac(configured, 4, 1));

    links.reportInitial(ProviderLinksIpv6Test::unreadable);

    assertThat(resolutions)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.providerId()).isEqualTo("isp1");
              assertThat(r.isResolved()).isFalse();
              assertThat(r.reason()).contains("is also provider 'isp2''s");
            });
  }

  @Test
  void onInterfaceChanged_routerAdvertisementRouteAdded_asksForAResyncOnce() {
    ProviderLinks links = links(slaac1);
    InterfaceView without = view(slaac1, 3, List.of(v6("2001:db8:1::a", 0, 3)), List.of());
    monitorSees(links, slaac(slaac1, 3, 1));
    links.reportInitial(ProviderLinksIpv6Test::unreadable);
    reported.clear();

    links.onInterfaceChanged(without); // failover removed it (foreign_default_routes = remove)
    links.onInterfaceChanged(slaac(slaac1, 3, 1)); // the next advertisement re-adds it

    assertThat(reported).containsExactly("resynced");
  }

  @Test
  void onInterfaceChanged_routerAdvertisementRouteRefreshed_asksForNothing() {
    ProviderLinks links = links(slaac1);
    InterfaceView advertised = slaac(slaac1, 3, 1);
    monitorSees(links, advertised);
    links.onInterfaceChanged(advertised);
    links.reportInitial(ProviderLinksIpv6Test::unreadable);
    reported.clear();
    resolutions.clear();

    // Each advertisement refreshes the route's expiry (not in the view) and, on carrier loss, the
    // kernel flags it linkdown (left out of the view): the same view, or a new one beside it.
    links.onInterfaceChanged(slaac(slaac1, 3, 1));
    RouteMessage linkdown = raRoute("fe80::1", 3).withFlags(RouteMessage.FLAG_LINKDOWN);
    links.onInterfaceChanged(view(slaac1, 3, advertised.ipv6Addresses(), List.of(linkdown)));
    // A second address arrives: the route is still the same.
    links.onInterfaceChanged(
        view(
            slaac1,
            3,
            List.of(
                v6("2001:db8:1::b", InterfaceView.IFA_F_TEMPORARY, 3), v6("2001:db8:1::a", 0, 3)),
            List.of(raRoute("fe80::1", 3))));

    assertThat(reported).isEmpty();
    assertThat(resolutions).isEmpty();
  }

  @Test
  void linkFlags_ipv6OnlyProvider_isReportedInIpv6OnlyAndNeverJudgedByAnIpv4Address() {
    Provider ipv6Only =
        new Provider("isp6", "wan6", null, null, null, "isp6", 106)
            .withIpv6(
                Ipv6.parse("2001:db8:6::2"),
                Ipv6Network.parse("2001:db8:6::/64"),
                Ipv6.parse("fe80::1"))
            .withoutIpv4();
    ProviderLinks links = new ProviderLinks(Providers.of(ipv6Only), sink);
    monitorSees(
        links,
        view(ipv6Only, 5, List.of(v6("2001:db8:6::2", 0, 5)), List.of(raRoute("fe80::1", 5))));

    links.reportInitial(ProviderLinksIpv6Test::unreadable);

    assertThat(reported).containsExactly("wan6/IPV6=true");
    assertThat(resolutions).isEmpty();
  }

  @Test
  void linkFlags_configuredIpv6AddressMissingOrTentative_makesOnlyIpv6Unusable() {
    Provider configured =
        ipv4.get(0)
            .withIpv6(
                Ipv6.parse("2001:db8:1::2"),
                Ipv6Network.parse("2001:db8:1::/64"),
                Ipv6.parse("fe80::1"));
    String name = configured.interfaceName();
    ProviderLinks links = new ProviderLinks(Providers.of(configured), sink);
    monitorSees(links, view(configured, 3, List.of(), List.of()));
    links.reportInitial(ProviderLinksIpv6Test::unreadable);

    links.onInterfaceChanged(
        view(
            configured,
            3,
            List.of(v6("2001:db8:1::2", InterfaceView.IFA_F_TENTATIVE, 3)),
            List.of()));
    links.onInterfaceChanged(view(configured, 3, List.of(v6("2001:db8:1::2", 0, 3)), List.of()));
    links.onInterfaceChanged(
        view(
            configured,
            3,
            List.of(v6("2001:db8:1::2", InterfaceView.IFA_F_DADFAILED, 3)),
            List.of()));

    assertThat(reported)
        .containsExactly(
            name + "/IPV4=true",
            name + "/IPV6=false", // at start: not on the interface
            name + "/IPV6=true", // duplicate address detection done
            name + "/IPV6=false"); // another node has it
  }

  @Test
  void linkFlags_dualStackProviderLosesItsIpv4AddressOnly_staysUsableForIpv6() {
    ProviderLinks links = links(slaac1);
    monitorSees(links, slaac(slaac1, 3, 1));
    links.reportInitial(ProviderLinksIpv6Test::unreadable);
    reported.clear();

    links.onAddressChanged(slaac1.interfaceName(), slaac1.ipv4Address(), false);

    assertThat(reported).containsExactly(slaac1.interfaceName() + "/IPV4=false");
  }

  @Test
  void linkFlags_linkGoesDownAndUp_movesBothFamiliesAtOnce() {
    ProviderLinks links = links(slaac1);
    String name = slaac1.interfaceName();
    monitorSees(links, slaac(slaac1, 3, 1));
    links.reportInitial(ProviderLinksIpv6Test::unreadable);
    reported.clear();

    links.onLinkChanged(name, false);
    links.onLinkChanged(name, true);

    assertThat(reported)
        .containsExactly(
            name + "/IPV4=false", name + "/IPV6=false", name + "/IPV4=true", name + "/IPV6=true");
  }
}
