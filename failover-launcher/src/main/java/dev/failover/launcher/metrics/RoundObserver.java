package dev.failover.launcher.metrics;

import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;

/**
 * Hears of every check round the engine records in a provider's history, in the order they were
 * recorded, on the tick thread; must return quickly and not throw.
 *
 * <p>Fed by the engine's {@code FailoverListener.onRoundRecorded} event (see {@code
 * dev.failover.launcher.RoundObservers}).
 */
public interface RoundObserver {

  /** {@code round} was recorded for {@code provider}. */
  void roundRecorded(Provider provider, ProbeRound round);
}
