package dev.failover.testkit;

import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.api.TestResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Runs a {@link ReliabilityPolicy} over per-provider {@link Trace}s the way the engine does, and
 * records every decision in a {@link SimulationResult}.
 *
 * <p>Step {@code s} happens at {@code start + s * interval}. At each step every provider gets one
 * {@link ProbeRound} started at that instant, holding the step's result of each of its traces (one
 * trace per scenario); the round joins the provider's history, of which only the newest {@code
 * historyCapacity} rounds are kept ({@link ProviderHistory#of}); then the policy assesses all
 * providers at once, in priority order, and gets back as {@code previous} the statuses it returned
 * at the step before (an empty map at step 0, so that every provider starts from {@link
 * ProviderStatus#initial}). The inputs it gets are unmodifiable, with {@code previous} in
 * priority order.
 *
 * <p>Instances are immutable and configured with the {@code with*} methods; defaults: history
 * capacity {@value #DEFAULT_HISTORY_CAPACITY}, interval {@link #DEFAULT_INTERVAL}, start {@link
 * FakeClock#DEFAULT_START}, providers {@link TestProviders#of}. A run is single-threaded and costs
 * O(steps x providers x capacity) besides the policy's own work. Thread-safe if the policy is.
 */
public final class PolicySimulation {
  /** The history capacity unless set: the original's {@code max_stored_test_result_count}. */
  public static final int DEFAULT_HISTORY_CAPACITY = 50;

  /** The time between two rounds unless set. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);

  private final ReliabilityPolicy policy;
  private final int historyCapacity;
  private final Duration interval;
  private final Instant start;
  private final @Nullable List<Provider> providers;

  private PolicySimulation(
      ReliabilityPolicy policy,
      int historyCapacity,
      Duration interval,
      Instant start,
      @Nullable List<Provider> providers) {
    this.policy = policy;
    this.historyCapacity = historyCapacity;
    this.interval = interval;
    this.start = start;
    this.providers = providers;
  }

  /** A simulation of {@code policy} with the defaults. */
  public static PolicySimulation of(ReliabilityPolicy policy) {
    return new PolicySimulation(
        Objects.requireNonNull(policy, "policy"),
        DEFAULT_HISTORY_CAPACITY,
        DEFAULT_INTERVAL,
        FakeClock.DEFAULT_START,
        null);
  }

  /**
   * This simulation keeping at most {@code capacity} rounds per provider.
   *
   * @throws IllegalArgumentException if {@code capacity} is not positive
   */
  public PolicySimulation withHistoryCapacity(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be > 0, was " + capacity);
    }
    return new PolicySimulation(policy, capacity, interval, start, providers);
  }

  /**
   * This simulation with {@code interval} between two rounds.
   *
   * @throws IllegalArgumentException if {@code interval} is not positive
   */
  public PolicySimulation withInterval(Duration interval) {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be > 0, was " + interval);
    }
    return new PolicySimulation(policy, historyCapacity, interval, start, providers);
  }

  /** This simulation with its first round at {@code start}. */
  public PolicySimulation withStart(Instant start) {
    return new PolicySimulation(
        policy, historyCapacity, interval, Objects.requireNonNull(start, "start"), providers);
  }

  /**
   * This simulation with {@code providers}, in priority order, instead of {@link
   * TestProviders#of}; a run must then give one trace (or list of traces) per provider.
   *
   * @throws IllegalArgumentException if {@code providers} is empty or names an id twice
   */
  public PolicySimulation withProviders(List<Provider> providers) {
    List<Provider> copy = List.copyOf(providers);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("providers must not be empty");
    }
    if (copy.stream().map(Provider::id).distinct().count() != copy.size()) {
      throw new IllegalArgumentException("providers must have distinct ids, were " + copy);
    }
    return new PolicySimulation(policy, historyCapacity, interval, start, copy);
  }

  /** The policy simulated. */
  public ReliabilityPolicy policy() {
    return policy;
  }

  /** The most rounds kept per provider. */
  public int historyCapacity() {
    return historyCapacity;
  }

  /** The time between two rounds. */
  public Duration interval() {
    return interval;
  }

  /** The instant of step 0. */
  public Instant start() {
    return start;
  }

  /**
   * Runs one scenario per provider: {@code traces.get(i)} is provider {@code i}'s results.
   *
   * @throws IllegalArgumentException if {@code traces} is empty, the traces differ in length, or
   *     their number differs from the providers set with {@link #withProviders}
   * @throws AssertionError if the policy returns no status for a provider
   */
  public SimulationResult run(List<Trace> traces) {
    List<List<Trace>> matrix = new ArrayList<>(traces.size());
    for (Trace trace : traces) {
      matrix.add(List.of(Objects.requireNonNull(trace, "trace")));
    }
    return runScenarios(matrix);
  }

  /**
   * Runs several scenarios per provider: {@code tracesPerProvider.get(i).get(j)} is provider {@code
   * i}'s results for scenario {@code j}; a round succeeds only if all its scenarios do.
   *
   * @throws IllegalArgumentException if there are no providers, a provider has no trace, the traces
   *     differ in length, or their number differs from the providers set with {@link
   *     #withProviders}
   * @throws AssertionError if the policy returns no status for a provider
   */
  public SimulationResult runScenarios(List<List<Trace>> tracesPerProvider) {
    List<List<Trace>> matrix = new ArrayList<>();
    for (List<Trace> row : tracesPerProvider) {
      matrix.add(List.copyOf(row));
    }
    if (matrix.isEmpty()) {
      throw new IllegalArgumentException("tracesPerProvider must name at least one provider");
    }
    List<Provider> actors = providers != null ? providers : TestProviders.of(matrix.size());
    if (actors.size() != matrix.size()) {
      throw new IllegalArgumentException(
          "tracesPerProvider must have one entry per provider ("
              + actors.size()
              + "), had "
              + matrix.size());
    }
    int steps = -1;
    for (int p = 0; p < matrix.size(); p++) {
      if (matrix.get(p).isEmpty()) {
        throw new IllegalArgumentException(
            "every provider needs at least one trace, but " + actors.get(p) + " has none");
      }
      for (Trace trace : matrix.get(p)) {
        if (steps < 0) {
          steps = trace.size();
        } else if (trace.size() != steps) {
          throw new IllegalArgumentException(
              "all traces must have the same length, but "
                  + actors.get(p)
                  + " has one of "
                  + trace.size()
                  + " rounds after one of "
                  + steps);
        }
      }
    }

    List<ArrayDeque<ProbeRound>> kept = new ArrayList<>();
    for (int p = 0; p < actors.size(); p++) {
      kept.add(new ArrayDeque<>(historyCapacity + 1));
    }
    List<List<ProviderHistory>> historiesByStep = new ArrayList<>(steps);
    List<Map<String, ProviderStatus>> statusesByStep = new ArrayList<>(steps);
    Map<String, ProviderStatus> previous = Map.of(); // throws on any change, even clear()
    for (int step = 0; step < steps; step++) {
      Instant now = timeAt(step);
      List<ProviderHistory> histories = new ArrayList<>(actors.size());
      for (int p = 0; p < actors.size(); p++) {
        List<TestResult> results = new ArrayList<>(matrix.get(p).size());
        for (Trace trace : matrix.get(p)) {
          results.add(trace.get(step));
        }
        ArrayDeque<ProbeRound> rounds = kept.get(p);
        rounds.addLast(new ProbeRound(now, results));
        if (rounds.size() > historyCapacity) {
          rounds.removeFirst();
        }
        histories.add(ProviderHistory.of(actors.get(p), historyCapacity, List.copyOf(rounds)));
      }
      List<ProviderHistory> given = List.copyOf(histories);
      Map<String, ProviderStatus> returned = policy.assess(given, previous, now);
      if (returned == null) {
        throw new AssertionError(
            "policy '" + policy.name() + "' returned null at step " + step + " (" + now + ")");
      }
      Map<String, ProviderStatus> statuses = new LinkedHashMap<>();
      for (Provider provider : actors) {
        ProviderStatus status = returned.get(provider.id());
        if (status == null) {
          throw new AssertionError(
              "policy '"
                  + policy.name()
                  + "' returned no status for "
                  + provider
                  + " at step "
                  + step
                  + " ("
                  + now
                  + "); it returned "
                  + returned.keySet());
        }
        statuses.put(provider.id(), status);
      }
      Map<String, ProviderStatus> frozen = Collections.unmodifiableMap(statuses);
      historiesByStep.add(given);
      statusesByStep.add(frozen);
      previous = frozen;
    }
    return new SimulationResult(
        policy.name(), actors, start, interval, historyCapacity, historiesByStep, statusesByStep);
  }

  private Instant timeAt(int step) {
    return start.plus(interval.multipliedBy(step));
  }

  @Override
  public String toString() {
    return "PolicySimulation[policy="
        + policy.name()
        + ", historyCapacity="
        + historyCapacity
        + ", interval="
        + interval
        + ", start="
        + start
        + "]";
  }
}
