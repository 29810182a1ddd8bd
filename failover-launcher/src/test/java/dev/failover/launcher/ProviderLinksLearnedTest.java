package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.Ipv4;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.Providers;
import dev.failover.linux.InterfaceView;
import dev.failover.linux.LinkStatus;
import dev.failover.linux.UplinkResolver;
import dev.failover.linux.netlink.AddressFamily;
import dev.failover.linux.netlink.AddressMessage;
import dev.failover.linux.netlink.LinkMessage;
import dev.failover.linux.netlink.RouteMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Providers that learn their values: the monitor's views become resolutions for the engine. */
class ProviderLinksLearnedTest {
  private static final int UP =
      LinkMessage.IFF_UP | LinkMessage.IFF_RUNNING | LinkMessage.IFF_LOWER_UP;

  private final Provider dhcp1 = new Provider("isp1", "wan1", null, null, null, "isp1", 101);
  private final Provider dhcp2 = new Provider("isp2", "wan2", null, null, null, "isp2", 102);
  private final List<String> reported = new ArrayList<>();
  private final List<ProviderResolution> resolutions = new ArrayList<>();
  private final ProviderLinks links =
      new ProviderLinks(
          Providers.of(dhcp1, dhcp2),
          new LinkWatch.Sink() {
            @Override
            public void linkChanged(
                String name, dev.failover.api.AddressFamily family, boolean usable) {
              reported.add(
                  name
                      + (family == dev.failover.api.AddressFamily.IPV4 ? "" : "/" + family.name())
                      + "="
                      + usable);
            }

            @Override
            public void resynced() {
              reported.add("resynced");
            }

            @Override
            public void providerResolved(ProviderResolution resolution) {
              resolutions.add(resolution);
            }
          },
          new UplinkResolver(201));

  private static InterfaceView lease(String name, int index, String address, String gateway) {
    return new InterfaceView(
        name,
        new LinkMessage(0, index, UP, name, 6),
        List.of(
            new AddressMessage(
                AddressFamily.INET, 24, 0, 0, index, Ipv4.parse(address), Ipv4.parse(address))),
        List.of(
            RouteMessage.unicast(AddressFamily.INET, 254, 3, null, 0)
                .withNextHop(Ipv4.parse(gateway), index)));
  }

  private static Optional<LinkStatus> unreadable(String name) {
    return Optional.empty();
  }

  /** What the monitor says at its start about wan{@code i} with {@code address}. */
  private void monitorSees(InterfaceView view) {
    links.onLinkChanged(view.name(), true);
    view.addresses()
        .forEach(
            a ->
                links.onAddressChanged(
                    view.name(), (java.net.Inet4Address) a.interfaceAddress(), true));
    links.onInterfaceChanged(view);
  }

  @Test
  void reportInitial_leaseAndMissingInterface_resolvesBothBeforeTheLinks() {
    monitorSees(lease("wan1", 3, "10.0.1.20", "10.0.1.1"));

    links.reportInitial(ProviderLinksLearnedTest::unreadable);

    assertThat(resolutions).hasSize(2);
    assertThat(resolutions.get(0).provider().ipv4Address()).isEqualTo(Ipv4.parse("10.0.1.20"));
    assertThat(resolutions.get(1).reason()).startsWith("interface missing");
    assertThat(reported).containsExactly("wan1=true", "wan2=true");
  }

  @Test
  void onInterfaceChanged_newLease_passesTheNewValuesOnOnce() {
    monitorSees(lease("wan1", 3, "10.0.1.20", "10.0.1.1"));
    links.reportInitial(ProviderLinksLearnedTest::unreadable);
    resolutions.clear();

    links.onAddressChanged("wan1", Ipv4.parse("10.0.1.20"), false);
    links.onAddressChanged("wan1", Ipv4.parse("10.0.1.30"), true);
    links.onInterfaceChanged(lease("wan1", 3, "10.0.1.30", "10.0.1.1"));
    links.onInterfaceChanged(lease("wan1", 3, "10.0.1.30", "10.0.1.1"));

    assertThat(resolutions)
        .singleElement()
        .satisfies(r -> assertThat(r.provider().ipv4Address()).isEqualTo(Ipv4.parse("10.0.1.30")));
    assertThat(reported).containsExactly("wan1=true", "wan2=true");
  }

  @Test
  void twoProvidersLearnTheSameAddress_theSecondIsUnconfigured() {
    monitorSees(lease("wan1", 3, "192.168.1.100", "192.168.1.1"));
    monitorSees(lease("wan2", 4, "192.168.1.100", "192.168.1.1"));

    links.reportInitial(ProviderLinksLearnedTest::unreadable);

    assertThat(resolutions.get(0).isResolved()).isTrue();
    assertThat(resolutions.get(1).isResolved()).isFalse();
    assertThat(resolutions.get(1).reason())
        .contains("learned address 192.168.1.100 is also provider 'isp1''s");
  }

  @Test
  void foreignDefaultRouteReadded_asksForTheRoutesToBeAppliedAgain() {
    InterfaceView leased = lease("wan1", 3, "10.0.1.20", "10.0.1.1");
    monitorSees(leased);
    links.reportInitial(ProviderLinksLearnedTest::unreadable);
    reported.clear();

    // failover demoted the client's route (a copy at another metric); the client re-adds it.
    RouteMessage readded =
        RouteMessage.unicast(AddressFamily.INET, 254, 3, null, 0)
            .withNextHop(Ipv4.parse("10.0.1.1"), 3)
            .withMetric(0);
    RouteMessage demoted = readded.withMetric(1000);
    links.onInterfaceChanged(
        new InterfaceView("wan1", leased.link(), leased.addresses(), List.of(demoted)));
    links.onInterfaceChanged(
        new InterfaceView("wan1", leased.link(), leased.addresses(), List.of(demoted, readded)));

    assertThat(reported).containsExactly("resynced", "resynced");
    assertThat(resolutions).hasSize(2); // the start only: the gateway did not change
  }

  @Test
  void interfaceDeleted_unconfiguredAndNotUsable() {
    monitorSees(lease("wan1", 3, "10.0.1.20", "10.0.1.1"));
    links.reportInitial(ProviderLinksLearnedTest::unreadable);
    resolutions.clear();
    reported.clear();

    links.onAddressChanged("wan1", Ipv4.parse("10.0.1.20"), false);
    links.onLinkChanged("wan1", false);
    links.onInterfaceChanged(InterfaceView.missing("wan1"));

    assertThat(resolutions)
        .singleElement()
        .satisfies(r -> assertThat(r.reason()).startsWith("interface missing"));
    assertThat(reported).containsExactly("wan1=false");
  }
}
