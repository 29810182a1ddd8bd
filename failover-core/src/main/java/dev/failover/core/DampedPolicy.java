package dev.failover.core;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.failover.api.Provider;
import dev.failover.api.ProviderEvidence;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The default reliability policy: quick to declare an uplink down, slow and careful to trust it
 * again, and slower still for an uplink that keeps flapping.
 *
 * <p>The rules, with the defaults of {@link DampedPolicySettings} in brackets (the arithmetic
 * behind them is in docs/policy-damped.md):
 *
 * <ul>
 *   <li><b>Rounds.</b> A round (one result per configured target) fails when fewer than {@code
 *       min_targets_up} [1] of its targets succeeded; a success slower than {@code max_latency}
 *       [off] counts as failed; a target that fails on every provider at the same round position
 *       while another target answers somewhere is ignored there ({@code target_correlation}
 *       [on]).
 *   <li><b>Down.</b> An eligible provider ({@link ProviderState#UP UP} or {@link
 *       ProviderState#SUSPECT SUSPECT}) goes {@link ProviderState#DOWN DOWN} after {@code
 *       down_consecutive_failures} [3] failed rounds in a row (reachability), or when the
 *       sequential loss test ({@link LossTest}) finds its packet loss degraded: {@code
 *       loss_degraded_percent} [20] rather than {@code loss_acceptable_percent} [8], with a false
 *       alarm probability per test run of {@code loss_false_alarm_probability} [1e-4]. Before
 *       that, its first failed round makes it SUSPECT, still eligible.
 *   <li><b>Up.</b> A down provider starts {@link ProviderState#RECOVERING RECOVERING} (not
 *       eligible) once {@code up_consecutive_successes} [5] rounds in a row succeeded and the
 *       recovery test, started afresh when it went down, finds its loss acceptable again (wrongly,
 *       for a link at the degraded loss, with probability {@code loss_false_recovery_probability}
 *       [1e-3]). It stays recovering until a round fails or the loss test finds loss degraded
 *       (then DOWN again, which restarts the dwell), and is UP again once it has recovered for
 *       {@code failback_dwell} [30 s] and its flap penalty has decayed to {@code
 *       flap_reuse_threshold} [1000] or less.
 *   <li><b>Flap damping</b> (after RFC 2439). Each move of an eligible provider (UP or SUSPECT)
 *       to DOWN adds {@code flap_penalty} [1000] to its penalty, which halves every {@code
 *       flap_half_life} [120 s] and is capped so that it never holds a provider longer than {@code
 *       flap_max_hold} [600 s]. A recovering provider that fails again goes back to DOWN without
 *       a penalty: it carried no traffic. With the defaults, a first failure costs only the
 *       dwell; one that follows soon after an earlier one waits until the penalty has decayed.
 *   <li><b>Start.</b> A provider nothing is known about ({@link ProviderState#INSUFFICIENT_DATA})
 *       is UP after its first successful round, DOWN once the down rule fires, and stays as it is
 *       while it has only failed fewer times than that.
 * </ul>
 *
 * <p>Memory travels in the {@link ProviderStatus}: {@code since} is when the provider entered its
 * state (the dwell is measured from it), {@code flapPenalty} is the penalty as it stood at {@code
 * since} (its value at {@code now} is {@link #penaltyAt}), and {@code evidence} holds the loss
 * tests' scores beside the figures of the window (packet loss per probe, failed rounds). Each call
 * folds the newest round of each history into the scores once: the engine calls the policy once
 * per recorded round. A provider whose state does not change gets its previous status back with
 * only its evidence updated. Every change is checked against {@link
 * ProviderState}'s transition table. If the history of a provider that was DOWN or RECOVERING is
 * emptied (reset), it is DOWN, so that a reset never skips the dwell; otherwise an empty history
 * gives INSUFFICIENT_DATA.
 *
 * <p>A pure function: immutable, thread-safe, reads no clock, draws no random numbers. If {@code
 * now} is earlier than a status's {@code since} (the clock stepped back), the elapsed time counts
 * as zero. Cost: see {@link DampedEvidence}; about {@code providers × 50 × targets} result reads
 * per call with the defaults.
 */
public final class DampedPolicy implements ReliabilityPolicy {
  /** The policy's name in config ({@code policy = "damped"}) and logs. */
  public static final String NAME = "damped";

  /** A penalty below this is rounded to 0, so that logs and statuses do not show 1e-300. */
  private static final double NEGLIGIBLE_PENALTY = 1e-3;

  private final DampedPolicySettings settings;

  /**
   * Creates the policy with {@code settings}.
   *
   * @throws NullPointerException if {@code settings} is null
   */
  @Inject
  public DampedPolicy(DampedPolicySettings settings) {
    this.settings = checkNotNull(settings, "settings");
  }

  /** The policy with {@link DampedPolicySettings#defaults()}. */
  public static DampedPolicy withDefaults() {
    return new DampedPolicy(DampedPolicySettings.defaults());
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The settings this policy applies. */
  public DampedPolicySettings settings() {
    return settings;
  }

  /**
   * The flap penalty of {@code status} at {@code now}: its stored penalty, halved for every {@code
   * flap_half_life} since {@code status.since()}; 0 when negligible (below 0.001).
   *
   * @throws NullPointerException if an argument is null
   */
  public double penaltyAt(ProviderStatus status, Instant now) {
    checkNotNull(status, "status");
    checkNotNull(now, "now");
    if (status.flapPenalty() == 0) {
      return 0;
    }
    double halfLives =
        DampedPolicySettings.seconds(elapsed(status.since(), now))
            / DampedPolicySettings.seconds(settings.flapHalfLife());
    double penalty = status.flapPenalty() * Math.pow(2, -halfLives);
    return penalty < NEGLIGIBLE_PENALTY ? 0 : penalty;
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if two histories belong to providers with the same id
   */
  @Override
  public Map<String, ProviderStatus> assess(
      List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
    checkNotNull(histories, "histories");
    checkNotNull(previous, "previous");
    checkNotNull(now, "now");
    List<DampedEvidence> evidence = DampedEvidence.gather(histories, settings);
    ImmutableMap.Builder<String, ProviderStatus> statuses =
        ImmutableMap.builderWithExpectedSize(histories.size());
    for (int i = 0; i < histories.size(); i++) {
      ProviderHistory history = histories.get(i);
      ProviderStatus before = previous.get(history.provider().id());
      if (before == null) {
        before = ProviderStatus.initial(now);
      }
      statuses.put(history.provider().id(), next(history, evidence.get(i), before, now));
    }
    return statuses.buildOrThrow();
  }

  private ProviderStatus next(
      ProviderHistory history, DampedEvidence evidence, ProviderStatus before, Instant now) {
    Provider provider = history.provider();
    double penalty = penaltyAt(before, now);
    if (history.isEmpty()) {
      // A reset history: the tests start again from nothing.
      if (before.state() == ProviderState.DOWN) {
        return before.withEvidence(ProviderEvidence.NONE);
      }
      if (before.state() == ProviderState.RECOVERING) {
        return move(
                provider, before, ProviderState.DOWN, now, penalty,
                "no results since the history was reset while recovering")
            .withEvidence(ProviderEvidence.NONE);
      }
      return move(
              provider, before, ProviderState.INSUFFICIENT_DATA, now, penalty,
              "no results since the history was reset")
          .withEvidence(ProviderEvidence.NONE);
    }
    LossTest test = LossTest.of(before.evidence()).fold(evidence, settings);
    Optional<String> down = downRule(evidence, test);
    boolean recover = recoverRule(evidence, test);
    ProviderStatus next = decide(provider, evidence, test, down, recover, before, now, penalty);
    // A down provider must show acceptable loss anew to recover, so its recovery test restarts
    // when it goes down; its loss test rests at 0 while it is down (nothing to decide), so that it
    // is not judged again on the loss that put it there, and the engine does not probe faster for
    // a test nobody reads.
    if (next.state() == ProviderState.DOWN) {
      test = test.withLossScore(0);
      if (before.state() != ProviderState.DOWN) {
        test = test.withRecoveryScore(0);
      }
    }
    return next.withEvidence(test.evidence(evidence));
  }

  private ProviderStatus decide(
      Provider provider,
      DampedEvidence evidence,
      LossTest test,
      Optional<String> down,
      boolean recover,
      ProviderStatus before,
      Instant now,
      double penalty) {
    switch (before.state()) {
      case INSUFFICIENT_DATA:
        if (down.isPresent()) {
          return move(provider, before, ProviderState.DOWN, now, penalty, down.get());
        }
        if (evidence.consecutiveSuccesses() == 0) {
          return before;
        }
        if (penalty <= settings.flapReuseThreshold()) {
          return move(
              provider, before, ProviderState.UP, now, penalty,
              "first successful round, " + targets(evidence));
        }
        return recover ? recovering(provider, before, now, penalty, evidence, test) : before;
      case UP:
        if (down.isPresent()) {
          return move(provider, before, ProviderState.DOWN, now, flap(penalty), down.get());
        }
        if (evidence.consecutiveFailures() > 0) {
          return move(provider, before, ProviderState.SUSPECT, now, penalty, suspect(evidence));
        }
        return before;
      case SUSPECT:
        if (down.isPresent()) {
          return move(provider, before, ProviderState.DOWN, now, flap(penalty), down.get());
        }
        if (evidence.consecutiveSuccesses() >= settings.upConsecutiveSuccesses()) {
          return move(
              provider, before, ProviderState.UP, now, penalty,
              format("%d consecutive successful rounds", evidence.consecutiveSuccesses()));
        }
        return before;
      case DOWN:
        return recover ? recovering(provider, before, now, penalty, evidence, test) : before;
      case RECOVERING:
        if (down.isPresent() || evidence.consecutiveFailures() > 0) {
          // Not a flap: the provider was not eligible, so no traffic moved.
          return move(
              provider, before, ProviderState.DOWN, now, penalty,
              "recovery interrupted: "
                  + down.orElseGet(() -> "a round failed, " + targets(evidence)));
        }
        if (holdOver(before.since(), now, penalty)) {
          return move(provider, before, ProviderState.UP, now, penalty, recovered(before, now));
        }
        return before;
    }
    throw new AssertionError("unknown state " + before.state());
  }

  /**
   * The down rule's reason if it fires: N consecutive failed rounds (reachability), or the loss
   * test's verdict "degraded" (packet loss).
   */
  private Optional<String> downRule(DampedEvidence evidence, LossTest test) {
    if (evidence.consecutiveFailures() >= settings.downConsecutiveFailures()) {
      return Optional.of(
          format(
              "%d consecutive failed rounds (down at %d), %s",
              evidence.consecutiveFailures(),
              settings.downConsecutiveFailures(),
              targets(evidence)));
    }
    if (test.lossScore() >= settings.lossThreshold()) {
      return Optional.of(
          format(
              "packet loss degraded: loss test score %s reached %s (acceptable %s, degraded %s);"
                  + " %d of the last %d probes lost (%s)",
              decimal(test.lossScore(), 2),
              decimal(settings.lossThreshold(), 2),
              percent(settings.lossAcceptablePercent()),
              percent(settings.lossDegradedPercent()),
              evidence.windowLostProbes(),
              evidence.windowProbes(),
              percent(evidence.lossPercent())));
    }
    return Optional.empty();
  }

  /**
   * The recover rule: M consecutive successful rounds, and the recovery test's verdict
   * "acceptable loss" since the provider went down.
   */
  private boolean recoverRule(DampedEvidence evidence, LossTest test) {
    return evidence.consecutiveSuccesses() >= settings.upConsecutiveSuccesses()
        && test.recoveryScore() >= settings.recoveryThreshold();
  }

  /**
   * Enters RECOVERING, or UP at once when neither the dwell nor damping holds the provider back
   * (a zero dwell).
   */
  private ProviderStatus recovering(
      Provider provider,
      ProviderStatus before,
      Instant now,
      double penalty,
      DampedEvidence evidence,
      LossTest test) {
    String healthy =
        format(
            "%d consecutive successful rounds, loss acceptable (recovery test score %s reached"
                + " %s); %d of the last %d probes lost (%s)",
            evidence.consecutiveSuccesses(),
            decimal(test.recoveryScore(), 2),
            decimal(settings.recoveryThreshold(), 2),
            evidence.windowLostProbes(),
            evidence.windowProbes(),
            percent(evidence.lossPercent()));
    if (holdOver(now, now, penalty)) {
      return move(provider, before, ProviderState.UP, now, penalty, healthy);
    }
    Duration damping = dampingHold(penalty);
    String hold =
        damping.compareTo(settings.failbackDwell()) > 0
            ? format(
                "eligible after %s of flap damping (penalty %d > %d)",
                DampedPolicySettings.text(damping),
                Math.round(penalty),
                Math.round(settings.flapReuseThreshold()))
            : "eligible after the failback dwell of "
                + DampedPolicySettings.text(settings.failbackDwell());
    return move(
        provider, before, ProviderState.RECOVERING, now, penalty, healthy + "; " + hold);
  }

  /** Whether a provider recovering since {@code since} has served its dwell and damping. */
  private boolean holdOver(Instant since, Instant now, double penalty) {
    return elapsed(since, now).compareTo(settings.failbackDwell()) >= 0
        && penalty <= settings.flapReuseThreshold();
  }

  /** How long {@code penalty} takes to decay to the reuse threshold; zero if it is there. */
  private Duration dampingHold(double penalty) {
    if (penalty <= settings.flapReuseThreshold()) {
      return Duration.ZERO;
    }
    double halfLives = Math.log(penalty / settings.flapReuseThreshold()) / Math.log(2);
    double seconds = halfLives * DampedPolicySettings.seconds(settings.flapHalfLife());
    // Whole milliseconds are plenty for a log line; rounding up never promises too early.
    return Duration.ofMillis((long) Math.ceil(seconds * 1000));
  }

  private double flap(double penalty) {
    return Math.min(settings.maxPenalty(), penalty + settings.flapPenalty());
  }

  private static ProviderStatus move(
      Provider provider,
      ProviderStatus before,
      ProviderState next,
      Instant now,
      double penalty,
      String reason) {
    if (before.state() == next) {
      return before;
    }
    before.state().checkTransition(provider, next);
    return new ProviderStatus(next, now, reason, penalty);
  }

  private String suspect(DampedEvidence evidence) {
    return format(
        "%d failed round%s, %s; %d of the last %d rounds failed",
        evidence.consecutiveFailures(),
        evidence.consecutiveFailures() == 1 ? "" : "s in a row",
        targets(evidence),
        evidence.windowFailures(),
        evidence.windowRounds());
  }

  private String recovered(ProviderStatus before, Instant now) {
    return format(
        "healthy for %s (failback dwell %s), flap penalty %d",
        DampedPolicySettings.text(elapsed(before.since(), now)),
        DampedPolicySettings.text(settings.failbackDwell()),
        Math.round(penaltyAt(before, now)));
  }

  private String targets(DampedEvidence evidence) {
    return format(
        "%d of %d targets answered%s",
        evidence.newestSucceeded(),
        evidence.newestUsable(),
        settings.maxLatency().isPresent()
            ? " within " + DampedPolicySettings.text(settings.maxLatency().get())
            : "");
  }

  private static Duration elapsed(Instant since, Instant now) {
    return now.isAfter(since) ? Duration.between(since, now) : Duration.ZERO;
  }

  private static String percent(double value) {
    return decimal(value, 1) + "%";
  }

  private static String decimal(double value, int scale) {
    return BigDecimal.valueOf(value)
        .setScale(scale, RoundingMode.HALF_UP)
        .stripTrailingZeros()
        .toPlainString();
  }

  private static String format(String template, Object... args) {
    return String.format(Locale.ROOT, template, args);
  }

  @Override
  public String toString() {
    return "DampedPolicy[" + settings + "]";
  }
}
