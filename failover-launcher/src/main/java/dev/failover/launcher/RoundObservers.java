package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.failover.api.FailoverListener;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.launcher.metrics.RoundObserver;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's per-round event ({@link FailoverListener#onRoundRecorded}) handed to every {@link
 * RoundObserver} (metrics, the status page's charts), in the engine's order, on its tick thread.
 * An observer that throws is logged and skipped, so one broken observer never starves the others.
 */
final class RoundObservers implements FailoverListener {
  private static final Logger logger = LoggerFactory.getLogger(RoundObservers.class);

  private final ImmutableList<RoundObserver> observers;

  RoundObservers(Set<RoundObserver> observers) {
    this.observers = ImmutableList.copyOf(checkNotNull(observers, "observers"));
  }

  @Override
  public void onRoundRecorded(Provider provider, ProbeRound round) {
    for (RoundObserver observer : observers) {
      try {
        observer.roundRecorded(provider, round);
      } catch (RuntimeException e) {
        logger.warn("{} failed on a round of {}", observer, provider, e);
      }
    }
  }

  @Override
  public String toString() {
    return "RoundObservers" + observers;
  }
}
