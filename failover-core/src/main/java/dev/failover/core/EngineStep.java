package dev.failover.core;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.failover.api.AddressFamily;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.Provider;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.ProviderStatus;
import dev.failover.api.Providers;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The engine's rules as two pure functions: {@link #step} takes the {@link EngineState} and what
 * the shell gathered (the histories with the new round, the sticky reading, the links, the time)
 * and returns the next state, the {@link EngineEvent}s and the routing state to apply, if any;
 * {@link #afterApply} takes the backend's answer back into the state. The shell ({@link
 * FailoverEngine}) does the probing, applying and publishing around them (docs/architecture.md,
 * "One tick").
 *
 * <p>A step, in order:
 *
 * <ol>
 *   <li>on a tick, the policy assesses the histories; if it throws, every provider keeps its
 *       previous status; if it omits a provider or moves one along a transition that {@link
 *       dev.failover.api.ProviderState}'s table forbids, that provider keeps its previous status; a
 *       provider whose state changed is an event;
 *   <li>{@link Selection} decides; the first decision is held, for at most {@value
 *       #MAX_STARTUP_HOLDS} steps and applying nothing, while a provider ranked above the one it
 *       would pick has a usable link but no verdict yet ({@link Selection#unjudgedAhead});
 *   <li>a new main provider is an event, and {@code mainSince} becomes now;
 *   <li>the decision's routing state is to be applied when {@link ApplyLedger} says so (changed, a
 *       retry due, a re-assertion due), and on every decision outside a tick.
 * </ol>
 *
 * <p><b>Time:</b> every input carries two instants: the wall clock's, for what is displayed
 * (event times, {@code mainSince}), and the engine's monotonic timeline's, for what is measured:
 * the policy's {@code now}, and so every {@code since} in the statuses of the state, on which the
 * dwell and flap damping are measured. A stepped wall clock therefore neither holds a recovered
 * provider back nor ends its dwell early (issue 11); events show {@code since} on the wall clock
 * ({@link Input#onWallClock}).
 *
 * <p><b>Purity:</b> no clock, no I/O, no randomness, no mutable field; the same state and input
 * give an equal result, provided the policy is pure as {@link ReliabilityPolicy} requires. Each
 * step costs one {@code assess}, one selection and a routing state. Thread-safe (immutable).
 */
final class EngineStep {
  /**
   * The most decisions the first one is held for while a better-ranked provider has no verdict yet
   * (see {@link Selection#unjudgedAhead}); the damped policy judges a provider within 3 rounds.
   */
  static final int MAX_STARTUP_HOLDS = 5;

  private final Providers providers;
  private final ReliabilityPolicy policy;
  private final int startMetric;
  private final AddressFamily family;
  private final int reassertEveryTicks;

  /**
   * @param providers the configured providers, in priority order
   * @param settings the start metric, the family of the routing states and the re-assertion
   *     interval come from here
   * @param policy judges the providers; called once per tick
   */
  EngineStep(Providers providers, EngineSettings settings, ReliabilityPolicy policy) {
    this.providers = checkNotNull(providers, "providers");
    this.policy = checkNotNull(policy, "policy");
    this.startMetric = checkNotNull(settings, "settings").startMetric();
    this.family = settings.family();
    this.reassertEveryTicks = settings.reassertEveryTicks();
  }

  /**
   * What a step gets besides the state.
   *
   * @param histories every provider's history with the tick's new round, in priority order; null
   *     for a decision outside a tick, which neither probes nor asks the policy
   * @param sticky the sticky reading
   * @param linkDown the ids of the providers whose link is down now
   * @param now the wall-clock time of the step, for display only: event times, {@code mainSince}
   * @param monotonic the step's instant on the engine's monotonic timeline, which never steps: the
   *     policy's {@code now}, and so every {@code since} of the statuses in the state; durations
   *     (dwell, damping) are measured on it
   * @param current the resolved providers with their values in force (a learned address, say), in
   *     priority order: the only ones that may be main or get routes; null for every configured
   *     provider as configured
   */
  record Input(
      @Nullable List<ProviderHistory> histories,
      StickyReading sticky,
      ImmutableSet<String> linkDown,
      Instant now,
      Instant monotonic,
      @Nullable List<Provider> current) {
    Input {
      histories = histories == null ? null : List.copyOf(histories);
      checkNotNull(sticky, "sticky");
      checkNotNull(linkDown, "linkDown");
      checkNotNull(now, "now");
      checkNotNull(monotonic, "monotonic");
      current = current == null ? null : List.copyOf(current);
    }

    Input(
        @Nullable List<ProviderHistory> histories,
        StickyReading sticky,
        ImmutableSet<String> linkDown,
        Instant now,
        Instant monotonic) {
      this(histories, sticky, linkDown, now, monotonic, null);
    }

    /** This input with {@code newCurrent} as the resolved providers. */
    Input withCurrent(List<Provider> newCurrent) {
      return new Input(histories, sticky, linkDown, now, monotonic, newCurrent);
    }

    /** A tick whose wall clock and monotonic timeline agree: the histories hold its new round. */
    static Input tick(
        List<ProviderHistory> histories, StickyReading sticky, Set<String> linkDown, Instant now) {
      return tick(histories, sticky, linkDown, now, now);
    }

    /** A tick at wall time {@code now}, {@code monotonic} on the engine's monotonic timeline. */
    static Input tick(
        List<ProviderHistory> histories,
        StickyReading sticky,
        Set<String> linkDown,
        Instant now,
        Instant monotonic) {
      return new Input(
          checkNotNull(histories, "histories"),
          sticky,
          ImmutableSet.copyOf(linkDown),
          now,
          monotonic);
    }

    /**
     * A decision outside a tick ({@link FailoverEngine#decideNow()}), wall clock and monotonic
     * timeline agreeing: statuses stay, the routing state is applied whatever the ledger says, and
     * it is not counted as a tick.
     */
    static Input decision(StickyReading sticky, Set<String> linkDown, Instant now) {
      return decision(sticky, linkDown, now, now);
    }

    /** A decision outside a tick at wall time {@code now}, {@code monotonic} on the timeline. */
    static Input decision(
        StickyReading sticky, Set<String> linkDown, Instant now, Instant monotonic) {
      return new Input(null, sticky, ImmutableSet.copyOf(linkDown), now, monotonic);
    }

    /**
     * {@code status} with its {@code since} moved from the monotonic timeline to the wall clock:
     * the wall time that was as long before {@code now} as {@code since} is before {@code
     * monotonic}. For display (events, the status file); the rules never see it.
     */
    ProviderStatus onWallClock(ProviderStatus status) {
      return EngineStep.onWallClock(status, now, monotonic);
    }

    /** Whether this is a tick. */
    boolean isTick() {
      return histories != null;
    }
  }

  /**
   * What a step returns.
   *
   * @param state the next state
   * @param events what happened, in order, for the shell to log and publish
   * @param apply the routing state the shell should hand to the backend now; null for none
   */
  record Result(EngineState state, List<EngineEvent> events, @Nullable RoutingState apply) {
    Result {
      checkNotNull(state, "state");
      events = ImmutableList.copyOf(checkNotNull(events, "events"));
    }

    /** The routing state to apply now, if any. */
    Optional<RoutingState> toApply() {
      return Optional.ofNullable(apply);
    }
  }

  /** What the backend made of one {@code apply}: an outcome, or a failure. */
  sealed interface ApplyResult {
    /** The state that was handed to the backend. */
    RoutingState desired();

    /** The backend returned {@code outcome}: complete, or partial. */
    record Done(RoutingState desired, ApplyOutcome outcome) implements ApplyResult {
      public Done {
        checkNotNull(desired, "desired");
        checkNotNull(outcome, "outcome");
      }
    }

    /** The backend threw (a runtime exception is wrapped by the shell first). */
    record Failed(RoutingState desired, RouteBackendException failure) implements ApplyResult {
      public Failed {
        checkNotNull(desired, "desired");
        checkNotNull(failure, "failure");
      }
    }
  }

  /**
   * {@code status} with its {@code since} moved from the monotonic timeline to the wall clock: the
   * wall time that was as long before {@code now} as {@code since} is before {@code monotonic}.
   */
  static ProviderStatus onWallClock(ProviderStatus status, Instant now, Instant monotonic) {
    Instant since = now.minus(Duration.between(status.since(), monotonic));
    return since.equals(status.since())
        ? status
        : new ProviderStatus(
            status.state(), since, status.reason(), status.flapPenalty(), status.evidence());
  }

  /** The state before the first tick, at {@code monotonic} on the engine's monotonic timeline. */
  EngineState initial(Instant monotonic) {
    return EngineState.initial(providers, monotonic);
  }

  /**
   * One step: on a tick assess, then select, then say whether to apply. Never throws for a policy
   * that throws or breaks its contract.
   */
  Result step(EngineState state, Input input) {
    checkNotNull(state, "state");
    checkNotNull(input, "input");
    List<EngineEvent> events = new ArrayList<>(2);
    long ticks = state.ticks();
    ImmutableMap<String, ProviderStatus> statuses = state.statuses();
    if (input.isTick()) {
      ticks++;
      // The policy measures every duration on the monotonic timeline, never on the wall clock,
      // which may be stepped (an NTP sync after boot on a router without a clock, an operator).
      statuses = assess(input.histories(), state.statuses(), input.monotonic(), events);
      for (Provider provider : providers) {
        ProviderStatus from = state.statuses().get(provider.id());
        ProviderStatus to = statuses.get(provider.id());
        if (from.state() != to.state()) {
          events.add(
              new EngineEvent.StateChanged(
                  new ProviderStateChanged(
                      provider, input.onWallClock(from), input.onWallClock(to), input.now())));
        }
      }
    }

    Decision previous = state.decision();
    List<Provider> candidates = input.current() == null ? providers : input.current();
    if (candidates.isEmpty()) {
      // Every provider is unconfigured (no interface, no address yet): nothing can be routed, so
      // the last decision and whatever routes the kernel still holds stay as they are.
      ApplyLedger ledger = input.isTick() ? state.ledger().ticked() : state.ledger();
      EngineState waiting =
          new EngineState(
              ticks,
              statuses,
              previous,
              state.mainSince(),
              state.startupHolds(),
              input.sticky(),
              input.linkDown(),
              ledger,
              state.desired());
      return new Result(waiting, events, null);
    }
    Decision next =
        Selection.select(candidates, statuses, input.linkDown(), input.sticky(), previous);
    if (previous == null && state.startupHolds() < MAX_STARTUP_HOLDS) {
      List<Provider> unjudged =
          Selection.unjudgedAhead(candidates, statuses, input.linkDown(), next);
      if (!unjudged.isEmpty()) {
        int holds = state.startupHolds() + 1;
        events.add(new EngineEvent.FirstDecisionHeld(holds, unjudged, next.main()));
        EngineState held =
            new EngineState(
                ticks,
                statuses,
                null,
                null,
                holds,
                input.sticky(),
                input.linkDown(),
                state.ledger(),
                null);
        return new Result(held, events, null);
      }
    }

    Instant mainSince = state.mainSince();
    if (previous == null || !previous.main().id().equals(next.main().id())) {
      mainSince = input.now();
      events.add(
          new EngineEvent.MainSwitched(
              new MainProviderSwitched(
                  previous == null ? null : previous.main(),
                  next.main(),
                  next.reason(),
                  next.detail(),
                  input.now())));
    }
    RoutingState wanted = next.routingState(family, startMetric);
    ApplyLedger ledger = input.isTick() ? state.ledger().ticked() : state.ledger();
    boolean apply = !input.isTick() || ledger.changed(wanted) || ledger.due(reassertEveryTicks);
    EngineState decided =
        new EngineState(
            ticks,
            statuses,
            next,
            mainSince,
            state.startupHolds(),
            input.sticky(),
            input.linkDown(),
            ledger,
            wanted);
    return new Result(decided, events, apply ? wanted : null);
  }

  /**
   * Takes the backend's answer to applying {@code result.desired()} into the ledger: a complete
   * apply at {@code now} clears any failure and restarts the re-assertion count; a partial one or a
   * failure is remembered for the retry rules. The one event says which, and whether it repeats the
   * last failure (then it is logged at DEBUG).
   */
  Result afterApply(EngineState state, ApplyResult result, Instant now) {
    checkNotNull(state, "state");
    checkNotNull(result, "result");
    checkNotNull(now, "now");
    ApplyLedger ledger = state.ledger();
    RoutingState desired = result.desired();
    EngineEvent event;
    if (result instanceof ApplyResult.Failed failed) {
      String message = EngineEvent.ApplyFailed.message(failed.failure());
      EngineEvent.Repeat repeat;
      if (!ledger.failing()) {
        repeat = EngineEvent.Repeat.FIRST;
      } else if (message.equals(ledger.failure())) {
        repeat = EngineEvent.Repeat.SAME;
      } else {
        repeat = EngineEvent.Repeat.DIFFERENT;
      }
      ledger = ledger.failed(desired, message);
      event = new EngineEvent.ApplyFailed(desired, failed.failure(), repeat);
    } else {
      ApplyOutcome outcome = ((ApplyResult.Done) result).outcome();
      if (outcome.isComplete()) {
        EngineEvent.Applied why;
        if (ledger.changed(desired)) {
          why = EngineEvent.Applied.NEW;
        } else if (ledger.failing()) {
          why = EngineEvent.Applied.AFTER_FAILURE;
        } else {
          why = EngineEvent.Applied.REASSERTED;
        }
        ledger = ledger.applied(desired, now);
        event = new EngineEvent.RoutesApplied(desired, why);
      } else {
        String message = EngineEvent.PartlyApplied.message(outcome);
        boolean repeated = message.equals(ledger.failure());
        ledger = ledger.partlyApplied(desired, message, outcome.mainRouteInPlace());
        event = new EngineEvent.PartlyApplied(desired, outcome, repeated);
      }
    }
    return new Result(state.withLedger(ledger), List.of(event), null);
  }

  /** The policy's verdicts, or the previous ones where the policy failed or broke the rules. */
  private ImmutableMap<String, ProviderStatus> assess(
      List<ProviderHistory> histories,
      ImmutableMap<String, ProviderStatus> previous,
      Instant now,
      List<EngineEvent> events) {
    Map<String, ProviderStatus> assessed;
    try {
      assessed = policy.assess(histories, previous, now);
      checkNotNull(assessed, "the policy returned null");
    } catch (RuntimeException e) {
      events.add(new EngineEvent.PolicyFailed(policy.name(), e));
      return previous;
    }
    ImmutableMap.Builder<String, ProviderStatus> checked =
        ImmutableMap.builderWithExpectedSize(providers.size());
    for (Provider provider : providers) {
      ProviderStatus before = previous.get(provider.id());
      ProviderStatus next = assessed.get(provider.id());
      if (next == null) {
        events.add(new EngineEvent.PolicyOmitted(policy.name(), provider));
        next = before;
      } else {
        try {
          before.state().checkTransition(provider, next.state());
        } catch (IllegalStateException e) {
          events.add(
              new EngineEvent.IllegalTransition(policy.name(), String.valueOf(e.getMessage())));
          next = before;
        }
      }
      checked.put(provider.id(), next);
    }
    return checked.buildOrThrow();
  }
}
