package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.RoutingState;
import dev.failover.api.TestResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Everything the engine remembers from one step to the next: what {@link EngineStep} reads and
 * returns. Immutable, so the shell can hand it to another thread, and a test can keep any state and
 * step from it twice.
 *
 * @param ticks how many ticks have been stepped
 * @param statuses the policy's verdict on every configured provider, by id, in priority order
 * @param decision the last decision; null before the first one (while it is held)
 * @param mainSince when {@code decision}'s main provider became main; null exactly when {@code
 *     decision} is
 * @param startupHolds how many times the first decision was held
 * @param sticky the sticky reading the last step used
 * @param linkDown the ids of the providers whose link was down at the last step
 * @param ledger what the applies of the routing state left behind
 * @param desired the routing state {@code decision} wants, applied or not; null exactly when {@code
 *     decision} is
 */
record EngineState(
    long ticks,
    ImmutableMap<String, ProviderStatus> statuses,
    @Nullable Decision decision,
    @Nullable Instant mainSince,
    int startupHolds,
    StickyReading sticky,
    ImmutableSet<String> linkDown,
    ApplyLedger ledger,
    @Nullable RoutingState desired) {

  /**
   * @throws IllegalArgumentException if a count is negative, or {@code decision}, {@code mainSince}
   *     and {@code desired} are not all given or all null
   */
  EngineState {
    checkArgument(ticks >= 0, "ticks must be >= 0, was %s", ticks);
    checkNotNull(statuses, "statuses");
    checkArgument(startupHolds >= 0, "startupHolds must be >= 0, was %s", startupHolds);
    checkNotNull(sticky, "sticky");
    checkNotNull(linkDown, "linkDown");
    checkNotNull(ledger, "ledger");
    checkArgument(
        (decision == null) == (mainSince == null) && (decision == null) == (desired == null),
        "decision, mainSince and desired must be given together, were %s, %s and %s",
        decision,
        mainSince,
        desired);
  }

  /**
   * The state before the first tick: every provider {@link ProviderStatus#initial} at {@code now},
   * no decision, no sticky provider, every link usable, nothing applied.
   */
  static EngineState initial(List<Provider> providers, Instant now) {
    ImmutableMap.Builder<String, ProviderStatus> statuses = ImmutableMap.builder();
    for (Provider provider : providers) {
      statuses.put(provider.id(), ProviderStatus.initial(now));
    }
    return new EngineState(
        0,
        statuses.buildOrThrow(),
        null,
        null,
        0,
        StickyReading.absent(),
        ImmutableSet.of(),
        ApplyLedger.initial(),
        null);
  }

  /** The same state with {@code ledger}. */
  EngineState withLedger(ApplyLedger ledger) {
    return new EngineState(
        ticks, statuses, decision, mainSince, startupHolds, sticky, linkDown, ledger, desired);
  }

  /**
   * The interval in force: {@code fast_check_interval} while any provider is in doubt, {@code
   * check_interval} otherwise. A provider is in doubt when it is {@code SUSPECT}, {@code
   * RECOVERING} or {@code INSUFFICIENT_DATA}, or its policy's sequential test is running: a {@link
   * dev.failover.api.ProviderEvidence#lossScore() loss score} above 0, or a {@link
   * dev.failover.api.ProviderEvidence#recoveryScore() recovery score} above 0 while it is {@code
   * DOWN}. A running test needs probes to decide, and gets 2.5 times as many per second at the
   * default cadences (docs/policy-damped.md, "The loss test").
   */
  Duration interval(EngineSettings settings) {
    return interval(settings, Set.of());
  }

  /**
   * As {@link #interval(EngineSettings)}, leaving out the providers {@code unconfigured}: they are
   * not probed, so hurrying the cadence for them would buy nothing.
   */
  Duration interval(EngineSettings settings, Set<String> unconfigured) {
    for (Map.Entry<String, ProviderStatus> entry : statuses.entrySet()) {
      if (!unconfigured.contains(entry.getKey()) && inDoubt(entry.getValue())) {
        return settings.fastCheckInterval();
      }
    }
    return settings.checkInterval();
  }

  /**
   * As {@link #interval(EngineSettings, Set)}, hurried after a silent round: when a fast cadence is
   * configured ({@code fast_check_interval} shorter than {@code check_interval}) and a provider in
   * service ({@code UP}, {@code SUSPECT} or {@code INSUFFICIENT_DATA}, link usable, not {@code
   * unconfigured}) answered nothing in its newest round, and in at most {@value
   * #MAX_HURRIED_ROUNDS} newest rounds in a row, the next round is due three quarters of a {@code
   * fast_check_interval} after this one started (at once, if the round took longer). Otherwise,
   * while a sequential test runs ({@link #anyTestRunning}), half a {@code fast_check_interval}.
   *
   * <p>Why: a blackhole is known from the first silent round, but the down rule needs 3 in a row;
   * at the fast cadence those take {@code 2 × fast_check_interval + timeout} from the first, 0.5 s
   * of the default 0.75 s median failover. Hurried, they take 0.4 s. No less: a link whose
   * round-trip time jumped by 0.3 s is silent for 0.3 s too, and its late reply to the first silent
   * probe must still come before the third round is judged (a late reply counts as an answer, see
   * {@link ProbeRunner}); so a silent round slows a running loss test's cadence to this rather than
   * speeding it. Only rounds in which nothing answered hurry, at most {@value #MAX_HURRIED_ROUNDS}
   * of them per streak, so a provider the policy never declares down is not probed faster for long;
   * and a burst of instant errors (an upstream router answering "unreachable" for a moment) cannot
   * make three rounds in a few milliseconds.
   *
   * @param histories every configured provider's history (providers without one do not hurry)
   */
  Duration interval(
      EngineSettings settings, Set<String> unconfigured, List<ProviderHistory> histories) {
    if (settings.fastCheckInterval().compareTo(settings.checkInterval()) < 0) {
      if (anySilentInService(unconfigured, histories)) {
        return settings.fastCheckInterval().multipliedBy(3).dividedBy(4);
      }
      if (anyTestRunning(unconfigured)) {
        return settings.fastCheckInterval().dividedBy(2);
      }
    }
    return interval(settings, unconfigured);
  }

  /**
   * Whether a policy's sequential test is running on a probed provider: a loss score above 0, or a
   * recovery score above 0 while it is {@code DOWN}. Such a test decides on probes, not on time: at
   * half a {@code fast_check_interval} (0.1 s, 20 probes a second with two targets) it tells 20%
   * loss from the 9.75% of a link losing 5% each way well enough that both the detection time and
   * the false alarms of docs/policy-damped.md hold; at 0.2 s it could not have both.
   */
  private boolean anyTestRunning(Set<String> unconfigured) {
    for (Map.Entry<String, ProviderStatus> entry : statuses.entrySet()) {
      ProviderStatus status = entry.getValue();
      if (!unconfigured.contains(entry.getKey())
          && (status.evidence().lossScore() > 0
              || (status.state() == ProviderState.DOWN && status.evidence().recoveryScore() > 0))) {
        return true;
      }
    }
    return false;
  }

  /** At most this many rounds in a row are hurried after a silent one (see {@link #interval}). */
  static final int MAX_HURRIED_ROUNDS = 2;

  private boolean anySilentInService(Set<String> unconfigured, List<ProviderHistory> histories) {
    for (ProviderHistory history : histories) {
      String id = history.provider().id();
      ProviderStatus status = statuses.get(id);
      if (status == null
          || unconfigured.contains(id)
          || linkDown.contains(id)
          || status.state() == ProviderState.DOWN
          || status.state() == ProviderState.RECOVERING) {
        continue;
      }
      int silent = silentRounds(history);
      if (silent >= 1 && silent <= MAX_HURRIED_ROUNDS) {
        return true;
      }
    }
    return false;
  }

  /**
   * How many of the newest rounds in a row had no successful result, counting at most one past
   * {@link #MAX_HURRIED_ROUNDS}.
   */
  private static int silentRounds(ProviderHistory history) {
    List<ProbeRound> rounds = history.rounds();
    int silent = 0;
    for (int i = rounds.size() - 1; i >= 0 && silent <= MAX_HURRIED_ROUNDS; i--) {
      if (answeredAny(rounds.get(i))) {
        break;
      }
      silent++;
    }
    return silent;
  }

  private static boolean answeredAny(ProbeRound round) {
    for (TestResult result : round.results()) {
      if (result.succeeded()) {
        return true;
      }
    }
    return false;
  }

  private static boolean inDoubt(ProviderStatus status) {
    ProviderState state = status.state();
    return state == ProviderState.SUSPECT
        || state == ProviderState.RECOVERING
        || state == ProviderState.INSUFFICIENT_DATA
        || status.evidence().lossScore() > 0
        || (state == ProviderState.DOWN && status.evidence().recoveryScore() > 0);
  }
}
