package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reliability rule of the original Python tool, reproduced exactly, quirks included.
 *
 * <p>A provider is reliable if and only if its history is not empty, at most {@code
 * max_failed_checks} of its stored rounds failed, and more than {@code
 * min_consecutive_succeeded_checks} of its newest rounds succeeded in a row. A round succeeds only
 * if every test case in it succeeded ({@link dev.failover.api.ProbeRound#succeeded()}). The verdict
 * is {@link ProviderState#INSUFFICIENT_DATA} for an empty history, {@link ProviderState#UP} when
 * reliable, {@link ProviderState#DOWN} otherwise; {@link ProviderState#SUSPECT} and {@link
 * ProviderState#RECOVERING} are never used.
 *
 * <p>The quirk of the defaults ({@code max_failed_checks = 50} with a history of 50): the failed
 * count can never exceed 50, so that half of the rule never fires; reliable then means "at least 2
 * consecutive successes", and a single lost probe on the main provider fails it over. See
 * docs/policy-original.md.
 *
 * <p>A pure function: immutable, thread-safe, reads no clock; a provider whose state is unchanged
 * keeps its {@code since}. Never applies a flap penalty (always 0).
 */
public final class OriginalPolicy implements ReliabilityPolicy {
  /** The policy's name in config and logs. */
  public static final String NAME = "original";

  /** The original's {@code MAX_FAILED_CHECKS}. */
  public static final int DEFAULT_MAX_FAILED_CHECKS = 50;

  /** The original's {@code MIN_CONSECUTIVE_SUCCEEDED_CHECKS}. */
  public static final int DEFAULT_MIN_CONSECUTIVE_SUCCEEDED_CHECKS = 1;

  private final int maxFailedChecks;
  private final int minConsecutiveSucceededChecks;

  /**
   * Creates the rule with the original's two thresholds.
   *
   * @param maxFailedChecks reliable needs at most this many failed rounds in the stored history
   *     ({@code max_failed_checks})
   * @param minConsecutiveSucceededChecks reliable needs more than this many consecutive successes
   *     ({@code min_consecutive_succeeded_checks})
   * @throws IllegalArgumentException if either is negative
   */
  public OriginalPolicy(int maxFailedChecks, int minConsecutiveSucceededChecks) {
    checkArgument(maxFailedChecks >= 0, "max_failed_checks must be >= 0, was %s", maxFailedChecks);
    checkArgument(
        minConsecutiveSucceededChecks >= 0,
        "min_consecutive_succeeded_checks must be >= 0, was %s",
        minConsecutiveSucceededChecks);
    this.maxFailedChecks = maxFailedChecks;
    this.minConsecutiveSucceededChecks = minConsecutiveSucceededChecks;
  }

  /** The rule with the original's defaults: {@code max_failed_checks = 50}, {@code min = 1}. */
  public static OriginalPolicy withDefaults() {
    return new OriginalPolicy(
        DEFAULT_MAX_FAILED_CHECKS, DEFAULT_MIN_CONSECUTIVE_SUCCEEDED_CHECKS);
  }

  @Override
  public String name() {
    return NAME;
  }

  /** Reliable needs at most this many failed rounds ({@code max_failed_checks}). */
  public int maxFailedChecks() {
    return maxFailedChecks;
  }

  /** Reliable needs more than this many consecutive successes. */
  public int minConsecutiveSucceededChecks() {
    return minConsecutiveSucceededChecks;
  }

  /** Whether {@code history} is reliable by the original's rule. */
  public boolean reliable(ProviderHistory history) {
    return !history.isEmpty()
        && history.failedCount() <= maxFailedChecks
        && history.consecutiveSuccesses() > minConsecutiveSucceededChecks;
  }

  @Override
  public Map<String, ProviderStatus> assess(
      List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
    checkNotNull(histories, "histories");
    checkNotNull(previous, "previous");
    checkNotNull(now, "now");
    ImmutableMap.Builder<String, ProviderStatus> statuses = ImmutableMap.builder();
    for (ProviderHistory history : histories) {
      ProviderState state;
      String reason;
      if (history.isEmpty()) {
        state = ProviderState.INSUFFICIENT_DATA;
        reason = "no results yet";
      } else {
        state = reliable(history) ? ProviderState.UP : ProviderState.DOWN;
        reason = describe(history, state == ProviderState.UP);
      }
      ProviderStatus before = previous.get(history.provider().id());
      Instant since = before != null && before.state() == state ? before.since() : now;
      statuses.put(history.provider().id(), ProviderStatus.of(state, since, reason));
    }
    return statuses.buildOrThrow();
  }

  private String describe(ProviderHistory history, boolean reliable) {
    String successes =
        String.format(
            Locale.ROOT,
            "%d consecutive successes (needs > %d)",
            history.consecutiveSuccesses(),
            minConsecutiveSucceededChecks);
    String failures =
        String.format(
            Locale.ROOT,
            "%d of %d rounds failed (allows <= %d)",
            history.failedCount(),
            history.size(),
            maxFailedChecks);
    if (reliable) {
      return "reliable: " + successes + ", " + failures;
    }
    boolean tooFewSuccesses = history.consecutiveSuccesses() <= minConsecutiveSucceededChecks;
    boolean tooManyFailures = history.failedCount() > maxFailedChecks;
    if (tooFewSuccesses && tooManyFailures) {
      return "unreliable: " + successes + " and " + failures;
    }
    return "unreliable: " + (tooFewSuccesses ? successes : failures);
  }

  @Override
  public String toString() {
    return "OriginalPolicy[max_failed_checks="
        + maxFailedChecks
        + ", min_consecutive_succeeded_checks="
        + minConsecutiveSucceededChecks
        + "]";
  }
}
