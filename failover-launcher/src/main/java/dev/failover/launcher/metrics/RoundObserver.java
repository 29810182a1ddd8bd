package dev.failover.launcher.metrics;

import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;

/**
 * Hears of every check round the engine records in a provider's history, in the order they were
 * recorded, on the tick thread; must return quickly and not throw.
 *
 * <p>The engine publishes no event per round ({@code FailoverListener} has none), so the launcher
 * learns of rounds through the one seam that sees each of them: the histories handed to the policy
 * (see {@code dev.failover.launcher.ObservedPolicy}).
 */
public interface RoundObserver {

  /** {@code round} was recorded for {@code provider}. */
  void roundRecorded(Provider provider, ProbeRound round);
}
