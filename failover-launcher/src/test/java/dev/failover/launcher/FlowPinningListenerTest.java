package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.AddressFamily;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.ProviderStatus;
import dev.failover.api.Providers;
import dev.failover.api.RoutingState;
import dev.failover.linux.FlowPinningException;
import dev.failover.testkit.TestProviders;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When the listener releases and pins providers, with a fake of the kernel side. */
class FlowPinningListenerTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final Providers providers = Providers.of(TestProviders.withSharedGateway(2));
  private final Provider isp1 = providers.get(0);
  private final Provider isp2 = providers.get(1);
  private final Set<String> linkDown = new HashSet<>();
  private final List<String> calls = new ArrayList<>();
  private final FlowPinningListener listener =
      new FlowPinningListener(
          AddressFamily.IPV4, recording(), providers, id -> !linkDown.contains(id));

  /** A fake that records each call as "release isp1" (IPv4) or "release isp1 IPV6". */
  private PinnedFlows recording() {
    return new PinnedFlows() {
      @Override
      public void pin(Provider provider, AddressFamily family) {
        calls.add("pin " + provider.id() + suffix(family));
      }

      @Override
      public void release(Provider provider, AddressFamily family) {
        calls.add("release " + provider.id() + suffix(family));
      }
    };
  }

  private static String suffix(AddressFamily family) {
    return family == AddressFamily.IPV4 ? "" : " " + family.name();
  }

  private void state(Provider p, ProviderState from, ProviderState to) {
    listener.onProviderStateChanged(
        new ProviderStateChanged(
            p, ProviderStatus.of(from, T0, "before"), ProviderStatus.of(to, T0, "now"), T0));
  }

  private void applied(Provider... ranked) {
    listener.onRoutesApplied(RoutingState.ranked(List.of(ranked), 100), ApplyOutcome.complete());
  }

  @Test
  void mainGoesDown_releasedOnlyAfterTheRouteMovedAway() {
    applied(isp1, isp2);
    state(isp1, ProviderState.UP, ProviderState.DOWN);
    assertThat(calls).as("still main: the switch has not been applied yet").isEmpty();

    applied(isp2, isp1);

    assertThat(calls).containsExactly("release " + isp1.id());
  }

  @Test
  void backupGoesDown_releasedAtOnceAndOnlyOnce() {
    applied(isp1, isp2);

    state(isp2, ProviderState.UP, ProviderState.DOWN);
    applied(isp1, isp2);

    assertThat(calls).containsExactly("release " + isp2.id());
  }

  @Test
  void releasedProviderUpAgain_pinnedAgain() {
    applied(isp1, isp2);
    state(isp2, ProviderState.UP, ProviderState.DOWN);
    state(isp2, ProviderState.DOWN, ProviderState.RECOVERING);
    state(isp2, ProviderState.RECOVERING, ProviderState.UP);

    assertThat(calls).containsExactly("release " + isp2.id(), "pin " + isp2.id());
  }

  @Test
  void linkDownOfMain_releasedAfterTheApplyThatMovedTheRoute() {
    applied(isp1, isp2);
    linkDown.add(isp1.id());

    applied(isp2, isp1);

    assertThat(calls).containsExactly("release " + isp1.id());
  }

  @Test
  void beforeTheFirstApply_nothingIsReleased() {
    state(isp2, ProviderState.INSUFFICIENT_DATA, ProviderState.DOWN);

    assertThat(calls).isEmpty();
  }

  @Test
  void insufficientData_neitherReleasedNorPinned() {
    applied(isp1, isp2);
    state(isp2, ProviderState.UP, ProviderState.INSUFFICIENT_DATA);

    assertThat(calls).isEmpty();
  }

  @Test
  void everyProviderDown_mainKeepsItsFlows() {
    applied(isp1, isp2);
    state(isp1, ProviderState.UP, ProviderState.DOWN);
    state(isp2, ProviderState.UP, ProviderState.DOWN);
    applied(isp1, isp2);

    assertThat(calls).containsExactly("release " + isp2.id());
  }

  @Test
  void releaseFails_retriedAtTheNextEvent() {
    List<String> attempts = new ArrayList<>();
    FlowPinningListener failingOnce =
        new FlowPinningListener(
            AddressFamily.IPV4,
            new PinnedFlows() {
              @Override
              public void pin(Provider provider, AddressFamily family) {}

              @Override
              public void release(Provider provider, AddressFamily family)
                  throws FlowPinningException {
                attempts.add(provider.id());
                if (attempts.size() == 1) {
                  throw new FlowPinningException("refused");
                }
              }
            },
            providers,
            id -> true);
    failingOnce.onRoutesApplied(
        RoutingState.ranked(List.of(isp1, isp2), 100), ApplyOutcome.complete());
    failingOnce.onProviderStateChanged(
        new ProviderStateChanged(
            isp2,
            ProviderStatus.of(ProviderState.UP, T0, "before"),
            ProviderStatus.of(ProviderState.DOWN, T0, "now"),
            T0));
    failingOnce.onRoutesApplied(
        RoutingState.ranked(List.of(isp1, isp2), 100), ApplyOutcome.complete());

    assertThat(attempts).containsExactly(isp2.id(), isp2.id());
  }

  // Two listeners side by side, as the daemon has them: one per family's engine, each hearing only
  // its own engine's events and links.

  private final Provider dual1 = v6(isp1, 1);
  private final Provider dual2 = v6(isp2, 2);
  private final Providers dualStack = Providers.of(List.of(dual1, dual2));
  private final Set<String> ipv6LinkDown = new HashSet<>();
  private final FlowPinningListener ipv4Listener =
      new FlowPinningListener(
          AddressFamily.IPV4, recording(), dualStack, id -> !linkDown.contains(id));
  private final FlowPinningListener ipv6Listener =
      new FlowPinningListener(
          AddressFamily.IPV6, recording(), dualStack, id -> !ipv6LinkDown.contains(id));

  private static Provider v6(Provider p, int i) {
    return p.withIpv6(
        Ipv6.parse("2001:db8:" + i + "::100"),
        Ipv6Network.parse("2001:db8:" + i + "::/64"),
        Ipv6.parse("fe80::1"));
  }

  private static void state(
      FlowPinningListener to, Provider p, ProviderState from, ProviderState s) {
    to.onProviderStateChanged(
        new ProviderStateChanged(
            p, ProviderStatus.of(from, T0, "before"), ProviderStatus.of(s, T0, "now"), T0));
  }

  private static void applied(FlowPinningListener to, AddressFamily family, Provider... ranked) {
    to.onRoutesApplied(RoutingState.ranked(family, List.of(ranked), 100), ApplyOutcome.complete());
  }

  @Test
  void ipv6OnlyOutageOfMain_releasesItsIpv6FlowsAfterTheIpv6RouteMovedAndKeepsIpv4Pinned() {
    applied(ipv4Listener, AddressFamily.IPV4, dual1, dual2);
    applied(ipv6Listener, AddressFamily.IPV6, dual1, dual2);

    state(ipv6Listener, dual1, ProviderState.UP, ProviderState.DOWN);
    assertThat(calls).as("still the IPv6 main: the switch has not been applied yet").isEmpty();
    applied(ipv6Listener, AddressFamily.IPV6, dual2, dual1);
    applied(ipv4Listener, AddressFamily.IPV4, dual1, dual2);

    assertThat(calls).containsExactly("release " + dual1.id() + " IPV6");
  }

  @Test
  void ipv4OnlyOutageOfBackup_releasesItsIpv4FlowsOnly() {
    applied(ipv4Listener, AddressFamily.IPV4, dual1, dual2);
    applied(ipv6Listener, AddressFamily.IPV6, dual1, dual2);

    state(ipv4Listener, dual2, ProviderState.UP, ProviderState.DOWN);
    applied(ipv6Listener, AddressFamily.IPV6, dual1, dual2);

    assertThat(calls).containsExactly("release " + dual2.id());
  }

  @Test
  void ipv6RecoversAfterRelease_pinnedAgainInIpv6Only() {
    applied(ipv6Listener, AddressFamily.IPV6, dual1, dual2);
    state(ipv6Listener, dual2, ProviderState.UP, ProviderState.DOWN);
    state(ipv6Listener, dual2, ProviderState.DOWN, ProviderState.RECOVERING);
    state(ipv6Listener, dual2, ProviderState.RECOVERING, ProviderState.UP);

    assertThat(calls)
        .containsExactly("release " + dual2.id() + " IPV6", "pin " + dual2.id() + " IPV6");
  }

  @Test
  void ipv6LinkDownOfMain_releasedAfterTheIpv6ApplyThatMovedTheRoute() {
    applied(ipv6Listener, AddressFamily.IPV6, dual1, dual2);
    ipv6LinkDown.add(dual1.id());
    applied(ipv6Listener, AddressFamily.IPV6, dual1, dual2);
    assertThat(calls).as("the IPv6 main route is still on it").isEmpty();

    applied(ipv6Listener, AddressFamily.IPV6, dual2);

    assertThat(calls).containsExactly("release " + dual1.id() + " IPV6");
  }

  @Test
  void ipv6Listener_ipv4OnlyProvider_isNeverReleasedInIpv6() {
    Providers mixed = Providers.of(List.of(dual1, isp2));
    FlowPinningListener mixedIpv6 =
        new FlowPinningListener(AddressFamily.IPV6, recording(), mixed, id -> false);

    applied(mixedIpv6, AddressFamily.IPV6, dual1);
    state(mixedIpv6, isp2, ProviderState.UP, ProviderState.DOWN);

    assertThat(calls).as("dual1 carries the IPv6 main; isp2 has no IPv6 flows to pin").isEmpty();
  }

  @Test
  void ipv6Listener_routingStateOfIpv4_isIgnored() {
    applied(ipv6Listener, AddressFamily.IPV6, dual1, dual2);
    state(ipv6Listener, dual1, ProviderState.UP, ProviderState.DOWN);

    applied(ipv6Listener, AddressFamily.IPV4, dual2, dual1);

    assertThat(calls).as("only an IPv6 apply moves the IPv6 main route").isEmpty();
  }
}
