package dev.failover.api;

/**
 * Receives the events of a running engine. Every method has an empty default, so a listener
 * overrides only what it needs.
 *
 * <p>Methods are called on the engine's thread, after the decision they report; they must return
 * quickly. An exception thrown by a listener is logged and does not disturb the engine or the other
 * listeners.
 */
public interface FailoverListener {

  /**
   * A round of checks was recorded in {@code provider}'s history: once per provider at every tick
   * that probed, in provider order, before the tick's decision. For metrics and charts; the
   * policy reads the same rounds from the histories.
   */
  default void onRoundRecorded(Provider provider, ProbeRound round) {}

  /** A provider's state changed. */
  default void onProviderStateChanged(ProviderStateChanged event) {}

  /** The main provider changed. */
  default void onMainProviderSwitched(MainProviderSwitched event) {}

  /**
   * The backend applied a routing state: whole, or ({@link ApplyOutcome#isComplete()} false) all
   * but the providers it had to skip, in which case it will be retried (see the engine's
   * documentation).
   */
  default void onRoutesApplied(RoutingState desired, ApplyOutcome outcome) {}

  /** The backend failed to apply a routing state; it will be retried on the next tick. */
  default void onApplyFailed(RoutingState desired, RouteBackendException failure) {}
}
