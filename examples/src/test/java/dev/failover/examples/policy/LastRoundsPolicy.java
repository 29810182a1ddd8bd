package dev.failover.examples.policy;

import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A user's own policy, written for this example: a provider is up when its newest {@code window}
 * rounds all succeeded, down when its newest {@code window} rounds all failed, and otherwise keeps
 * its state (a simple dead band against flapping).
 */
final class LastRoundsPolicy implements ReliabilityPolicy {
  private final int window;

  LastRoundsPolicy(int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be >= 1, was " + window);
    }
    this.window = window;
  }

  @Override
  public String name() {
    return "last-" + window;
  }

  @Override
  public Map<String, ProviderStatus> assess(
      List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
    Map<String, ProviderStatus> next = new LinkedHashMap<>();
    for (ProviderHistory history : histories) {
      ProviderStatus before =
          previous.getOrDefault(history.provider().id(), ProviderStatus.initial(now));
      ProviderState state = before.state();
      String reason = before.reason();
      if (history.consecutiveSuccesses() >= window) {
        state = ProviderState.UP;
        reason = window + " rounds in a row succeeded";
      } else if (history.consecutiveFailures() >= window) {
        state = ProviderState.DOWN;
        reason = window + " rounds in a row failed";
      }
      next.put(
          history.provider().id(),
          state == before.state() ? before : ProviderStatus.of(state, now, reason));
    }
    return next;
  }
}
