package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.failover.api.ProbeRound;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.launcher.metrics.RoundObserver;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The configured policy, unchanged, plus a tap on its input: each round newly recorded in a
 * provider's history is handed to the {@link RoundObserver}s (metrics, the status page's charts)
 * before the policy assesses it.
 *
 * <p>Why here: the engine publishes no event per round, and failover-core is not the launcher's to
 * change; the histories handed to the policy at every tick are the one place that sees each
 * recorded round. A round is reported once, when it is first seen as a history's newest (by
 * identity, so a second assessment of the same histories reports nothing); a tick the engine drops
 * (interrupted while probing) records nothing and is not reported. The policy itself gets exactly
 * the same arguments and its result is returned as is, so it stays a pure function; this wrapper
 * keeps one piece of state, the last round reported per provider. An observer that throws is logged
 * and skipped. Called by the engine on its tick thread, one tick at a time.
 */
final class ObservedPolicy implements ReliabilityPolicy {
  private static final Logger logger = LoggerFactory.getLogger(ObservedPolicy.class);

  private final ReliabilityPolicy policy;
  private final ImmutableList<RoundObserver> observers;
  private final Map<String, ProbeRound> reported = new HashMap<>();

  ObservedPolicy(ReliabilityPolicy policy, Set<RoundObserver> observers) {
    this.policy = checkNotNull(policy, "policy");
    this.observers = ImmutableList.copyOf(checkNotNull(observers, "observers"));
  }

  @Override
  public String name() {
    return policy.name();
  }

  @Override
  public Map<String, ProviderStatus> assess(
      List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
    synchronized (reported) {
      for (ProviderHistory history : histories) {
        history.latest().ifPresent(round -> report(history, round));
      }
    }
    return policy.assess(histories, previous, now);
  }

  private void report(ProviderHistory history, ProbeRound round) {
    if (reported.get(history.provider().id()) == round) {
      return;
    }
    reported.put(history.provider().id(), round);
    for (RoundObserver observer : observers) {
      try {
        observer.roundRecorded(history.provider(), round);
      } catch (RuntimeException e) {
        logger.warn("{} failed on a round of {}", observer, history.provider(), e);
      }
    }
  }

  @Override
  public String toString() {
    return policy.toString();
  }
}
