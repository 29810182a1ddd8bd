package dev.failover.core;

import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.api.TestResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A pure policy whose verdicts the histories carry, so that a test of the engine's step controls
 * the statuses through its inputs alone: each provider is in the state named by the detail of the
 * first result of its newest round ({@link #round}); {@code INSUFFICIENT_DATA} without a round. Two
 * more verdicts break the policy's contract on purpose: {@value #THROW} in any provider's round
 * makes {@link #assess} throw {@link #FAILURE} (always the same instance, so that two steps compare
 * equal), and {@value #OMIT} leaves the provider out of the result. Keeps {@code since} while the
 * state stays. Does not check the transition table: the engine must.
 */
final class VerdictPolicy implements ReliabilityPolicy {
  static final String THROW = "THROW";
  static final String OMIT = "OMIT";
  static final IllegalStateException FAILURE = new IllegalStateException("policy bug");

  @Override
  public String name() {
    return "verdict";
  }

  /** A round at {@code at} whose verdict is {@code verdict}: a state's name, or THROW or OMIT. */
  static ProbeRound round(Instant at, String verdict) {
    TestResult result =
        verdict.equals("UP")
            ? new TestResult(TestResult.Outcome.SUCCESS, Duration.ofMillis(10), verdict)
            : TestResult.failure(Duration.ofMillis(1), verdict);
    return ProbeRound.of(at, result);
  }

  /** One history of one round per provider, with the verdicts in provider order. */
  static List<ProviderHistory> histories(List<Provider> providers, Instant at, String... verdicts) {
    List<ProviderHistory> histories = new ArrayList<>();
    for (int i = 0; i < providers.size(); i++) {
      histories.add(ProviderHistory.of(providers.get(i), 50, List.of(round(at, verdicts[i]))));
    }
    return histories;
  }

  @Override
  public Map<String, ProviderStatus> assess(
      List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
    Map<String, ProviderStatus> result = new HashMap<>();
    for (ProviderHistory history : histories) {
      String verdict =
          history.latest().map(r -> r.results().get(0).detail()).orElse("INSUFFICIENT_DATA");
      if (verdict.equals(THROW)) {
        throw FAILURE;
      }
      if (verdict.equals(OMIT)) {
        continue;
      }
      ProviderState state = ProviderState.valueOf(verdict);
      String id = history.provider().id();
      ProviderStatus before = previous.get(id);
      result.put(
          id,
          before != null && before.state() == state
              ? before
              : ProviderStatus.of(state, now, "verdict " + state));
    }
    return result;
  }
}
