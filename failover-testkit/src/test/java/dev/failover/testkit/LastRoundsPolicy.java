package dev.failover.testkit;

import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A simple correct policy for the testkit's own tests: a provider is UP when its last {@code n}
 * rounds succeeded, DOWN when one of them failed, and INSUFFICIENT_DATA before it has {@code n}
 * rounds.
 */
final class LastRoundsPolicy implements ReliabilityPolicy {
  private final int n;

  LastRoundsPolicy(int n) {
    this.n = n;
  }

  @Override
  public String name() {
    return "last-" + n + "-rounds";
  }

  @Override
  public Map<String, ProviderStatus> assess(
      List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
    Map<String, ProviderStatus> result = new LinkedHashMap<>();
    for (ProviderHistory history : histories) {
      ProviderState state = stateOf(history);
      ProviderStatus before =
          previous.getOrDefault(history.provider().id(), ProviderStatus.initial(now));
      result.put(
          history.provider().id(),
          before.state() == state ? before : ProviderStatus.of(state, now, reasonOf(state)));
    }
    return result;
  }

  private ProviderState stateOf(ProviderHistory history) {
    if (history.consecutiveSuccesses() >= n) {
      return ProviderState.UP;
    }
    int recent = Math.min(n, history.size());
    for (int i = history.size() - recent; i < history.size(); i++) {
      if (!history.rounds().get(i).succeeded()) {
        return ProviderState.DOWN;
      }
    }
    return ProviderState.INSUFFICIENT_DATA;
  }

  private String reasonOf(ProviderState state) {
    switch (state) {
      case UP:
        return "the last " + n + " rounds succeeded";
      case DOWN:
        return "a failure among the last " + n + " rounds";
      default:
        return "fewer than " + n + " rounds";
    }
  }
}
