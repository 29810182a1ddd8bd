package dev.failover.launcher.hooks;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.FailoverListener;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProviderStateChanged;

/**
 * Hands the engine's switches and state changes to the {@link HookRunner}. Only queues: the
 * engine's thread never waits for a hook.
 */
public final class HookListener implements FailoverListener {
  private final HookRunner runner;

  public HookListener(HookRunner runner) {
    this.runner = checkNotNull(runner, "runner");
  }

  @Override
  public void onProviderStateChanged(ProviderStateChanged event) {
    runner.submit(HookEvent.providerStateChanged(event));
  }

  @Override
  public void onMainProviderSwitched(MainProviderSwitched event) {
    runner.submit(HookEvent.mainSwitched(event));
  }
}
