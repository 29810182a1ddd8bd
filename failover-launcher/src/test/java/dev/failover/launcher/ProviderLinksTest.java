package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv4;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.linux.LinkStatus;
import dev.failover.testkit.TestProviders;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the monitor's link and address reports become one usable flag per provider interface. */
class ProviderLinksTest {
  private final List<Provider> providers = TestProviders.withSharedGateway(2);
  private final String if1 = providers.get(0).interfaceName();
  private final String if2 = providers.get(1).interfaceName();
  private final Inet4Address addr1 = providers.get(0).ipv4Address();
  private final Inet4Address addr2 = providers.get(1).ipv4Address();
  private final List<String> reported = new ArrayList<>();
  private final ProviderLinks links =
      new ProviderLinks(
          Providers.of(providers),
          new LinkWatch.Sink() {
            @Override
            public void linkChanged(String name, AddressFamily family, boolean usable) {
              reported.add(
                  name + (family == AddressFamily.IPV4 ? "" : "/" + family.name()) + "=" + usable);
            }

            @Override
            public void resynced() {
              reported.add("resynced");
            }
          });

  /** Both links up with their addresses, as the monitor reports them at its start. */
  private void bothUp() {
    links.onLinkChanged(if1, true);
    links.onAddressChanged(if1, addr1, true);
    links.onLinkChanged(if2, true);
    links.onAddressChanged(if2, addr2, true);
  }

  private static Optional<LinkStatus> unreadable(String name) {
    return Optional.empty();
  }

  @Test
  void monitorReports_beforeTheInitialReport_passNothingOn() {
    links.onLinkChanged(if1, true);
    links.onAddressChanged(if1, addr1, true);
    links.onLinkChanged(if1, false);

    assertThat(reported).isEmpty();
  }

  @Test
  void reportInitial_linkUpWithAndWithoutTheAddress_reportsEveryProviderOnce() {
    links.onLinkChanged(if1, true);
    links.onAddressChanged(if1, addr1, true);
    links.onLinkChanged(if2, true);
    links.onAddressChanged(if2, Ipv4.parse("10.9.9.9"), true);

    links.reportInitial(ProviderLinksTest::unreadable);

    assertThat(reported).containsExactly(if1 + "=true", if2 + "=false");
  }

  @Test
  void reportInitial_interfaceTheMonitorDidNotReport_isReadOnce() {
    links.onLinkChanged(if1, true);
    links.onAddressChanged(if1, addr1, true);
    List<String> read = new ArrayList<>();

    links.reportInitial(
        name -> {
          read.add(name);
          return Optional.of(LinkStatus.absent(name));
        });

    assertThat(read).containsExactly(if2);
    assertThat(reported).containsExactly(if1 + "=true", if2 + "=false");
  }

  @Test
  void reportInitial_interfaceThatCannotBeRead_countsAsUsable() {
    links.reportInitial(ProviderLinksTest::unreadable);

    assertThat(reported).containsExactly(if1 + "=true", if2 + "=true");
  }

  @Test
  void reportInitial_twice_isRejected() {
    links.reportInitial(ProviderLinksTest::unreadable);

    assertThatThrownBy(() -> links.reportInitial(ProviderLinksTest::unreadable))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void linkChanged_afterTheInitialReport_isReportedOncePerChange() {
    bothUp();
    links.reportInitial(ProviderLinksTest::unreadable);
    reported.clear();

    links.onLinkChanged(if2, false);
    links.onLinkChanged(if2, false);
    links.onLinkChanged(if2, true);

    assertThat(reported).containsExactly(if2 + "=false", if2 + "=true");
  }

  @Test
  void addressChanged_providersAddressRemovedAndReAdded_isNotUsableMeanwhile() {
    bothUp();
    links.reportInitial(ProviderLinksTest::unreadable);
    reported.clear();

    links.onAddressChanged(if1, Ipv4.parse("10.9.9.9"), true);
    links.onAddressChanged(if1, addr1, false);
    links.onAddressChanged(if1, addr1, true);

    assertThat(reported).containsExactly(if1 + "=false", if1 + "=true");
  }

  @Test
  void changes_ofAnInterfaceNoProviderUses_areIgnored() {
    bothUp();
    links.reportInitial(ProviderLinksTest::unreadable);
    reported.clear();

    links.onLinkChanged("lan0", false);
    links.onAddressChanged("lan0", Ipv4.parse("10.10.0.1"), false);

    assertThat(reported).isEmpty();
  }

  @Test
  void onResynced_beforeTheInitialReport_passesNothingOn() {
    links.onResynced();

    assertThat(reported).isEmpty();
  }

  /** A down-and-up hidden in an overrun deleted routes: the daemon is asked to re-apply. */
  @Test
  void onResynced_afterTheInitialReport_asksForTheRoutesAgain() {
    bothUp();
    links.reportInitial(ProviderLinksTest::unreadable);
    reported.clear();

    links.onResynced();

    assertThat(reported).containsExactly("resynced");
  }
}
