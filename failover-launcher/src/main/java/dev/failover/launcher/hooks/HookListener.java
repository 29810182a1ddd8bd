package dev.failover.launcher.hooks;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.AddressFamily;
import dev.failover.api.FailoverListener;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProviderStateChanged;

/**
 * Hands the switches and state changes of one family's engine to the {@link HookRunner}, as events
 * of that family ({@code FAILOVER_FAMILY}); each engine has one. Only queues: the engine's thread
 * never waits for a hook.
 */
public final class HookListener implements FailoverListener {
  private final HookRunner runner;
  private final AddressFamily family;

  /** Hands the events of {@code family}'s engine to {@code runner}. */
  public HookListener(HookRunner runner, AddressFamily family) {
    this.runner = checkNotNull(runner, "runner");
    this.family = checkNotNull(family, "family");
  }

  @Override
  public void onProviderStateChanged(ProviderStateChanged event) {
    runner.submit(HookEvent.providerStateChanged(family, event));
  }

  @Override
  public void onMainProviderSwitched(MainProviderSwitched event) {
    runner.submit(HookEvent.mainSwitched(family, event));
  }

  @Override
  public String toString() {
    return "HookListener(" + family + ")";
  }
}
