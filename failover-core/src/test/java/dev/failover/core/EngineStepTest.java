package dev.failover.core;

import static dev.failover.core.Fixtures.T0;
import static dev.failover.core.Fixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.Provider;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.Providers;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.api.SwitchReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The engine's rules, one test each, on the pure step: no engine, no threads, no clock. The
 * statuses come from {@link VerdictPolicy}, whose verdicts the inputs carry.
 */
class EngineStepTest {
  private static final List<Provider> PROVIDERS = Fixtures.providers(3);
  private static final EngineSettings SETTINGS =
      new EngineSettings(Duration.ofSeconds(5), Duration.ofSeconds(4), 100, 50, 3);

  private final EngineStep step = step(SETTINGS);
  private Instant now = T0;

  private static EngineStep step(EngineSettings settings) {
    return new EngineStep(Providers.of(PROVIDERS), settings, new VerdictPolicy());
  }

  private static RoutingState ranked(int... ids) {
    List<Provider> ranked = new ArrayList<>();
    for (int id : ids) {
      ranked.add(provider(id));
    }
    return RoutingState.ranked(ranked, 100);
  }

  private EngineStep.Input tickInput(Set<String> linkDown, String... verdicts) {
    now = now.plusSeconds(5);
    return EngineStep.Input.tick(
        VerdictPolicy.histories(PROVIDERS, now, verdicts), StickyReading.absent(), linkDown, now);
  }

  /** A tick whose rounds carry {@code verdicts}, every link usable, nothing sticky. */
  private EngineStep.Result tick(EngineState state, String... verdicts) {
    return step.step(state, tickInput(Set.of(), verdicts));
  }

  /** A decision outside a tick with {@code linkDown}. */
  private EngineStep.Result decide(EngineState state, Set<String> linkDown) {
    return step.step(state, EngineStep.Input.decision(StickyReading.absent(), linkDown, now));
  }

  /** The state after {@code result}, with its routing state (if any) applied as {@code outcome}. */
  private EngineState apply(EngineStep.Result result, ApplyOutcome outcome) {
    return result
        .toApply()
        .map(s -> step.afterApply(result.state(), new EngineStep.ApplyResult.Done(s, outcome), now))
        .map(EngineStep.Result::state)
        .orElse(result.state());
  }

  private EngineState applied(EngineStep.Result result) {
    return apply(result, ApplyOutcome.complete());
  }

  private EngineStep.Result fail(EngineState state, RoutingState desired, String message) {
    return step.afterApply(
        state,
        new EngineStep.ApplyResult.Failed(desired, new RouteBackendException("isp1", message)),
        now);
  }

  /** Every provider UP, isp1 main, its state applied. */
  private EngineState healthy() {
    return applied(tick(step.initial(T0), "UP", "UP", "UP"));
  }

  private static ApplyOutcome partial(boolean mainRouteInPlace) {
    return ApplyOutcome.partial(
        List.of(new ApplyOutcome.Skipped(provider(3), "interface eth3 does not exist")),
        mainRouteInPlace);
  }

  private static <T extends EngineEvent> List<T> events(EngineStep.Result result, Class<T> type) {
    return result.events().stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static ProviderState state(EngineState state, int provider) {
    return state.statuses().get("isp" + provider).state();
  }

  /**
   * The ticks (from 1) at which a step asks to apply during {@code ticks} ticks while every apply
   * ends as {@code outcome}.
   */
  private List<Integer> applyTicks(EngineSettings settings, ApplyOutcome outcome, int ticks) {
    EngineStep stepper = step(settings);
    EngineState state = stepper.initial(T0);
    List<Integer> attempts = new ArrayList<>();
    for (int i = 1; i <= ticks; i++) {
      EngineStep.Result result = stepper.step(state, tickInput(Set.of(), "UP", "UP", "UP"));
      state = result.state();
      if (result.toApply().isPresent()) {
        attempts.add(i);
        state =
            stepper
                .afterApply(
                    state, new EngineStep.ApplyResult.Done(result.toApply().get(), outcome), now)
                .state();
      }
    }
    return attempts;
  }

  // ---- Assessing -------------------------------------------------------------------------------

  @Test
  void step_firstTick_assessesSelectsAndAsksForTheWholeRanking() {
    EngineStep.Result result = tick(step.initial(T0), "UP", "UP", "UP");

    assertThat(result.state().ticks()).isEqualTo(1);
    assertThat(result.toApply()).contains(ranked(1, 2, 3));
    assertThat(result.state().desired()).isEqualTo(ranked(1, 2, 3));
    assertThat(result.state().decision().main()).isEqualTo(provider(1));
    assertThat(result.state().mainSince()).isEqualTo(now);
    assertThat(events(result, EngineEvent.StateChanged.class)).hasSize(3);
    assertThat(events(result, EngineEvent.MainSwitched.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.event().previous()).isEmpty();
              assertThat(e.event().to()).isEqualTo(provider(1));
              assertThat(e.event().reason()).isEqualTo(SwitchReason.STARTUP);
              assertThat(e.event().at()).isEqualTo(now);
            });
  }

  @Test
  void step_stateChanges_oneEventPerChangedProviderWithReasonAndTime() {
    EngineState before = healthy();

    EngineStep.Result result = tick(before, "UP", "DOWN", "UP");

    assertThat(events(result, EngineEvent.StateChanged.class))
        .singleElement()
        .extracting(EngineEvent.StateChanged::event)
        .satisfies(
            e -> {
              assertThat(e.provider()).isEqualTo(provider(2));
              assertThat(e.from().state()).isEqualTo(ProviderState.UP);
              assertThat(e.to().state()).isEqualTo(ProviderState.DOWN);
              assertThat(e.to().reason()).isEqualTo("verdict DOWN");
              assertThat(e.at()).isEqualTo(now);
            });
  }

  @Test
  void step_policyThrows_keepsEveryPreviousStatusAndSaysSo() {
    EngineState before = healthy();

    EngineStep.Result result = tick(before, "DOWN", VerdictPolicy.THROW, "DOWN");

    assertThat(result.state().statuses()).isEqualTo(before.statuses());
    assertThat(result.state().ticks()).isEqualTo(before.ticks() + 1);
    assertThat(events(result, EngineEvent.PolicyFailed.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.policy()).isEqualTo("verdict");
              assertThat(e.error()).isSameAs(VerdictPolicy.FAILURE);
            });
    assertThat(events(result, EngineEvent.StateChanged.class)).isEmpty();
    assertThat(result.state().decision().main()).isEqualTo(provider(1));
  }

  @Test
  void step_policyOmitsProvider_keepsItsPreviousStatus() {
    EngineState before = healthy();

    EngineStep.Result result = tick(before, "DOWN", VerdictPolicy.OMIT, "DOWN");

    assertThat(state(result.state(), 1)).isEqualTo(ProviderState.DOWN);
    assertThat(result.state().statuses().get("isp2")).isEqualTo(before.statuses().get("isp2"));
    assertThat(state(result.state(), 3)).isEqualTo(ProviderState.DOWN);
    assertThat(events(result, EngineEvent.PolicyOmitted.class))
        .singleElement()
        .extracting(EngineEvent.PolicyOmitted::provider)
        .isEqualTo(provider(2));
  }

  /** RECOVERING to SUSPECT is not in ProviderState's table. */
  @Test
  void step_policyMakesIllegalTransition_keepsThePreviousStatus() {
    EngineState recovering = applied(tick(step.initial(T0), "UP", "RECOVERING", "UP"));

    EngineStep.Result result = tick(recovering, "UP", "SUSPECT", "DOWN");

    assertThat(state(result.state(), 2)).isEqualTo(ProviderState.RECOVERING);
    assertThat(state(result.state(), 3)).isEqualTo(ProviderState.DOWN);
    assertThat(events(result, EngineEvent.IllegalTransition.class))
        .singleElement()
        .extracting(EngineEvent.IllegalTransition::message)
        .isEqualTo("illegal state transition of provider 'isp2': RECOVERING -> SUSPECT");
  }

  // ---- Selecting and switching -----------------------------------------------------------------

  @Test
  void step_mainFails_switchEventWithReasonAndMainSinceNow() {
    EngineState before = healthy();

    EngineStep.Result result = tick(before, "DOWN", "UP", "UP");

    assertThat(result.state().decision().main()).isEqualTo(provider(2));
    assertThat(result.state().mainSince()).isEqualTo(now);
    assertThat(result.toApply()).contains(ranked(2, 3, 1));
    assertThat(events(result, EngineEvent.MainSwitched.class))
        .singleElement()
        .extracting(EngineEvent.MainSwitched::event)
        .satisfies(
            e -> {
              assertThat(e.from()).isEqualTo(provider(1));
              assertThat(e.to()).isEqualTo(provider(2));
              assertThat(e.reason()).isEqualTo(SwitchReason.FAILOVER);
              assertThat(e.detail()).contains("provider 'isp1' was main (DOWN");
            });
  }

  @Test
  void step_mainStays_noSwitchEventAndMainSinceKept() {
    EngineState before = healthy();

    EngineStep.Result result = tick(before, "UP", "DOWN", "UP");

    assertThat(events(result, EngineEvent.MainSwitched.class)).isEmpty();
    assertThat(result.state().mainSince())
        .isEqualTo(before.mainSince())
        .isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void step_mainLinkDown_decisionSwitchesAwayAsFailoverNamingTheLink() {
    EngineState before = healthy();

    EngineStep.Result result = decide(before, Set.of("isp1"));

    assertThat(result.toApply()).contains(ranked(2, 3, 1));
    assertThat(result.state().linkDown()).containsExactly("isp1");
    assertThat(result.state().statuses()).isEqualTo(before.statuses());
    assertThat(events(result, EngineEvent.MainSwitched.class))
        .singleElement()
        .extracting(EngineEvent.MainSwitched::event)
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo(SwitchReason.FAILOVER);
              assertThat(e.detail()).startsWith("link of 'eth1' is down");
            });
  }

  @Test
  void step_stickyReading_keptInTheState() {
    StickyReading forced = StickyReading.forced("isp3", "test forces 'isp3'");

    EngineStep.Result result =
        step.step(healthy(), EngineStep.Input.decision(forced, Set.of(), now));

    assertThat(result.state().sticky()).isEqualTo(forced);
    assertThat(result.state().decision().main()).isEqualTo(provider(3));
    assertThat(result.toApply()).contains(ranked(3, 1, 2));
  }

  // ---- The startup hold ------------------------------------------------------------------------

  @Test
  void step_betterProviderUnjudgedAtStart_firstDecisionHeldAndNothingApplied() {
    EngineStep.Result result = tick(step.initial(T0), "INSUFFICIENT_DATA", "UP", "UP");

    assertThat(result.toApply()).isEmpty();
    assertThat(result.state().decision()).isNull();
    assertThat(result.state().desired()).isNull();
    assertThat(result.state().startupHolds()).isEqualTo(1);
    assertThat(result.state().ticks()).isEqualTo(1);
    assertThat(state(result.state(), 2)).isEqualTo(ProviderState.UP);
    assertThat(events(result, EngineEvent.MainSwitched.class)).isEmpty();
    assertThat(events(result, EngineEvent.FirstDecisionHeld.class))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.holds()).isEqualTo(1);
              assertThat(e.unjudged()).containsExactly(provider(1));
              assertThat(e.wouldBeMain()).isEqualTo(provider(2));
            });
  }

  @Test
  void step_betterProviderJudgedAfterAHold_firstDecisionIsItsAndTheOnlySwitch() {
    EngineState held = tick(step.initial(T0), "INSUFFICIENT_DATA", "UP", "UP").state();

    EngineStep.Result result = tick(held, "UP", "UP", "UP");

    assertThat(result.toApply()).contains(ranked(1, 2, 3));
    assertThat(events(result, EngineEvent.MainSwitched.class))
        .singleElement()
        .satisfies(e -> assertThat(e.event().reason()).isEqualTo(SwitchReason.STARTUP));
  }

  @Test
  void step_heldTheMostTimes_decidesAnyway() {
    EngineState state = step.initial(T0);
    for (int i = 0; i < EngineStep.MAX_STARTUP_HOLDS; i++) {
      EngineStep.Result held = tick(state, "INSUFFICIENT_DATA", "UP", "UP");
      assertThat(held.toApply()).as("hold %s", i + 1).isEmpty();
      state = held.state();
    }

    EngineStep.Result result = tick(state, "INSUFFICIENT_DATA", "UP", "UP");

    assertThat(EngineStep.MAX_STARTUP_HOLDS).isEqualTo(5);
    assertThat(result.state().startupHolds()).isEqualTo(EngineStep.MAX_STARTUP_HOLDS);
    assertThat(result.state().decision().main()).isEqualTo(provider(2));
    assertThat(result.toApply()).contains(ranked(2, 3, 1));
  }

  @Test
  void step_decisionOutsideTickWhileHeld_heldTooAndCounted() {
    EngineState held = tick(step.initial(T0), "INSUFFICIENT_DATA", "UP", "UP").state();

    EngineStep.Result result = decide(held, Set.of());

    assertThat(result.toApply()).isEmpty();
    assertThat(result.state().startupHolds()).isEqualTo(2);
    assertThat(result.state().ticks()).isEqualTo(1);
  }

  @Test
  void step_stickyProviderAtStart_notHeld() {
    now = now.plusSeconds(5);
    EngineStep.Input input =
        EngineStep.Input.tick(
            VerdictPolicy.histories(PROVIDERS, now, "INSUFFICIENT_DATA", "UP", "UP"),
            StickyReading.forced("isp2", "test forces 'isp2'"),
            Set.of(),
            now);

    EngineStep.Result result = step.step(step.initial(T0), input);

    assertThat(result.state().decision().main()).isEqualTo(provider(2));
    assertThat(result.state().startupHolds()).isZero();
    assertThat(result.toApply()).isPresent();
  }

  @Test
  void step_worseProviderUnjudgedAtStart_notHeld() {
    EngineStep.Result result = tick(step.initial(T0), "UP", "INSUFFICIENT_DATA", "UP");

    assertThat(result.state().decision().main()).isEqualTo(provider(1));
    assertThat(result.toApply()).isPresent();
  }

  // ---- When to apply ---------------------------------------------------------------------------

  @Test
  void step_stateUnchanged_appliedOnlyEveryReassertEveryTicks() {
    assertThat(SETTINGS.reassertEveryTicks()).isEqualTo(3);

    List<Integer> attempts = applyTicks(SETTINGS, ApplyOutcome.complete(), 10);

    assertThat(attempts).containsExactly(1, 4, 7, 10);
  }

  @Test
  void step_newDesiredState_appliedAtOnce() {
    EngineState state = applied(tick(healthy(), "UP", "UP", "UP"));

    EngineStep.Result result = tick(state, "UP", "DOWN", "UP");

    assertThat(result.toApply()).contains(ranked(1, 3, 2));
  }

  @Test
  void step_decisionOutsideTick_appliesAnUnchangedStateAndIsNoTick() {
    EngineState before = healthy();

    EngineStep.Result result = decide(before, Set.of());

    assertThat(result.toApply()).contains(ranked(1, 2, 3));
    assertThat(result.state().ticks()).isEqualTo(before.ticks());
    assertThat(result.state().ledger()).isEqualTo(before.ledger());
    assertThat(result.events()).isEmpty();
  }

  @Test
  void step_afterAFailedApply_retriedOnTheNextTick() {
    EngineStep.Result first = tick(step.initial(T0), "UP", "UP", "UP");
    EngineState failed = fail(first.state(), first.toApply().orElseThrow(), "refused").state();

    EngineStep.Result result = tick(failed, "UP", "UP", "UP");

    assertThat(result.toApply()).contains(ranked(1, 2, 3));
  }

  @Test
  void step_applyKeepsThrowing_retriedOnEveryTick() {
    EngineState state = step.initial(T0);
    int attempts = 0;
    for (int i = 0; i < 20; i++) {
      EngineStep.Result result = tick(state, "UP", "UP", "UP");
      state = result.state();
      if (result.toApply().isPresent()) {
        attempts++;
        state = fail(state, result.toApply().get(), "refused").state();
      }
    }

    assertThat(attempts).isEqualTo(20);
    assertThat(state.ledger().failure()).contains("refused");
  }

  /** Tries at ticks 1, 2, 4, 8, 16, then every 16 ticks: an unplugged modem costs little. */
  @Test
  void step_partlyAppliedWithTheMainRouteInPlace_retriesBackOffToSixteenTicks() {
    EngineSettings rareReassert =
        new EngineSettings(Duration.ofSeconds(5), Duration.ofSeconds(4), 100, 50, 1000);

    List<Integer> attempts = applyTicks(rareReassert, partial(true), 50);

    assertThat(attempts).containsExactly(1, 2, 4, 8, 16, 32, 48);
  }

  /** The backoff never waits longer than a re-assertion would (12 ticks here). */
  @Test
  void step_partlyAppliedWithTheMainRouteInPlace_retriedAtLeastEveryReassertion() {
    List<Integer> attempts = applyTicks(EngineSettings.defaults(), partial(true), 50);

    assertThat(attempts).containsExactly(1, 2, 4, 8, 16, 28, 40);
  }

  @Test
  void step_partlyAppliedWithoutTheMainRoute_retriedOnEveryTick() {
    List<Integer> attempts = applyTicks(EngineSettings.defaults(), partial(false), 50);

    assertThat(attempts).hasSize(50);
  }

  @Test
  void step_newStateWhileRetriesBackOff_appliedAtOnce() {
    EngineSettings rareReassert =
        new EngineSettings(Duration.ofSeconds(5), Duration.ofSeconds(4), 100, 50, 1000);
    EngineStep stepper = step(rareReassert);
    EngineState state = stepper.initial(T0);
    for (int i = 0; i < 4; i++) {
      EngineStep.Result result = stepper.step(state, tickInput(Set.of(), "UP", "UP", "UP"));
      state = result.state();
      if (result.toApply().isPresent()) {
        state =
            stepper
                .afterApply(
                    state,
                    new EngineStep.ApplyResult.Done(result.toApply().get(), partial(true)),
                    now)
                .state();
      }
    }
    assertThat(state.ledger().failuresInARow()).isEqualTo(3);

    EngineStep.Result changed = stepper.step(state, tickInput(Set.of(), "UP", "DOWN", "UP"));

    assertThat(changed.toApply()).contains(ranked(1, 3, 2));
  }

  // ---- Taking the answer back ------------------------------------------------------------------

  @Test
  void afterApply_completeNewState_ledgerClearAndReportedAsNew() {
    EngineStep.Result first = tick(step.initial(T0), "UP", "UP", "UP");

    EngineStep.Result result =
        step.afterApply(
            first.state(),
            new EngineStep.ApplyResult.Done(ranked(1, 2, 3), ApplyOutcome.complete()),
            now);

    assertThat(result.state().ledger().lastApplied()).isEqualTo(ranked(1, 2, 3));
    assertThat(result.state().ledger().lastAppliedAt()).isEqualTo(now);
    assertThat(result.state().ledger().failing()).isFalse();
    assertThat(result.state().ledger().ticksSinceApply()).isZero();
    assertThat(result.toApply()).isEmpty();
    assertThat(result.events())
        .containsExactly(new EngineEvent.RoutesApplied(ranked(1, 2, 3), EngineEvent.Applied.NEW));
  }

  @Test
  void afterApply_completeUnchangedState_reportedAsReasserted() {
    EngineState state = healthy();

    EngineStep.Result result =
        step.afterApply(
            state, new EngineStep.ApplyResult.Done(ranked(1, 2, 3), ApplyOutcome.complete()), now);

    assertThat(result.events())
        .containsExactly(
            new EngineEvent.RoutesApplied(ranked(1, 2, 3), EngineEvent.Applied.REASSERTED));
  }

  @Test
  void afterApply_completeAfterAFailure_reportedAsRecoveredAndFailureCleared() {
    EngineStep.Result first = tick(step.initial(T0), "UP", "UP", "UP");
    EngineState failed = fail(first.state(), ranked(1, 2, 3), "refused").state();

    EngineStep.Result result =
        step.afterApply(
            failed, new EngineStep.ApplyResult.Done(ranked(1, 2, 3), ApplyOutcome.complete()), now);

    assertThat(result.state().ledger().failure()).isNull();
    assertThat(result.events())
        .containsExactly(
            new EngineEvent.RoutesApplied(ranked(1, 2, 3), EngineEvent.Applied.AFTER_FAILURE));
  }

  /** Said once at ERROR, then at DEBUG while it repeats word for word, at ERROR when it changes. */
  @Test
  void afterApply_failures_firstSameAndDifferentTold() {
    EngineState state = tick(step.initial(T0), "UP", "UP", "UP").state();
    List<EngineEvent.Repeat> repeats = new ArrayList<>();
    for (String message : List.of("refused", "refused", "gone", "gone")) {
      EngineStep.Result result = fail(state, ranked(1, 2, 3), message);
      state = result.state();
      repeats.add(events(result, EngineEvent.ApplyFailed.class).get(0).repeat());
    }

    assertThat(repeats)
        .containsExactly(
            EngineEvent.Repeat.FIRST,
            EngineEvent.Repeat.SAME,
            EngineEvent.Repeat.DIFFERENT,
            EngineEvent.Repeat.SAME);
    assertThat(state.ledger().failure()).isEqualTo("provider 'isp1': gone");
    assertThat(state.ledger().failedState()).isEqualTo(ranked(1, 2, 3));
  }

  @Test
  void afterApply_samePartialTwice_secondRepeated() {
    EngineState state = tick(step.initial(T0), "UP", "UP", "UP").state();
    EngineStep.ApplyResult partly = new EngineStep.ApplyResult.Done(ranked(1, 2, 3), partial(true));

    EngineStep.Result first = step.afterApply(state, partly, now);
    EngineStep.Result second = step.afterApply(first.state(), partly, now);

    assertThat(events(first, EngineEvent.PartlyApplied.class).get(0).repeated()).isFalse();
    assertThat(events(second, EngineEvent.PartlyApplied.class).get(0).repeated()).isTrue();
    assertThat(second.state().ledger().failure())
        .startsWith("routing state applied only partly: partial (provider 'isp3' skipped");
    assertThat(second.state().ledger().failuresInARow()).isEqualTo(2);
  }

  @Test
  void afterApply_partialWithoutTheMainRoute_noBackoff() {
    EngineState state = tick(step.initial(T0), "UP", "UP", "UP").state();
    EngineStep.ApplyResult partly =
        new EngineStep.ApplyResult.Done(ranked(1, 2, 3), partial(false));

    EngineState after =
        step.afterApply(step.afterApply(state, partly, now).state(), partly, now).state();

    assertThat(after.ledger().failuresInARow()).isZero();
    assertThat(after.ledger().due(1000)).isFalse();
    assertThat(after.ledger().ticked().due(1000)).isTrue();
  }

  @Test
  void afterApply_anyAnswer_decisionAndStatusesUntouched() {
    EngineState state = tick(step.initial(T0), "UP", "DOWN", "UP").state();

    EngineState after = fail(state, ranked(1, 3, 2), "refused").state();

    assertThat(after.withLedger(state.ledger())).isEqualTo(state);
  }

  // ---- Purity and the cadence ------------------------------------------------------------------

  @Test
  void step_sameStateAndInput_equalResults() {
    EngineState state = tick(healthy(), "UP", "SUSPECT", VerdictPolicy.OMIT).state();
    EngineStep.Input input = tickInput(Set.of("isp3"), "DOWN", "UP", "RECOVERING");

    EngineStep.Result once = step.step(state, input);
    EngineStep.Result twice = step(SETTINGS).step(state, input);

    assertThat(twice).isEqualTo(once);
    assertThat(step.step(state, input)).isEqualTo(once);
  }

  @Test
  void interval_providerInDoubt_fastCheckInterval() {
    EngineSettings fast =
        new EngineSettings(
            Duration.ofSeconds(5), Duration.ofMillis(800), 100, 50, 3, Duration.ofSeconds(1));
    EngineState up = healthy();

    assertThat(step.initial(T0).interval(fast)).isEqualTo(Duration.ofSeconds(1));
    assertThat(up.interval(fast)).isEqualTo(Duration.ofSeconds(5));
    assertThat(tick(up, "UP", "UP", "DOWN").state().interval(fast))
        .isEqualTo(Duration.ofSeconds(5));
    for (String doubt : List.of("SUSPECT", "INSUFFICIENT_DATA")) {
      assertThat(tick(up, "UP", doubt, "UP").state().interval(fast))
          .as(doubt)
          .isEqualTo(Duration.ofSeconds(1));
    }
    EngineState down = tick(up, "UP", "DOWN", "UP").state();
    assertThat(tick(down, "UP", "RECOVERING", "UP").state().interval(fast))
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void retryBackoffTicks_failuresInARow_doubleUpToSixteen() {
    List<Integer> waits = new ArrayList<>();
    for (int failures = 0; failures <= 7; failures++) {
      waits.add(ApplyLedger.retryBackoffTicks(failures));
    }

    assertThat(waits).containsExactly(1, 1, 2, 4, 8, 16, 16, 16);
    assertThat(ApplyLedger.retryBackoffTicks(Integer.MAX_VALUE)).isEqualTo(16);
  }

  @Test
  void stateChangedEvent_deliver_callsTheListener() {
    RecordingListener listener = new RecordingListener();
    EngineStep.Result result = tick(healthy(), "UP", "DOWN", "UP");

    for (EngineEvent event : result.events()) {
      event.deliver(listener);
    }

    assertThat(listener.stateChanges)
        .extracting(ProviderStateChanged::provider)
        .containsExactly(provider(2));
  }
}
