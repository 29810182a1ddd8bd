package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The settings of the {@link DampedPolicy}, one component per config key; every instance is valid.
 *
 * <p>The config keys (lower-case snake case, as in the rest of the config file) and their defaults
 * are listed in docs/policy-damped.md, which also explains the arithmetic behind the defaults. The
 * compact constructor rejects a bad value, or an inconsistent pair of values, with an {@link
 * IllegalArgumentException} whose message names the config key, the rule and the value; nothing is
 * clamped quietly. Settings that depend on the rest of the configuration (the number of test cases,
 * the history size) are checked by {@link #checkFits(int, int)}.
 *
 * <p>Immutable and thread-safe. Build one with {@link #defaults()}, {@link #builder()} or {@link
 * #toBuilder()}; the builder does not validate, the constructor does.
 *
 * @param downConsecutiveFailures {@code down_consecutive_failures}: a provider is down after this
 *     many failed rounds in a row; default 3
 * @param upConsecutiveSuccesses {@code up_consecutive_successes}: a down provider starts recovering
 *     only after this many successful rounds in a row (and a suspect one is up again after as
 *     many); default 5
 * @param lossWindowRounds {@code loss_window_rounds}: how many of the newest rounds the figures
 *     shown in the status (packet loss, failed rounds) are counted over; default 50
 * @param lossAcceptablePercent {@code loss_acceptable_percent}: the packet loss (per probe) the
 *     sequential loss test treats as acceptable; default 8
 * @param lossDegradedPercent {@code loss_degraded_percent}: the packet loss the test treats as
 *     degraded, above {@code loss_acceptable_percent}; default 20
 * @param lossFalseAlarmProbability {@code loss_false_alarm_probability}: the probability that one
 *     run of the test, started by a lost probe on a link at exactly the acceptable loss, ends in a
 *     "degraded" verdict (Wald's bound: the threshold is {@code ln(1 / this)}); default 1e-4
 * @param lossFalseRecoveryProbability {@code loss_false_recovery_probability}: the same for the
 *     recovery test, on a link at exactly the degraded loss, ending in an "acceptable again"
 *     verdict; default 1e-3
 * @param minTargetsUp {@code min_targets_up}: a round succeeds when at least this many of its
 *     targets (test cases) succeeded; default 1, "any target answers"
 * @param maxLatency {@code max_latency}: a success slower than this counts as a failure; empty (the
 *     default) turns the latency rule off
 * @param failbackDwell {@code failback_dwell}: how long a provider that was down must stay healthy
 *     (recovering) before it is eligible again; default 30 s
 * @param flapPenalty {@code flap_penalty}: the damping penalty added each time an eligible provider
 *     goes down; 0 turns damping off; default 1000
 * @param flapReuseThreshold {@code flap_reuse_threshold}: a recovering provider stays recovering
 *     while its decayed penalty is above this; default 1000, so that a first failure costs only
 *     the dwell
 * @param flapHalfLife {@code flap_half_life}: the time in which the penalty halves; default 120 s
 * @param flapMaxHold {@code flap_max_hold}: the longest damping can hold a provider back after its
 *     last failure; caps the penalty at {@code flap_reuse_threshold * 2^(flap_max_hold /
 *     flap_half_life)}; default 600 s
 * @param targetCorrelation {@code target_correlation}: whether a target that fails on every
 *     provider in the same round, while another target answers, is ignored for that round; default
 *     true
 * @param sharedTargets not a key: how many results at the start of each round are the same targets
 *     on every provider that takes part in target correlation (the global {@code test_cases}, when
 *     some providers add their own); empty (the default) means every result, compared only where
 *     every provider's round has as many; the launcher derives it from the test cases
 * @param uncorrelatedProviders not a key: the ids of the providers that take no part in target
 *     correlation (those that run only test cases of their own, so share no target with the
 *     others); empty by default; the launcher derives it from the test cases
 */
public record DampedPolicySettings(
    int downConsecutiveFailures,
    int upConsecutiveSuccesses,
    int lossWindowRounds,
    double lossAcceptablePercent,
    double lossDegradedPercent,
    double lossFalseAlarmProbability,
    double lossFalseRecoveryProbability,
    int minTargetsUp,
    Optional<Duration> maxLatency,
    Duration failbackDwell,
    double flapPenalty,
    double flapReuseThreshold,
    Duration flapHalfLife,
    Duration flapMaxHold,
    boolean targetCorrelation,
    OptionalInt sharedTargets,
    Set<String> uncorrelatedProviders) {

  /** The default of {@code down_consecutive_failures}. */
  public static final int DEFAULT_DOWN_CONSECUTIVE_FAILURES = 3;

  /** The default of {@code up_consecutive_successes}. */
  public static final int DEFAULT_UP_CONSECUTIVE_SUCCESSES = 5;

  /** The default of {@code loss_window_rounds}. */
  public static final int DEFAULT_LOSS_WINDOW_ROUNDS = 50;

  /**
   * The default of {@code loss_acceptable_percent}: 8 %, so that a link losing 5 % each way (9.75 %
   * of the pings) is rarely left (about 3 % of such minutes) while 20 % loss is left in about 8 s
   * (docs/policy-damped.md, "The loss test"; it was 6 %, which left such a link in about a fifth of
   * its minutes).
   */
  public static final double DEFAULT_LOSS_ACCEPTABLE_PERCENT = 8;

  /** The default of {@code loss_degraded_percent}: 20 %, the loss the policy must leave. */
  public static final double DEFAULT_LOSS_DEGRADED_PERCENT = 20;

  /** The default of {@code loss_false_alarm_probability}: a threshold of ln(10^4) = 9.21. */
  public static final double DEFAULT_LOSS_FALSE_ALARM_PROBABILITY = 1e-4;

  /** The default of {@code loss_false_recovery_probability}: a threshold of ln(10^3) = 6.91. */
  public static final double DEFAULT_LOSS_FALSE_RECOVERY_PROBABILITY = 1e-3;

  /** The default of {@code min_targets_up}. */
  public static final int DEFAULT_MIN_TARGETS_UP = 1;

  /** The default of {@code failback_dwell}. */
  public static final Duration DEFAULT_FAILBACK_DWELL = Duration.ofSeconds(30);

  /** The default of {@code flap_penalty}. */
  public static final double DEFAULT_FLAP_PENALTY = 1000;

  /** The default of {@code flap_reuse_threshold}. */
  public static final double DEFAULT_FLAP_REUSE_THRESHOLD = 1000;

  /** The default of {@code flap_half_life}. */
  public static final Duration DEFAULT_FLAP_HALF_LIFE = Duration.ofSeconds(120);

  /** The default of {@code flap_max_hold}. */
  public static final Duration DEFAULT_FLAP_MAX_HOLD = Duration.ofSeconds(600);

  /** Upper bound of the round counts; far beyond any sensible history, it keeps arithmetic safe. */
  private static final int MAX_ROUNDS = 1_000_000;

  /** Upper bound of the durations: one day, as for the other durations of the config. */
  private static final Duration MAX_DURATION = Duration.ofDays(1);

  /**
   * Upper bound of {@code flap_max_hold / flap_half_life}, so that the penalty cap {@code reuse *
   * 2^ratio} stays a finite double.
   */
  private static final double MAX_HOLD_HALF_LIVES = 64;

  /**
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a component breaks its rule, or {@code
   *     loss_degraded_percent} is not above {@code loss_acceptable_percent}; the message names the
   *     config key, the rule and the value
   */
  public DampedPolicySettings {
    checkNotNull(maxLatency, "max_latency");
    checkNotNull(failbackDwell, "failback_dwell");
    checkNotNull(flapHalfLife, "flap_half_life");
    checkNotNull(flapMaxHold, "flap_max_hold");
    checkNotNull(sharedTargets, "sharedTargets");
    uncorrelatedProviders =
        Set.copyOf(checkNotNull(uncorrelatedProviders, "uncorrelatedProviders"));
    checkArgument(
        sharedTargets.isEmpty() || sharedTargets.getAsInt() >= 0,
        "sharedTargets must be >= 0 when set, was %s",
        sharedTargets);
    checkRounds("down_consecutive_failures", downConsecutiveFailures);
    checkRounds("up_consecutive_successes", upConsecutiveSuccesses);
    checkRounds("loss_window_rounds", lossWindowRounds);
    checkArgument(
        lossAcceptablePercent > 0 && lossAcceptablePercent < 100,
        "loss_acceptable_percent must be > 0 and < 100, was %s",
        lossAcceptablePercent);
    checkArgument(
        lossDegradedPercent > lossAcceptablePercent && lossDegradedPercent < 100,
        "loss_degraded_percent must be above loss_acceptable_percent (%s) and < 100, the test"
            + " telling the two apart, was %s",
        lossAcceptablePercent,
        lossDegradedPercent);
    checkProbability("loss_false_alarm_probability", lossFalseAlarmProbability);
    checkProbability("loss_false_recovery_probability", lossFalseRecoveryProbability);
    checkArgument(
        minTargetsUp >= 1 && minTargetsUp <= MAX_ROUNDS,
        "min_targets_up must be between 1 and %s, was %s",
        MAX_ROUNDS,
        minTargetsUp);
    if (maxLatency.isPresent()) {
      Duration latency = maxLatency.get();
      checkArgument(
          latency.compareTo(Duration.ZERO) > 0 && latency.compareTo(MAX_DURATION) <= 0,
          "max_latency must be > 0 s and <= 86400 s when set, was %s",
          text(latency));
    }
    checkArgument(
        !failbackDwell.isNegative() && failbackDwell.compareTo(MAX_DURATION) <= 0,
        "failback_dwell must be >= 0 s and <= 86400 s, was %s",
        text(failbackDwell));
    checkArgument(
        flapPenalty >= 0 && flapPenalty <= 1e9,
        "flap_penalty must be >= 0 and <= 1e9, was %s",
        flapPenalty);
    checkArgument(
        flapReuseThreshold > 0 && flapReuseThreshold <= 1e9,
        "flap_reuse_threshold must be > 0 and <= 1e9, was %s",
        flapReuseThreshold);
    checkArgument(
        flapHalfLife.compareTo(Duration.ZERO) > 0 && flapHalfLife.compareTo(MAX_DURATION) <= 0,
        "flap_half_life must be > 0 s and <= 86400 s, was %s",
        text(flapHalfLife));
    checkArgument(
        flapMaxHold.compareTo(Duration.ZERO) > 0 && flapMaxHold.compareTo(MAX_DURATION) <= 0,
        "flap_max_hold must be > 0 s and <= 86400 s, was %s",
        text(flapMaxHold));
    checkArgument(
        seconds(flapMaxHold) / seconds(flapHalfLife) <= MAX_HOLD_HALF_LIVES,
        "flap_max_hold must be at most %s times flap_half_life (%s), was %s",
        (int) MAX_HOLD_HALF_LIVES,
        text(flapHalfLife),
        text(flapMaxHold));
  }

  /** The defaults, as listed in docs/policy-damped.md. */
  public static DampedPolicySettings defaults() {
    return builder().build();
  }

  /** A builder holding the defaults; it does not validate, {@link Builder#build()} does. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding these settings. */
  public Builder toBuilder() {
    return new Builder()
        .downConsecutiveFailures(downConsecutiveFailures)
        .upConsecutiveSuccesses(upConsecutiveSuccesses)
        .lossWindowRounds(lossWindowRounds)
        .lossAcceptablePercent(lossAcceptablePercent)
        .lossDegradedPercent(lossDegradedPercent)
        .lossFalseAlarmProbability(lossFalseAlarmProbability)
        .lossFalseRecoveryProbability(lossFalseRecoveryProbability)
        .minTargetsUp(minTargetsUp)
        .maxLatency(maxLatency)
        .failbackDwell(failbackDwell)
        .flapPenalty(flapPenalty)
        .flapReuseThreshold(flapReuseThreshold)
        .flapHalfLife(flapHalfLife)
        .flapMaxHold(flapMaxHold)
        .targetCorrelation(targetCorrelation)
        .sharedTargets(sharedTargets)
        .uncorrelatedProviders(uncorrelatedProviders);
  }

  /**
   * Checks these settings against the rest of the configuration, which the policy itself does not
   * see; the launcher calls it after loading the config.
   *
   * <p>Without this check the policy still works: it looks at no more rounds than the history
   * keeps, and a round with fewer targets than {@code min_targets_up} needs all of them. But such
   * a configuration does not mean what it says, so it is rejected.
   *
   * @param historyCapacity how many rounds the history keeps ({@code
   *     max_stored_test_result_count})
   * @param testCaseCount how many test cases (targets) each round holds
   * @throws IllegalArgumentException if a round count exceeds {@code historyCapacity} (the rule
   *     could then never see enough rounds), or {@code min_targets_up} exceeds {@code
   *     testCaseCount}; the message names both keys and the values
   */
  public void checkFits(int historyCapacity, int testCaseCount) {
    checkFitsHistory("down_consecutive_failures", downConsecutiveFailures, historyCapacity);
    checkFitsHistory("up_consecutive_successes", upConsecutiveSuccesses, historyCapacity);
    checkFitsHistory("loss_window_rounds", lossWindowRounds, historyCapacity);
    checkArgument(
        minTargetsUp <= testCaseCount,
        "min_targets_up must be at most the number of test_cases (%s), was %s",
        testCaseCount,
        minTargetsUp);
  }

  /**
   * Checks these settings against the rest of the configuration as {@link #checkFits(int, int)},
   * where providers run different numbers of test cases (some list their own): {@code
   * min_targets_up} must fit every provider's count.
   *
   * @param testCaseCounts how many test cases (targets) each provider's rounds hold, by provider id
   * @throws IllegalArgumentException as {@link #checkFits(int, int)}, naming the provider whose
   *     count is too small
   */
  public void checkFits(int historyCapacity, Map<String, Integer> testCaseCounts) {
    checkFitsHistory("down_consecutive_failures", downConsecutiveFailures, historyCapacity);
    checkFitsHistory("up_consecutive_successes", upConsecutiveSuccesses, historyCapacity);
    checkFitsHistory("loss_window_rounds", lossWindowRounds, historyCapacity);
    testCaseCounts.forEach(
        (id, count) ->
            checkArgument(
                minTargetsUp <= count,
                "min_targets_up must be at most the number of test cases of every provider, but"
                    + " provider '%s' runs %s (global and its own), was %s",
                id,
                count,
                minTargetsUp));
  }

  /**
   * The most penalty a provider can carry: {@code flap_reuse_threshold * 2^(flap_max_hold /
   * flap_half_life)}, so that damping never holds a provider for longer than {@code
   * flap_max_hold} after its last failure.
   */
  public double maxPenalty() {
    return flapReuseThreshold * Math.pow(2, seconds(flapMaxHold) / seconds(flapHalfLife));
  }

  /**
   * What one lost probe adds to the loss test's score: the log-likelihood ratio {@code ln(p1 /
   * p0)} of degraded ({@code p1}) against acceptable ({@code p0}) loss; positive.
   */
  public double lostProbeScore() {
    return Math.log(lossDegradedPercent / lossAcceptablePercent);
  }

  /**
   * What one answered probe adds to the loss test's score: {@code ln((1 - p1) / (1 - p0))};
   * negative.
   */
  public double answeredProbeScore() {
    return Math.log((100 - lossDegradedPercent) / (100 - lossAcceptablePercent));
  }

  /** The loss test's threshold: {@code ln(1 / loss_false_alarm_probability)}. */
  public double lossThreshold() {
    return Math.log(1 / lossFalseAlarmProbability);
  }

  /** The recovery test's threshold: {@code ln(1 / loss_false_recovery_probability)}. */
  public double recoveryThreshold() {
    return Math.log(1 / lossFalseRecoveryProbability);
  }

  private static void checkProbability(String key, double value) {
    checkArgument(
        value > 0 && value < 0.5,
        "%s must be > 0 and < 0.5, was %s",
        key,
        value);
  }

  private static void checkFitsHistory(String key, int rounds, int historyCapacity) {
    checkArgument(
        rounds <= historyCapacity,
        "%s must be at most max_stored_test_result_count (%s), was %s",
        key,
        historyCapacity,
        rounds);
  }

  private static void checkRounds(String key, int value) {
    checkArgument(
        value >= 1 && value <= MAX_ROUNDS,
        "%s must be between 1 and %s, was %s",
        key,
        MAX_ROUNDS,
        value);
  }

  /** {@code duration} in (fractional) seconds. */
  static double seconds(Duration duration) {
    return duration.getSeconds() + duration.getNano() / 1e9;
  }

  /**
   * {@code duration} as the config file writes it, in seconds, such as {@code 0.25 s}; independent
   * of the default locale.
   */
  static String text(Duration duration) {
    return BigDecimal.valueOf(duration.getSeconds())
            .add(BigDecimal.valueOf(duration.getNano(), 9))
            .stripTrailingZeros()
            .toPlainString()
        + " s";
  }

  /**
   * Collects {@link DampedPolicySettings} component by component, starting from the defaults.
   *
   * <p>Does not validate: {@link #build()} does, through the record's constructor. Not
   * thread-safe.
   */
  public static final class Builder {
    private int downConsecutiveFailures = DEFAULT_DOWN_CONSECUTIVE_FAILURES;
    private int upConsecutiveSuccesses = DEFAULT_UP_CONSECUTIVE_SUCCESSES;
    private int lossWindowRounds = DEFAULT_LOSS_WINDOW_ROUNDS;
    private double lossAcceptablePercent = DEFAULT_LOSS_ACCEPTABLE_PERCENT;
    private double lossDegradedPercent = DEFAULT_LOSS_DEGRADED_PERCENT;
    private double lossFalseAlarmProbability = DEFAULT_LOSS_FALSE_ALARM_PROBABILITY;
    private double lossFalseRecoveryProbability = DEFAULT_LOSS_FALSE_RECOVERY_PROBABILITY;
    private int minTargetsUp = DEFAULT_MIN_TARGETS_UP;
    private Optional<Duration> maxLatency = Optional.empty();
    private Duration failbackDwell = DEFAULT_FAILBACK_DWELL;
    private double flapPenalty = DEFAULT_FLAP_PENALTY;
    private double flapReuseThreshold = DEFAULT_FLAP_REUSE_THRESHOLD;
    private Duration flapHalfLife = DEFAULT_FLAP_HALF_LIFE;
    private Duration flapMaxHold = DEFAULT_FLAP_MAX_HOLD;
    private boolean targetCorrelation = true;
    private OptionalInt sharedTargets = OptionalInt.empty();
    private Set<String> uncorrelatedProviders = Set.of();

    private Builder() {}

    /** Sets {@code down_consecutive_failures}. */
    public Builder downConsecutiveFailures(int value) {
      this.downConsecutiveFailures = value;
      return this;
    }

    /** Sets {@code up_consecutive_successes}. */
    public Builder upConsecutiveSuccesses(int value) {
      this.upConsecutiveSuccesses = value;
      return this;
    }

    /** Sets {@code loss_window_rounds}. */
    public Builder lossWindowRounds(int value) {
      this.lossWindowRounds = value;
      return this;
    }

    /** Sets {@code loss_acceptable_percent}. */
    public Builder lossAcceptablePercent(double value) {
      this.lossAcceptablePercent = value;
      return this;
    }

    /** Sets {@code loss_degraded_percent}. */
    public Builder lossDegradedPercent(double value) {
      this.lossDegradedPercent = value;
      return this;
    }

    /** Sets {@code loss_false_alarm_probability}. */
    public Builder lossFalseAlarmProbability(double value) {
      this.lossFalseAlarmProbability = value;
      return this;
    }

    /** Sets {@code loss_false_recovery_probability}. */
    public Builder lossFalseRecoveryProbability(double value) {
      this.lossFalseRecoveryProbability = value;
      return this;
    }

    /** Sets {@code min_targets_up}. */
    public Builder minTargetsUp(int value) {
      this.minTargetsUp = value;
      return this;
    }

    /** Sets {@code max_latency}; empty turns the latency rule off. */
    public Builder maxLatency(Optional<Duration> value) {
      this.maxLatency = value;
      return this;
    }

    /** Sets {@code max_latency}. */
    public Builder maxLatency(Duration value) {
      this.maxLatency = Optional.of(checkNotNull(value, "max_latency"));
      return this;
    }

    /** Sets {@code failback_dwell}. */
    public Builder failbackDwell(Duration value) {
      this.failbackDwell = value;
      return this;
    }

    /** Sets {@code flap_penalty}; 0 turns flap damping off. */
    public Builder flapPenalty(double value) {
      this.flapPenalty = value;
      return this;
    }

    /** Sets {@code flap_reuse_threshold}. */
    public Builder flapReuseThreshold(double value) {
      this.flapReuseThreshold = value;
      return this;
    }

    /** Sets {@code flap_half_life}. */
    public Builder flapHalfLife(Duration value) {
      this.flapHalfLife = value;
      return this;
    }

    /** Sets {@code flap_max_hold}. */
    public Builder flapMaxHold(Duration value) {
      this.flapMaxHold = value;
      return this;
    }

    /** Sets {@code target_correlation}. */
    public Builder targetCorrelation(boolean value) {
      this.targetCorrelation = value;
      return this;
    }

    /**
     * Sets how many results at the start of each round are targets shared by every provider that
     * takes part in target correlation; empty means every result (the default).
     */
    public Builder sharedTargets(OptionalInt value) {
      this.sharedTargets = value;
      return this;
    }

    /** Sets how many results at the start of each round are shared targets. */
    public Builder sharedTargets(int value) {
      this.sharedTargets = OptionalInt.of(value);
      return this;
    }

    /** Sets the ids of the providers that take no part in target correlation. */
    public Builder uncorrelatedProviders(Set<String> value) {
      this.uncorrelatedProviders = value;
      return this;
    }

    /**
     * The settings collected so far.
     *
     * @throws NullPointerException if a duration was set to null
     * @throws IllegalArgumentException as {@link DampedPolicySettings#DampedPolicySettings} does
     */
    public DampedPolicySettings build() {
      return new DampedPolicySettings(
          downConsecutiveFailures,
          upConsecutiveSuccesses,
          lossWindowRounds,
          lossAcceptablePercent,
          lossDegradedPercent,
          lossFalseAlarmProbability,
          lossFalseRecoveryProbability,
          minTargetsUp,
          maxLatency,
          failbackDwell,
          flapPenalty,
          flapReuseThreshold,
          flapHalfLife,
          flapMaxHold,
          targetCorrelation,
          sharedTargets,
          uncorrelatedProviders);
    }
  }
}
