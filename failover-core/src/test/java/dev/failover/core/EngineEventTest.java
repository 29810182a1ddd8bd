package dev.failover.core;

import static dev.failover.core.Fixtures.T0;
import static dev.failover.core.Fixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.FailoverListener;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.ProviderStatus;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.api.SwitchReason;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link EngineEvent}: each event names the listener method it calls (the engine logs that name
 * when a listener throws), and the method exists.
 */
class EngineEventTest {
  private static final RoutingState STATE = RoutingState.ranked(Fixtures.providers(2), 100);

  private static List<EngineEvent> listenerEvents() {
    ProviderStatus up = ProviderStatus.of(ProviderState.UP, T0, "fine");
    ProviderStatus down = ProviderStatus.of(ProviderState.DOWN, T0, "lost");
    return List.of(
        new EngineEvent.StateChanged(new ProviderStateChanged(provider(1), up, down, T0)),
        new EngineEvent.MainSwitched(new MainProviderSwitched(
            provider(1), provider(2), SwitchReason.FAILOVER, "isp1 is down", T0)),
        new EngineEvent.RoutesApplied(STATE, EngineEvent.Applied.NEW),
        new EngineEvent.PartlyApplied(STATE, ApplyOutcome.partial(
            List.of(new ApplyOutcome.Skipped(provider(2), "interface eth2 is down")), true),
            false),
        new EngineEvent.ApplyFailed(STATE, new RouteBackendException(null, "refused"),
            EngineEvent.Repeat.FIRST));
  }

  @Test
  void listenerMethod_eachEvent_namesAMethodOfTheListener() {
    List<String> methods =
        Arrays.stream(FailoverListener.class.getMethods()).map(Method::getName).toList();

    assertThat(listenerEvents().stream().map(EngineEvent::listenerMethod).toList())
        .containsExactly("onProviderStateChanged", "onMainProviderSwitched", "onRoutesApplied",
            "onRoutesApplied", "onApplyFailed");
    assertThat(methods).contains("onProviderStateChanged", "onMainProviderSwitched",
        "onRoutesApplied", "onApplyFailed");
  }

  @Test
  void deliver_partlyApplied_reportsTheStateWithItsOutcome() {
    List<ApplyOutcome> outcomes = new ArrayList<>();
    FailoverListener listener = new FailoverListener() {
      @Override
      public void onRoutesApplied(RoutingState state, ApplyOutcome outcome) {
        assertThat(state).isEqualTo(STATE);
        outcomes.add(outcome);
      }
    };

    listenerEvents().get(3).deliver(listener);

    assertThat(outcomes).singleElement()
        .satisfies(o -> assertThat(o.isComplete()).isFalse());
  }
}
