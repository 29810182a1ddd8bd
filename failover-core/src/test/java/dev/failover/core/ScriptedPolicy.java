package dev.failover.core;

import dev.failover.api.ProviderEvidence;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A policy whose verdicts the test sets: each provider is in the state last given to {@link #set},
 * {@code UP} until then, whatever its history. Keeps {@code since} while the state stays. The test
 * must move states only along the transitions {@link ProviderState} allows. Thread-safe.
 */
public final class ScriptedPolicy implements ReliabilityPolicy {
  private final Map<String, ProviderState> states = new HashMap<>();
  private final Map<String, ProviderEvidence> evidence = new HashMap<>();
  private int calls;

  /** From the next assessment on, {@code providerId} is in {@code state}. */
  public synchronized ScriptedPolicy set(String providerId, ProviderState state) {
    states.put(providerId, state);
    return this;
  }

  /** From the next assessment on, {@code providerId}'s status carries {@code figures}. */
  public synchronized ScriptedPolicy evidence(String providerId, ProviderEvidence figures) {
    evidence.put(providerId, figures);
    return this;
  }

  /** How many times the engine asked for an assessment. */
  public synchronized int calls() {
    return calls;
  }

  @Override
  public String name() {
    return "scripted";
  }

  @Override
  public synchronized Map<String, ProviderStatus> assess(
      List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
    calls++;
    Map<String, ProviderStatus> result = new HashMap<>();
    for (ProviderHistory history : histories) {
      String id = history.provider().id();
      ProviderState state = states.getOrDefault(id, ProviderState.UP);
      ProviderStatus before = previous.get(id);
      ProviderStatus status =
          before != null && before.state() == state
              ? before
              : ProviderStatus.of(state, now, "scripted " + state);
      result.put(id, status.withEvidence(evidence.getOrDefault(id, ProviderEvidence.NONE)));
    }
    return result;
  }
}
