package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.failover.api.Provider;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.RoutingState;
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

  private static boolean inDoubt(ProviderStatus status) {
    ProviderState state = status.state();
    return state == ProviderState.SUSPECT
        || state == ProviderState.RECOVERING
        || state == ProviderState.INSUFFICIENT_DATA
        || status.evidence().lossScore() > 0
        || (state == ProviderState.DOWN && status.evidence().recoveryScore() > 0);
  }
}
