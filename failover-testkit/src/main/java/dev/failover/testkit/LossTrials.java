package dev.failover.testkit;

import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.api.TestResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * Seeded trials of a {@link ReliabilityPolicy} against per-probe {@link LinkLoss} on the primary of
 * two providers, at the engine's cadence: how long the policy takes to leave a lossy primary, and
 * how often it leaves one whose loss is acceptable. The figures docs/policy-damped.md states are
 * measured with it.
 *
 * <p>A trial: provider 0 (the primary) and provider 1 (a clean backup) are probed in rounds, one
 * probe per target; the policy assesses both after each round, as the engine does. The next round
 * starts {@code fast} after the last one while any provider is in doubt ({@code SUSPECT}, {@code
 * RECOVERING}, {@code INSUFFICIENT_DATA}, a loss score above 0, or a recovery score above 0 while
 * {@code DOWN}), and {@code normal} after it otherwise; but {@code 3/4 fast} for at most two rounds
 * after a round in which a provider in service answered nothing, and otherwise {@code fast / 2}
 * while a sequential test runs (a loss score above 0, or a recovery score above 0 while {@code
 * DOWN}): the rule of failover-core's {@code EngineState.interval}. The trial
 * starts with clean rounds until the primary is eligible and its loss score is 0; then the loss
 * starts, and the clock with it. A lost probe is a {@link TestResult#timeout}, an answered one a
 * success after {@link Traces#DEFAULT_LATENCY}.
 *
 * <p>Immutable; configure with the {@code with*} methods (defaults: 2 targets, cadences of 0.5 s
 * and 0.2 s, a history of 50 rounds, as the daemon's defaults). A trial is single-threaded and
 * keeps only the histories, so it can run for simulated days.
 */
public final class LossTrials {
  /** The most clean rounds a trial waits for the primary to become eligible. */
  private static final int MAX_WARM_UP_ROUNDS = 10_000;

  private final ReliabilityPolicy policy;
  private final int targets;
  private final Duration normal;
  private final Duration fast;
  private final int historyCapacity;

  private LossTrials(
      ReliabilityPolicy policy, int targets, Duration normal, Duration fast, int historyCapacity) {
    this.policy = policy;
    this.targets = targets;
    this.normal = normal;
    this.fast = fast;
    this.historyCapacity = historyCapacity;
  }

  /** Trials of {@code policy} with the defaults. */
  public static LossTrials of(ReliabilityPolicy policy) {
    return new LossTrials(
        Objects.requireNonNull(policy, "policy"),
        2,
        Duration.ofMillis(500),
        Duration.ofMillis(200),
        PolicySimulation.DEFAULT_HISTORY_CAPACITY);
  }

  /**
   * These trials with {@code targets} probes per round.
   *
   * @throws IllegalArgumentException if {@code targets} is not positive
   */
  public LossTrials withTargets(int targets) {
    if (targets <= 0) {
      throw new IllegalArgumentException("targets must be > 0, was " + targets);
    }
    return new LossTrials(policy, targets, normal, fast, historyCapacity);
  }

  /**
   * These trials with the cadences {@code normal} and {@code fast}.
   *
   * @throws IllegalArgumentException if a cadence is not positive, or {@code fast} exceeds {@code
   *     normal}
   */
  public LossTrials withCadence(Duration normal, Duration fast) {
    if (normal.isNegative() || normal.isZero() || fast.isNegative() || fast.isZero()) {
      throw new IllegalArgumentException(
          "cadences must be > 0, were " + normal + " and " + fast);
    }
    if (fast.compareTo(normal) > 0) {
      throw new IllegalArgumentException(
          "fast must be <= normal (" + normal + "), was " + fast);
    }
    return new LossTrials(policy, targets, normal, fast, historyCapacity);
  }

  /**
   * These trials keeping {@code capacity} rounds per provider.
   *
   * @throws IllegalArgumentException if {@code capacity} is not positive
   */
  public LossTrials withHistoryCapacity(int capacity) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be > 0, was " + capacity);
    }
    return new LossTrials(policy, targets, normal, fast, capacity);
  }

  /**
   * Seconds from the start of {@code loss} until the policy first judges the primary not eligible;
   * empty if it still is after {@code limit}.
   */
  public OptionalDouble secondsToLeave(LinkLoss loss, SplittableRandom random, Duration limit) {
    Trial trial = new Trial(loss, random);
    double seconds = trial.runUntilLeft(seconds(limit));
    return seconds < 0 ? OptionalDouble.empty() : OptionalDouble.of(seconds);
  }

  /**
   * How many times the policy leaves the primary within {@code duration} of {@code loss}: after
   * each time, a new trial starts (the time of its clean start not counted), so the count over a
   * long duration estimates the rate at which a link with that loss is left while in service.
   */
  public int timesLeft(LinkLoss loss, SplittableRandom random, Duration duration) {
    double left = seconds(duration);
    int count = 0;
    while (left > 0) {
      double seconds = new Trial(loss, random).runUntilLeft(left);
      if (seconds < 0) {
        break;
      }
      count++;
      left -= seconds;
    }
    return count;
  }

  private static double seconds(Duration duration) {
    return duration.getSeconds() + duration.getNano() / 1e9;
  }

  /** One trial: histories, statuses and the clock. */
  private final class Trial {
    private final List<Provider> providers = TestProviders.of(2);
    private final List<ArrayDeque<ProbeRound>> rounds =
        List.of(new ArrayDeque<>(historyCapacity + 1), new ArrayDeque<>(historyCapacity + 1));
    private final LinkLoss.Sampler sampler;
    private final boolean[] lost = new boolean[targets];
    private final boolean[] none = new boolean[targets];
    private final TestResult success = TestResult.success(Traces.DEFAULT_LATENCY);
    private final TestResult timeout = TestResult.timeout(Traces.LOSS_TIMEOUT);
    private Map<String, ProviderStatus> statuses = Map.of();
    private Instant now = FakeClock.DEFAULT_START;

    Trial(LinkLoss loss, SplittableRandom random) {
      this.sampler = loss.start(random);
    }

    /** Seconds of loss until the primary is not eligible; -1 if it still is after the limit. */
    double runUntilLeft(double limitSeconds) {
      for (int i = 0; ; i++) {
        if (i >= MAX_WARM_UP_ROUNDS) {
          throw new AssertionError(
              "policy '" + policy.name() + "' never judged a clean primary eligible");
        }
        round(none);
        ProviderStatus primary = statuses.get(providers.get(0).id());
        if (primary.eligible() && primary.evidence().lossScore() == 0) {
          break;
        }
        advance();
      }
      double elapsed = 0;
      while (true) {
        Duration step = advance();
        elapsed += seconds(step);
        if (elapsed > limitSeconds) {
          return -1;
        }
        sampler.nextRound(lost);
        round(lost);
        if (!statuses.get(providers.get(0).id()).eligible()) {
          return elapsed;
        }
      }
    }

    private Duration advance() {
      Duration step;
      if (hurried()) {
        step = fast.multipliedBy(3).dividedBy(4);
      } else if (testRunning()) {
        step = fast.dividedBy(2);
      } else {
        step = inDoubt() ? fast : normal;
      }
      now = now.plus(step);
      return step;
    }

    /**
     * The engine's hurry after a silent round ({@code EngineState.interval}): a provider in service
     * whose newest 1 or 2 rounds in a row had no answer, with a fast cadence configured.
     */
    private boolean hurried() {
      if (fast.compareTo(normal) >= 0) {
        return false;
      }
      for (int p = 0; p < 2; p++) {
        ProviderStatus status = statuses.get(providers.get(p).id());
        if (status == null
            || status.state() == ProviderState.DOWN
            || status.state() == ProviderState.RECOVERING) {
          continue;
        }
        int silent = 0;
        for (var it = rounds.get(p).descendingIterator(); it.hasNext() && silent <= 2; ) {
          if (it.next().results().stream().anyMatch(TestResult::succeeded)) {
            break;
          }
          silent++;
        }
        if (silent >= 1 && silent <= 2) {
          return true;
        }
      }
      return false;
    }

    /** A sequential test runs, with a fast cadence configured: the engine's half fast cadence. */
    private boolean testRunning() {
      if (fast.compareTo(normal) >= 0) {
        return false;
      }
      for (ProviderStatus status : statuses.values()) {
        if (status.evidence().lossScore() > 0
            || (status.state() == ProviderState.DOWN && status.evidence().recoveryScore() > 0)) {
          return true;
        }
      }
      return false;
    }

    private boolean inDoubt() {
      for (ProviderStatus status : statuses.values()) {
        ProviderState state = status.state();
        if (state == ProviderState.SUSPECT
            || state == ProviderState.RECOVERING
            || state == ProviderState.INSUFFICIENT_DATA
            || status.evidence().lossScore() > 0
            || (state == ProviderState.DOWN && status.evidence().recoveryScore() > 0)) {
          return true;
        }
      }
      return statuses.isEmpty();
    }

    private void round(boolean[] primaryLost) {
      List<ProviderHistory> histories = new ArrayList<>(2);
      for (int p = 0; p < 2; p++) {
        List<TestResult> results = new ArrayList<>(targets);
        for (int t = 0; t < targets; t++) {
          results.add(p == 0 && primaryLost[t] ? timeout : success);
        }
        ArrayDeque<ProbeRound> kept = rounds.get(p);
        kept.addLast(new ProbeRound(now, results));
        if (kept.size() > historyCapacity) {
          kept.removeFirst();
        }
        histories.add(ProviderHistory.of(providers.get(p), historyCapacity, List.copyOf(kept)));
      }
      Map<String, ProviderStatus> next = policy.assess(List.copyOf(histories), statuses, now);
      statuses = Map.copyOf(next);
    }
  }
}
