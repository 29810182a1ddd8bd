package dev.failover.core;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.FailoverListener;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import java.util.ArrayList;
import java.util.List;

/** A listener that records every event, for assertions on what was published. */
public final class RecordingListener implements FailoverListener {
  public final List<ProviderStateChanged> stateChanges = new ArrayList<>();
  public final List<MainProviderSwitched> switches = new ArrayList<>();
  public final List<RoutingState> applied = new ArrayList<>();
  public final List<RouteBackendException> applyFailures = new ArrayList<>();

  @Override
  public synchronized void onProviderStateChanged(ProviderStateChanged event) {
    stateChanges.add(event);
  }

  @Override
  public synchronized void onMainProviderSwitched(MainProviderSwitched event) {
    switches.add(event);
  }

  @Override
  public synchronized void onRoutesApplied(RoutingState state, ApplyOutcome outcome) {
    if (outcome.isComplete()) {
      applied.add(state);
    }
  }

  @Override
  public synchronized void onApplyFailed(RoutingState desired, RouteBackendException failure) {
    applyFailures.add(failure);
  }
}
