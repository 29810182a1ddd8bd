package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.Provider;
import dev.failover.api.ProviderRoute;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.Providers;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.testkit.Property;
import dev.failover.testkit.Shrinker;
import dev.failover.testkit.Shrinkers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Model-based test of the engine's step as a pure function ({@link EngineStep}): random input
 * sequences (ticks whose rounds carry the policy's verdicts, including a throwing policy, an
 * omitted provider and illegal transitions; decisions outside a tick; links down and up; sticky
 * readings; time passing; the backend's answers: complete, partial with or without the main route,
 * failures) are stepped from the initial state, with no engine, no thread and no clock, and
 * compared with a reference model written here from the documented rules (docs/architecture.md,
 * "One tick"). The engine-level model test ({@code scenario/EngineModelTest}) runs the shell with
 * fakes; this one checks the rules alone, and more of them.
 *
 * <p>After every step:
 *
 * <ul>
 *   <li>the same state and input give an equal result, from this step object and a new one;
 *   <li>a decision names every provider once, with one main route (the decision's main, at {@code
 *       start_metric}) and the others at +1, +2, ...; the routing state to apply is the decision's;
 *   <li>statuses, held decisions, the main provider and whether to apply are the model's; so are
 *       the ledger and the events after the backend's answer (retry on the next tick, the backoff
 *       of 1, 2, 4, 8, 16 ticks capped by the re-assertion, a new state at once, a decision outside
 *       a tick always, re-assertion every {@code reassertEveryTicks});
 *   <li>every status change is allowed by {@link ProviderState}'s table and is an event;
 *   <li>the main provider's dwell: {@code mainSince} moves exactly when a switch is reported, to
 *       the step's time, and a step repeated with the same input reports no switch and no state
 *       change (a switch always comes from a change of the inputs).
 * </ul>
 *
 * <p>Seeded and reproducible through the testkit's {@link Property}: {@code
 * -Dfailover.testkit.seed=N} replays a run. On failure the message gives the seed, the
 * configuration and the action list shrunk to a small one.
 */
class EngineStepModelTest {
  private static final int SEQUENCES = 500;
  private static final int MAX_ACTIONS = 80;
  private static final int START_METRIC = 100;
  private static final Instant T0 = Fixtures.T0;
  private static final List<String> STATES =
      Arrays.stream(ProviderState.values()).map(Enum::name).toList();

  /** What the generated sequences exercised, so that a degenerate generator fails the test. */
  private static final class Coverage {
    int cases;
    int ticks;
    int decisions;
    int holds;
    int heldToTheMaximum;
    int switches;
    int applies;
    int reasserts;
    int retries;
    int backoffWaits;
    int failures;
    int partialsInPlace;
    int policyFailures;
    int omissions;
    int illegalTransitions;
    int stickyDecisions;
    int linkDownDecisions;
  }

  // ---- The actions -------------------------------------------------------------------------

  /** One step of a sequence. */
  sealed interface Action permits Tick, Decide, Link, Sticky, Advance, Answer {}

  /** A tick whose rounds carry these verdicts, one per provider (see {@link VerdictPolicy}). */
  record Tick(List<String> verdicts) implements Action {}

  /** A decision outside a tick. */
  record Decide() implements Action {}

  /** The link of {@code provider} goes down ({@code usable} false) or comes back; no step. */
  record Link(int provider, boolean usable) implements Action {}

  /** The sticky reading from now on: provider {@code provider} forced, or one of the others. */
  record Sticky(StickyKind kind, int provider) implements Action {}

  /** The kinds of sticky reading. */
  enum StickyKind {
    ABSENT,
    FORCED,
    UNKNOWN_ID,
    IGNORED
  }

  /** Time passes without a step. */
  record Advance(Duration duration) implements Action {}

  /** The backend answers the next {@code count} applies so (replacing what was pending). */
  record Answer(Reply reply, int count) implements Action {}

  /** How the backend answers an apply. */
  enum Reply {
    COMPLETE,
    PARTIAL_MAIN_IN_PLACE,
    PARTIAL_MAIN_MISSING,
    THROWS_REFUSED,
    THROWS_GONE
  }

  /** The configuration of one sequence; shrinking keeps it. */
  record Config(int providers, int reassertEveryTicks) {}

  /** A generated case. */
  record Case(Config config, List<Action> actions) {
    @Override
    public String toString() {
      return config
          + ", "
          + actions.size()
          + " actions:"
          + actions.stream().map(a -> "\n      " + a).collect(Collectors.joining());
    }
  }

  /** What a broken model gets wrong, to show that the checker can fail. */
  enum Mutation {
    NONE,
    NO_BACKOFF,
    NO_STARTUP_HOLD
  }

  // ---- The tests ---------------------------------------------------------------------------

  @Test
  void step_randomInputSequences_matchesReferenceModel() {
    Coverage coverage = new Coverage();
    int sequences = Math.max(SEQUENCES / 2, Property.cases(SEQUENCES));

    Property.forAll(
        "EngineStepModelTest.step",
        sequences,
        EngineStepModelTest::generate,
        caseShrinker(),
        c -> check(c, Mutation.NONE, coverage).ifPresent(failure -> fail(failure)));

    assertThat(coverage.cases).isEqualTo(sequences);
    assertThat(coverage.ticks).isGreaterThan(sequences * 10);
    assertThat(coverage.decisions).isGreaterThan(sequences);
    assertThat(coverage.holds).isGreaterThan(sequences / 4);
    assertThat(coverage.heldToTheMaximum).isGreaterThan(sequences / 50);
    assertThat(coverage.switches).isGreaterThan(sequences / 2);
    assertThat(coverage.applies).isGreaterThan(sequences * 3);
    assertThat(coverage.reasserts).isGreaterThan(sequences / 2);
    assertThat(coverage.retries).isGreaterThan(sequences / 2);
    assertThat(coverage.backoffWaits).isGreaterThan(sequences / 5);
    assertThat(coverage.failures).isGreaterThan(sequences / 2);
    assertThat(coverage.partialsInPlace).isGreaterThan(sequences / 2);
    assertThat(coverage.policyFailures).isGreaterThan(sequences / 4);
    assertThat(coverage.omissions).isGreaterThan(sequences / 4);
    assertThat(coverage.illegalTransitions).isGreaterThan(sequences / 4);
    assertThat(coverage.stickyDecisions).isGreaterThan(sequences);
    assertThat(coverage.linkDownDecisions).isGreaterThan(sequences);
  }

  /** The checker can fail: a model without the backoff, or without the startup hold, is caught. */
  @Test
  void check_brokenModels_counterexamplesFound() {
    for (Mutation mutation : List.of(Mutation.NO_BACKOFF, Mutation.NO_STARTUP_HOLD)) {
      assertThatThrownBy(
              () ->
                  Property.forAll(
                      "EngineStepModelTest." + mutation,
                      SEQUENCES,
                      EngineStepModelTest::generate,
                      caseShrinker(),
                      c -> check(c, mutation, new Coverage()).ifPresent(f -> fail(f))))
          .as("%s", mutation)
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("-Dfailover.testkit.seed=")
          .hasMessageContaining("shrunk");
    }
  }

  // ---- Generation and shrinking ------------------------------------------------------------

  private static Case generate(SplittableRandom random) {
    Config config = new Config(1 + random.nextInt(4), 1 + random.nextInt(5));
    int length = 1 + random.nextInt(MAX_ACTIONS);
    List<Action> actions = new ArrayList<>(length);
    // The verdicts drift from tick to tick, so that states stay long enough for the retry and
    // re-assertion rules to show.
    String[] verdicts = new String[config.providers()];
    for (int p = 0; p < verdicts.length; p++) {
      verdicts[p] = random.nextInt(3) == 0 ? "INSUFFICIENT_DATA" : "UP";
    }
    for (int i = 0; i < length; i++) {
      int roll = random.nextInt(100);
      int provider = random.nextInt(config.providers());
      if (roll < 55) {
        if (random.nextInt(3) == 0) {
          verdicts[provider] = verdict(random);
        }
        List<String> tick = new ArrayList<>(Arrays.asList(verdicts));
        if (random.nextInt(25) == 0) {
          tick.set(provider, VerdictPolicy.THROW);
        } else if (random.nextInt(25) == 0) {
          tick.set(provider, VerdictPolicy.OMIT);
        }
        actions.add(new Tick(tick));
      } else if (roll < 65) {
        actions.add(new Decide());
      } else if (roll < 75) {
        actions.add(new Link(random.nextBoolean() ? 0 : provider, random.nextBoolean()));
      } else if (roll < 82) {
        StickyKind[] kinds = StickyKind.values();
        actions.add(new Sticky(kinds[random.nextInt(kinds.length)], provider));
      } else if (roll < 85) {
        actions.add(new Advance(Duration.ofMillis(1 + random.nextInt(60_000))));
      } else {
        Reply[] replies = Reply.values();
        actions.add(
            new Answer(
                replies[random.nextInt(replies.length)],
                random.nextBoolean() ? 1 : 1 + random.nextInt(8)));
      }
    }
    return new Case(config, actions);
  }

  private static String verdict(SplittableRandom random) {
    int roll = random.nextInt(100);
    if (roll < 40) {
      return "UP";
    } else if (roll < 65) {
      return "DOWN";
    } else if (roll < 77) {
      return "SUSPECT";
    } else if (roll < 89) {
      return "RECOVERING";
    }
    return "INSUFFICIENT_DATA";
  }

  private static Shrinker<Case> caseShrinker() {
    Shrinker<List<Action>> actions = Shrinkers.list(Shrinkers.none());
    return c -> actions.candidates(c.actions()).map(a -> new Case(c.config(), a));
  }

  // ---- Running one case --------------------------------------------------------------------

  /** Steps {@code c} and the model side by side; the first disagreement, if any. */
  private static Optional<String> check(Case c, Mutation mutation, Coverage coverage) {
    coverage.cases++;
    Config config = c.config();
    List<Provider> providers = Fixtures.providers(config.providers());
    EngineSettings settings =
        new EngineSettings(
            Duration.ofSeconds(5),
            Duration.ofSeconds(4),
            START_METRIC,
            50,
            config.reassertEveryTicks());
    EngineStep step = new EngineStep(Providers.of(providers), settings, new VerdictPolicy());
    Model model = new Model(providers, config.reassertEveryTicks(), mutation, coverage);
    Instant now = T0;
    EngineState state = step.initial(now);
    Set<String> linkDown = new HashSet<>();
    StickyReading sticky = StickyReading.absent();
    Deque<Reply> replies = new ArrayDeque<>();
    try {
      for (int index = 0; index < c.actions().size(); index++) {
        Action action = c.actions().get(index);
        String where = "after action " + index + " (" + action + ")";
        EngineStep.Input input = null;
        if (action instanceof Tick a) {
          now = now.plusSeconds(5);
          input =
              EngineStep.Input.tick(
                  VerdictPolicy.histories(providers, now, a.verdicts().toArray(String[]::new)),
                  sticky,
                  linkDown,
                  now);
        } else if (action instanceof Decide) {
          input = EngineStep.Input.decision(sticky, linkDown, now);
        } else if (action instanceof Link a) {
          if (a.usable()) {
            linkDown.remove(providers.get(a.provider()).id());
          } else {
            linkDown.add(providers.get(a.provider()).id());
          }
        } else if (action instanceof Sticky a) {
          sticky = sticky(a, providers);
        } else if (action instanceof Advance a) {
          now = now.plus(a.duration());
        } else if (action instanceof Answer a) {
          replies.clear();
          for (int i = 0; i < a.count(); i++) {
            replies.add(a.reply());
          }
        }
        if (input == null) {
          continue;
        }

        EngineStep.Result result = step.step(state, input);
        assertThat(
                new EngineStep(Providers.of(providers), settings, new VerdictPolicy())
                    .step(state, input))
            .as("%s: the same state and input give an equal result", where)
            .isEqualTo(result)
            .isEqualTo(step.step(state, input));
        checkInvariants(state, input, result, providers, where);
        Model.Expected expected = model.step(action, linkDown, sticky);
        compare(expected, result, providers, where);
        checkRepeatable(step, result, input, where);

        state = result.state();
        Optional<RoutingState> toApply = result.toApply();
        if (toApply.isPresent()) {
          Reply reply = replies.isEmpty() ? Reply.COMPLETE : replies.poll();
          EngineStep.Result after =
              step.afterApply(state, answer(reply, toApply.get(), providers), now);
          Model.Answered answered = model.answer(reply, now);
          compareAnswer(answered, state, after, where);
          state = after.state();
        }
      }
      return Optional.empty();
    } catch (AssertionError e) {
      return Optional.of(e.getMessage());
    }
  }

  private static StickyReading sticky(Sticky a, List<Provider> providers) {
    return switch (a.kind()) {
      case ABSENT -> StickyReading.absent();
      case FORCED -> StickyReading.forced(providers.get(a.provider()).id(), "forced");
      case UNKNOWN_ID -> StickyReading.forced("isp9", "forced, but not configured");
      case IGNORED -> StickyReading.ignored("garbage");
    };
  }

  private static EngineStep.ApplyResult answer(
      Reply reply, RoutingState desired, List<Provider> providers) {
    Provider last = providers.get(providers.size() - 1);
    List<ApplyOutcome.Skipped> skipped =
        List.of(new ApplyOutcome.Skipped(last, "interface " + last.interfaceName() + " is gone"));
    return switch (reply) {
      case COMPLETE -> new EngineStep.ApplyResult.Done(desired, ApplyOutcome.complete());
      case PARTIAL_MAIN_IN_PLACE ->
          new EngineStep.ApplyResult.Done(desired, ApplyOutcome.partial(skipped, true));
      case PARTIAL_MAIN_MISSING ->
          new EngineStep.ApplyResult.Done(desired, ApplyOutcome.partial(skipped, false));
      case THROWS_REFUSED ->
          new EngineStep.ApplyResult.Failed(desired, new RouteBackendException(null, "refused"));
      case THROWS_GONE ->
          new EngineStep.ApplyResult.Failed(desired, new RouteBackendException(null, "gone"));
    };
  }

  /** What holds after any step, whatever the model says. */
  private static void checkInvariants(
      EngineState before,
      EngineStep.Input input,
      EngineStep.Result result,
      List<Provider> providers,
      String where) {
    EngineState after = result.state();
    assertThat(after.ticks())
        .as("%s: ticks", where)
        .isEqualTo(before.ticks() + (input.isTick() ? 1 : 0));
    assertThat(after.sticky()).as("%s: sticky kept", where).isEqualTo(input.sticky());
    assertThat(after.linkDown()).as("%s: links kept", where).isEqualTo(input.linkDown());
    assertThat(after.startupHolds())
        .as("%s: holds", where)
        .isBetween(before.startupHolds(), EngineStep.MAX_STARTUP_HOLDS);
    if (!input.isTick()) {
      assertThat(after.statuses())
          .as("%s: a decision asks no policy", where)
          .isEqualTo(before.statuses());
      assertThat(after.ledger()).as("%s: a decision is no tick", where).isEqualTo(before.ledger());
    }

    // Every status change is allowed and reported, in provider order.
    List<Provider> changed = new ArrayList<>();
    for (Provider provider : providers) {
      ProviderStatus from = before.statuses().get(provider.id());
      ProviderStatus to = after.statuses().get(provider.id());
      assertThat(to).as("%s: a status for %s", where, provider).isNotNull();
      assertThat(from.state().canTransitionTo(to.state()))
          .as("%s: %s -> %s of %s is allowed", where, from.state(), to.state(), provider)
          .isTrue();
      if (from.state() != to.state()) {
        changed.add(provider);
      }
    }
    assertThat(events(result, EngineEvent.StateChanged.class))
        .extracting(e -> e.event().provider())
        .as("%s: state-change events", where)
        .containsExactlyElementsOf(changed);

    Decision decision = after.decision();
    List<EngineEvent.MainSwitched> switches = events(result, EngineEvent.MainSwitched.class);
    if (decision == null) {
      assertThat(before.decision()).as("%s: a decision is never undone", where).isNull();
      assertThat(result.toApply()).as("%s: nothing applied while held", where).isEmpty();
      assertThat(after.desired()).isNull();
      assertThat(switches).isEmpty();
      return;
    }
    // One main: the decision's, at start_metric; every provider once, metrics one apart.
    RoutingState desired = after.desired();
    assertThat(desired)
        .as("%s: desired", where)
        .isEqualTo(decision.routingState(dev.failover.api.AddressFamily.IPV4, START_METRIC));
    List<ProviderRoute> routes = desired.routes();
    assertThat(routes)
        .extracting(ProviderRoute::provider)
        .as("%s: every provider once", where)
        .containsExactlyInAnyOrderElementsOf(providers);
    for (int i = 0; i < routes.size(); i++) {
      assertThat(routes.get(i).metric()).as("%s: metric %s", where, i).isEqualTo(START_METRIC + i);
    }
    assertThat(desired.main()).as("%s: one main", where).contains(decision.main());
    result
        .toApply()
        .ifPresent(
            s ->
                assertThat(s)
                    .as("%s: the state to apply is the decision's", where)
                    .isEqualTo(desired));

    // Dwell: mainSince moves exactly at a reported switch, to now.
    boolean switched =
        before.decision() == null || !before.decision().main().equals(decision.main());
    if (switched) {
      assertThat(switches)
          .as("%s: a switch is reported", where)
          .singleElement()
          .satisfies(
              e -> {
                assertThat(e.event().to()).isEqualTo(decision.main());
                assertThat(e.event().from())
                    .isEqualTo(before.decision() == null ? null : before.decision().main());
                assertThat(e.event().reason()).isEqualTo(decision.reason());
                assertThat(e.event().at()).isEqualTo(input.now());
              });
      assertThat(after.mainSince()).as("%s: mainSince at a switch", where).isEqualTo(input.now());
    } else {
      assertThat(switches).as("%s: no switch without a new main", where).isEmpty();
      assertThat(after.mainSince()).as("%s: mainSince kept", where).isEqualTo(before.mainSince());
    }
  }

  /**
   * Once decided, the same input once more changes no main, no ranking and no state: a switch
   * always comes from a change of the inputs, never from the engine itself.
   */
  private static void checkRepeatable(
      EngineStep step, EngineStep.Result result, EngineStep.Input input, String where) {
    Decision decision = result.state().decision();
    if (decision == null) {
      return;
    }
    EngineStep.Result again = step.step(result.state(), input);
    assertThat(events(again, EngineEvent.MainSwitched.class))
        .as("%s: repeated, no switch", where)
        .isEmpty();
    assertThat(events(again, EngineEvent.StateChanged.class))
        .as("%s: repeated, no state change", where)
        .isEmpty();
    assertThat(again.state().decision().ranked())
        .as("%s: repeated, same ranking", where)
        .isEqualTo(decision.ranked());
  }

  private static void compare(
      Model.Expected expected, EngineStep.Result result, List<Provider> providers, String where) {
    EngineState state = result.state();
    for (int p = 0; p < providers.size(); p++) {
      assertThat(state.statuses().get(providers.get(p).id()).state())
          .as("%s: state of %s", where, providers.get(p))
          .isEqualTo(expected.states().get(p));
    }
    assertThat(events(result, EngineEvent.PolicyFailed.class))
        .as("%s: policy failure reported", where)
        .hasSize(expected.policyFailed() ? 1 : 0);
    assertThat(events(result, EngineEvent.PolicyOmitted.class))
        .extracting(EngineEvent.PolicyOmitted::provider)
        .as("%s: omissions reported", where)
        .containsExactlyElementsOf(expected.omitted());
    assertThat(events(result, EngineEvent.IllegalTransition.class))
        .as("%s: illegal transitions reported", where)
        .hasSize(expected.illegal());
    assertThat(events(result, EngineEvent.FirstDecisionHeld.class))
        .as("%s: held", where)
        .hasSize(expected.held() ? 1 : 0);
    assertThat(state.startupHolds()).as("%s: holds", where).isEqualTo(expected.holds());
    assertThat(state.decision() == null ? null : state.decision().main())
        .as("%s: main provider", where)
        .isEqualTo(expected.main());
    if (expected.ranking() != null) {
      assertThat(state.decision().ranked()).as("%s: ranking", where).isEqualTo(expected.ranking());
    }
    assertThat(result.toApply().isPresent())
        .as("%s: applies (the ledger was %s)", where, state.ledger())
        .isEqualTo(expected.apply());
  }

  private static void compareAnswer(
      Model.Answered answered, EngineState before, EngineStep.Result after, String where) {
    ApplyLedger ledger = after.state().ledger();
    assertThat(after.state().withLedger(before.ledger()))
        .as("%s: an answer changes only the ledger", where)
        .isEqualTo(before);
    assertThat(after.toApply()).isEmpty();
    assertThat(ledger.lastApplied())
        .as("%s: last applied", where)
        .isEqualTo(answered.lastApplied());
    assertThat(ledger.lastAppliedAt())
        .as("%s: last applied at", where)
        .isEqualTo(answered.lastAppliedAt());
    assertThat(ledger.failing()).as("%s: failing", where).isEqualTo(answered.failing());
    assertThat(ledger.failedState())
        .as("%s: failed state", where)
        .isEqualTo(answered.failedState());
    assertThat(ledger.failuresInARow())
        .as("%s: failures in a row", where)
        .isEqualTo(answered.failuresInARow());
    assertThat(after.events()).as("%s: the answer's event", where).hasSize(1);
    assertThat(describe(after.events().get(0), before.desired()))
        .as("%s: the answer's event", where)
        .isEqualTo(answered.event());
  }

  /** The event of an answer in the model's words; checks that it names the applied state. */
  private static String describe(EngineEvent event, @Nullable RoutingState applied) {
    if (event instanceof EngineEvent.RoutesApplied e) {
      assertThat(e.desired()).isEqualTo(applied);
      return "applied " + e.why();
    } else if (event instanceof EngineEvent.PartlyApplied e) {
      assertThat(e.desired()).isEqualTo(applied);
      return "partly" + (e.repeated() ? " again" : "");
    } else if (event instanceof EngineEvent.ApplyFailed e) {
      assertThat(e.desired()).isEqualTo(applied);
      return "failed " + e.repeat();
    }
    return event.toString();
  }

  private static <T extends EngineEvent> List<T> events(EngineStep.Result result, Class<T> type) {
    return result.events().stream().filter(type::isInstance).map(type::cast).toList();
  }

  // ---- The reference model -----------------------------------------------------------------

  /** The documented rules, written plainly with mutable fields and no shared code. */
  private static final class Model {
    final List<Provider> providers;
    final int reassert;
    final Mutation mutation;
    final Coverage coverage;
    final ProviderState[] states;
    @Nullable Provider main;
    int holds;
    @Nullable RoutingState desired;
    // The ledger.
    @Nullable RoutingState lastApplied;
    @Nullable Instant lastAppliedAt;
    @Nullable String failure;
    @Nullable RoutingState failedState;
    int failuresInARow;
    int ticksSinceApply;
    int ticksSinceFailure;

    Model(List<Provider> providers, int reassert, Mutation mutation, Coverage coverage) {
      this.providers = providers;
      this.reassert = reassert;
      this.mutation = mutation;
      this.coverage = coverage;
      this.states = new ProviderState[providers.size()];
      Arrays.fill(states, ProviderState.INSUFFICIENT_DATA);
    }

    /** What a step should do. */
    record Expected(
        List<ProviderState> states,
        boolean policyFailed,
        List<Provider> omitted,
        int illegal,
        boolean held,
        int holds,
        @Nullable Provider main,
        @Nullable List<Provider> ranking,
        boolean apply) {}

    /** What the ledger should hold after an answer, and the event. */
    record Answered(
        @Nullable RoutingState lastApplied,
        @Nullable Instant lastAppliedAt,
        boolean failing,
        @Nullable RoutingState failedState,
        int failuresInARow,
        String event) {}

    /** 1, 1, 2, 4, 8, 16, 16, ... ticks after 0, 1, 2, ... failures in a row. */
    int backoff(int failures) {
      if (mutation == Mutation.NO_BACKOFF) {
        return 1;
      }
      int ticks = 1;
      for (int i = 1; i < failures && ticks < 16; i++) {
        ticks *= 2;
      }
      return ticks;
    }

    Expected step(Action action, Set<String> linkDown, StickyReading sticky) {
      boolean tick = action instanceof Tick;
      boolean policyFailed = false;
      List<Provider> omitted = new ArrayList<>();
      int illegal = 0;
      if (tick) {
        coverage.ticks++;
        List<String> verdicts = ((Tick) action).verdicts();
        if (verdicts.contains(VerdictPolicy.THROW)) {
          policyFailed = true;
          coverage.policyFailures++;
        } else {
          for (int p = 0; p < providers.size(); p++) {
            if (verdicts.get(p).equals(VerdictPolicy.OMIT)) {
              omitted.add(providers.get(p));
              coverage.omissions++;
              continue;
            }
            ProviderState next = ProviderState.valueOf(verdicts.get(p));
            if (states[p].canTransitionTo(next)) {
              states[p] = next;
            } else {
              illegal++;
              coverage.illegalTransitions++;
            }
          }
        }
      } else {
        coverage.decisions++;
      }

      // Selection.
      List<Provider> usable = new ArrayList<>();
      List<Provider> selectable = new ArrayList<>();
      for (int p = 0; p < providers.size(); p++) {
        Provider provider = providers.get(p);
        if (!linkDown.contains(provider.id())) {
          usable.add(provider);
          if (states[p] == ProviderState.UP || states[p] == ProviderState.SUSPECT) {
            selectable.add(provider);
          }
        }
      }
      Provider forced = null;
      for (Provider provider : usable) {
        if (sticky.forcedProviderId().orElse("").equals(provider.id())) {
          forced = provider;
        }
      }
      Provider next;
      boolean eligibleBasis = false;
      if (forced != null) {
        next = forced;
        coverage.stickyDecisions++;
      } else if (!selectable.isEmpty()) {
        next = selectable.get(0);
        eligibleBasis = true;
      } else if (main == null) {
        next =
            usable.isEmpty()
                ? providers.get(0)
                : Objects.requireNonNullElse(recovering(usable, providers, states), usable.get(0));
      } else if (linkDown.contains(main.id()) && !usable.isEmpty()) {
        next = Objects.requireNonNullElse(recovering(usable, providers, states), usable.get(0));
      } else if (states[providers.indexOf(main)] == ProviderState.DOWN
          && recovering(usable, providers, states) != null) {
        // A main judged down gives way to a recovering provider while none is eligible.
        next = recovering(usable, providers, states);
      } else {
        next = main;
      }
      if (!linkDown.isEmpty()) {
        coverage.linkDownDecisions++;
      }

      // The startup hold.
      boolean held = false;
      if (main == null
          && holds < EngineStep.MAX_STARTUP_HOLDS
          && eligibleBasis
          && mutation != Mutation.NO_STARTUP_HOLD) {
        for (Provider provider : providers) {
          if (provider.equals(next)) {
            break;
          }
          if (!linkDown.contains(provider.id())
              && states[providers.indexOf(provider)] == ProviderState.INSUFFICIENT_DATA) {
            held = true;
          }
        }
      }
      if (held) {
        holds++;
        coverage.holds++;
        if (holds == EngineStep.MAX_STARTUP_HOLDS) {
          coverage.heldToTheMaximum++;
        }
        return new Expected(
            List.of(states), policyFailed, omitted, illegal, true, holds, null, null, false);
      }
      if (main != null && !main.equals(next)) {
        coverage.switches++;
      }
      main = next;
      List<Provider> ranking = new ArrayList<>();
      ranking.add(main);
      for (List<Provider> group : List.of(selectable, usable, providers)) {
        for (Provider provider : group) {
          if (!ranking.contains(provider)) {
            ranking.add(provider);
          }
        }
      }
      desired = RoutingState.ranked(ranking, START_METRIC);

      // The apply rule.
      if (tick) {
        ticksSinceApply++;
        ticksSinceFailure++;
      }
      boolean failing = failure != null;
      boolean changed = !desired.equals(failing ? failedState : lastApplied);
      boolean due =
          failing
              ? ticksSinceFailure >= Math.min(backoff(failuresInARow), reassert)
              : ticksSinceApply >= reassert;
      boolean apply = !tick || changed || due;
      if (apply) {
        coverage.applies++;
        if (failing && tick) {
          coverage.retries++;
        } else if (tick && !changed) {
          coverage.reasserts++;
        }
      } else if (failing) {
        coverage.backoffWaits++;
      }
      return new Expected(
          List.of(states), policyFailed, omitted, illegal, false, holds, main, ranking, apply);
    }

    Answered answer(Reply reply, Instant now) {
      RoutingState state = desired;
      boolean failing = failure != null;
      boolean changed = !state.equals(failing ? failedState : lastApplied);
      String event;
      switch (reply) {
        case COMPLETE -> {
          event = "applied " + (changed ? "NEW" : failing ? "AFTER_FAILURE" : "REASSERTED");
          lastApplied = state;
          lastAppliedAt = now;
          failure = null;
          failedState = null;
          failuresInARow = 0;
          ticksSinceApply = 0;
          ticksSinceFailure = 0;
        }
        case PARTIAL_MAIN_IN_PLACE, PARTIAL_MAIN_MISSING -> {
          boolean inPlace = reply == Reply.PARTIAL_MAIN_IN_PLACE;
          String message = "partial, main route " + (inPlace ? "in place" : "missing");
          event = "partly" + (message.equals(failure) ? " again" : "");
          if (inPlace) {
            coverage.partialsInPlace++;
            failuresInARow = failing && state.equals(failedState) ? failuresInARow + 1 : 1;
          } else {
            failuresInARow = 0;
          }
          failure = message;
          failedState = state;
          ticksSinceFailure = 0;
        }
        default -> {
          String message = reply == Reply.THROWS_REFUSED ? "refused" : "gone";
          coverage.failures++;
          event = "failed " + (!failing ? "FIRST" : message.equals(failure) ? "SAME" : "DIFFERENT");
          failure = message;
          failedState = state;
          failuresInARow = 0;
          ticksSinceFailure = 0;
        }
      }
      return new Answered(
          lastApplied, lastAppliedAt, failure != null, failedState, failuresInARow, event);
    }
  }

  /** The first of {@code usable} that is RECOVERING, or null. */
  private static @org.jspecify.annotations.Nullable Provider recovering(
      List<Provider> usable, List<Provider> providers, ProviderState[] states) {
    for (Provider provider : usable) {
      if (states[providers.indexOf(provider)] == ProviderState.RECOVERING) {
        return provider;
      }
    }
    return null;
  }
}
