package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.RoutingState;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What the engine remembers of its applies of the routing state: the last state applied whole and
 * when, the last attempt's failure, and the counts that the retry and re-assertion rules read. An
 * immutable value that {@link EngineStep} carries from one step to the next.
 *
 * <p>The rules (docs/architecture.md, "Applying"), in {@link #changed} and {@link #due}:
 *
 * <ul>
 *   <li>a state that differs from the last one applied whole (while failing: from the one whose
 *       apply failed) is applied at once;
 *   <li>after a failure (a {@link dev.failover.api.RouteBackendException}) or a partial apply that
 *       left the main route missing, the state is retried on the next tick;
 *   <li>while the same state keeps being applied only partly with its main route in place, it is
 *       retried after 1, 2, 4, 8 and then every {@value #MAX_RETRY_BACKOFF_TICKS} ticks ({@link
 *       #retryBackoffTicks}), never less often than a re-assertion;
 *   <li>a state applied whole is re-applied every {@code reassertEveryTicks} ticks, to repair
 *       drift.
 * </ul>
 *
 * <p>A decision outside a tick applies whatever these say; {@link EngineStep} decides that.
 *
 * @param lastApplied the last state the backend applied whole; null if none yet
 * @param lastAppliedAt when it did; null if never
 * @param failure what went wrong with the last attempt (the exception's message, or the partial
 *     outcome in words); null if the last attempt applied the state whole
 * @param failedState the state of that last attempt; null exactly when {@code failure} is
 * @param failuresInARow how many partial applies of {@code failedState} in a row left the main
 *     route in place: 0 when the last attempt threw or left the main route missing (retried on
 *     every tick), or did not fail
 * @param ticksSinceApply the ticks since the last complete apply (since the start if none)
 * @param ticksSinceFailure the ticks since the last failed attempt; 0 when not failing
 */
record ApplyLedger(
    @Nullable RoutingState lastApplied,
    @Nullable Instant lastAppliedAt,
    @Nullable String failure,
    @Nullable RoutingState failedState,
    int failuresInARow,
    int ticksSinceApply,
    int ticksSinceFailure) {

  /** The most ticks between two retries of a state whose apply keeps failing. */
  static final int MAX_RETRY_BACKOFF_TICKS = 16;

  private static final ApplyLedger INITIAL = new ApplyLedger(null, null, null, null, 0, 0, 0);

  /**
   * @throws IllegalArgumentException if a count is negative, or {@code failure} and {@code
   *     failedState} are not both given or both null, or a count of failures is kept while not
   *     failing
   */
  ApplyLedger {
    checkArgument(
        (failure == null) == (failedState == null),
        "failure and failedState must be given together, were %s and %s",
        failure,
        failedState);
    checkArgument(
        (lastApplied == null) == (lastAppliedAt == null),
        "lastApplied and lastAppliedAt must be given together, were %s and %s",
        lastApplied,
        lastAppliedAt);
    checkArgument(failuresInARow >= 0, "failuresInARow must be >= 0, was %s", failuresInARow);
    checkArgument(ticksSinceApply >= 0, "ticksSinceApply must be >= 0, was %s", ticksSinceApply);
    checkArgument(
        ticksSinceFailure >= 0, "ticksSinceFailure must be >= 0, was %s", ticksSinceFailure);
    checkArgument(
        failure != null || (failuresInARow == 0 && ticksSinceFailure == 0),
        "failuresInARow (%s) and ticksSinceFailure (%s) must be 0 while not failing",
        failuresInARow,
        ticksSinceFailure);
  }

  /** Nothing applied, nothing failed. */
  static ApplyLedger initial() {
    return INITIAL;
  }

  /** Whether the last attempt failed or applied the state only partly. */
  boolean failing() {
    return failure != null;
  }

  /** The same, one tick later. The counts stop at {@link Integer#MAX_VALUE}. */
  ApplyLedger ticked() {
    return new ApplyLedger(
        lastApplied,
        lastAppliedAt,
        failure,
        failedState,
        failuresInARow,
        saturatedIncrement(ticksSinceApply),
        failing() ? saturatedIncrement(ticksSinceFailure) : 0);
  }

  /**
   * Whether {@code wanted} differs from the state last applied whole or, while failing, from the
   * state whose apply failed (so that retrying that one backs off, but a new one goes at once).
   */
  boolean changed(RoutingState wanted) {
    return !wanted.equals(failing() ? failedState : lastApplied);
  }

  /**
   * Whether an unchanged state is due again: while failing, once {@link #retryBackoffTicks} (at
   * most {@code reassertEveryTicks}) ticks have passed since the failure; otherwise once {@code
   * reassertEveryTicks} ticks have passed since the last complete apply.
   */
  boolean due(int reassertEveryTicks) {
    return failing()
        ? ticksSinceFailure >= Math.min(retryBackoffTicks(failuresInARow), reassertEveryTicks)
        : ticksSinceApply >= reassertEveryTicks;
  }

  /** After {@code state} was applied whole at {@code at}: nothing failing, the counts restart. */
  ApplyLedger applied(RoutingState state, Instant at) {
    return new ApplyLedger(
        checkNotNull(state, "state"), checkNotNull(at, "at"), null, null, 0, 0, 0);
  }

  /** After applying {@code state} threw {@code message}: retried on the next tick. */
  ApplyLedger failed(RoutingState state, String message) {
    return new ApplyLedger(
        lastApplied,
        lastAppliedAt,
        checkNotNull(message, "message"),
        checkNotNull(state, "state"),
        0,
        ticksSinceApply,
        0);
  }

  /**
   * After {@code state} was applied only partly ({@code message} says how): with the main route in
   * place, one more failure in a row if the last attempt also failed for this state (the backoff
   * grows), else the first; without it, none (retried on the next tick).
   */
  ApplyLedger partlyApplied(RoutingState state, String message, boolean mainRouteInPlace) {
    checkNotNull(state, "state");
    int inARow;
    if (!mainRouteInPlace) {
      inARow = 0;
    } else {
      inARow = failing() && state.equals(failedState) ? saturatedIncrement(failuresInARow) : 1;
    }
    return new ApplyLedger(
        lastApplied,
        lastAppliedAt,
        checkNotNull(message, "message"),
        state,
        inARow,
        ticksSinceApply,
        0);
  }

  /**
   * The ticks to wait before retrying after {@code failures} failed applies in a row of one state
   * whose main route was in place: 1 (also for none), 2, 4, 8, then {@value
   * #MAX_RETRY_BACKOFF_TICKS}. A state that cannot be applied whole for long (an unplugged modem's
   * interface is gone) then costs a few {@code ip} runs every few seconds, not on every tick.
   */
  static int retryBackoffTicks(int failures) {
    return failures <= 1 ? 1 : Math.min(MAX_RETRY_BACKOFF_TICKS, 1 << Math.min(failures - 1, 30));
  }

  private static int saturatedIncrement(int count) {
    return count == Integer.MAX_VALUE ? count : count + 1;
  }
}
