package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.ApplyOutcome;
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
          new PinnedFlows() {
            @Override
            public void pin(Provider provider) {
              calls.add("pin " + provider.id());
            }

            @Override
            public void release(Provider provider) {
              calls.add("release " + provider.id());
            }
          },
          providers,
          id -> !linkDown.contains(id));

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
            new PinnedFlows() {
              @Override
              public void pin(Provider provider) {}

              @Override
              public void release(Provider provider) throws FlowPinningException {
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
}
