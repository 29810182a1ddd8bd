package dev.failover.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.Provider;
import dev.failover.api.RoutingState;
import dev.failover.api.SwitchReason;
import dev.failover.api.TestResult;
import dev.failover.core.EngineSettings;
import dev.failover.core.EngineStatus;
import dev.failover.core.FailoverEngine;
import dev.failover.core.Fixtures;
import dev.failover.core.OriginalPolicy;
import dev.failover.core.RecordingListener;
import dev.failover.core.StickyProviderFile;
import dev.failover.core.TestEngines;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeRouteBackend;
import dev.failover.testkit.FakeTestScenario;
import dev.failover.testkit.Property;
import dev.failover.testkit.Shrinker;
import dev.failover.testkit.Shrinkers;
import dev.failover.testkit.Shrinking;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model-based test of the engine: random action sequences (check results, time passing, the sticky
 * file set, changed, cleared or filled with garbage, backend failures, links going down and up,
 * ticks) run against the real engine with fakes and a real sticky file, and against a reference
 * model written here from the documented rules (docs/policy-original.md, docs/architecture.md). A
 * link change is fed to the engine as {@code FailoverService.linkChanged} does: {@code
 * linkChanged}, then {@code decideNow()} if that changed anything. After every step: the main
 * provider is the model's; every state the backend holds was applied whole and equals the model's;
 * a failed apply is retried on the next tick, and while the same state keeps failing with its main
 * route in place after 2, 4, 8 and at most 16 ticks (never more than the re-assertion interval);
 * the backend is called exactly when the model says;
 * the main-switched events are the model's, and a switch away from a main whose link is down is a
 * FAILOVER that names the link; a link change runs no probe.
 *
 * <p>This test runs the shell ({@link FailoverEngine}) with fakes: probes, the history, the sticky
 * file, the backend and the listeners. The rules alone are checked more closely, as the pure
 * function they are, by {@code EngineStepModelTest} next to the engine's classes.
 *
 * <p>Seeded and reproducible through the testkit's {@link Property}: {@code
 * -Dfailover.testkit.seed=N} replays a run. On failure the message gives the seed, the
 * configuration and the action list shrunk to a small one.
 */
class EngineModelTest {
  private static final int SEQUENCES = 400;
  private static final int MIN_SEQUENCES = 300;
  private static final int MAX_ACTIONS = 60;
  /** The seeds of the off-by-one demonstration, fixed so that it always finds its counterexample. */
  private static final long DEFAULT_SEED = 0x5eed_2026L;
  private static final String[] GARBAGE = {
    "", "  \n", "isp1\nisp2\n", "isp1 isp2", "../../etc/passwd", "\u0000\u0001isp1", "BINARY"
  };

  @TempDir Path dir;

  private final AtomicLong runs = new AtomicLong();

  /** What the generated sequences exercised, so that a degenerate generator fails the test. */
  private static final class Coverage {
    int cases;
    int ticks;
    int switches;
    int failedApplies;
    int retries;
    int reasserts;
    int stickyTicks;
    int fallbackTicks;
    int linkChanges;
    int linkSwitches;
    int linkDownTicks;
    int backoffWaits;
  }

  // ---- The actions -------------------------------------------------------------------------

  /** One step of a sequence. */
  sealed interface Action
      permits SetOutcome, ThrowNext, Advance, StickySet, StickyUnknown, StickyGarbage, StickyClear,
          FailNextApplies, LinkChange, Tick {}

  /** From now on, {@code scenario} against {@code provider} gives {@code outcome}. */
  record SetOutcome(int provider, int scenario, TestResult.Outcome outcome) implements Action {}

  /** The next check of scenario 0 against {@code provider} throws. */
  record ThrowNext(int provider) implements Action {}

  /** Time passes without a tick. */
  record Advance(Duration duration) implements Action {}

  /** The sticky file names {@code provider} (with white space around it if {@code padded}). */
  record StickySet(int provider, boolean padded) implements Action {}

  /** The sticky file names a provider that is not configured. */
  record StickyUnknown(String id) implements Action {}

  /** The sticky file holds garbage number {@code variant}. */
  record StickyGarbage(int variant) implements Action {}

  /** The sticky file is removed. */
  record StickyClear() implements Action {}

  /**
   * The backend's next {@code count} applies fail (replacing what was pending), saying whether the
   * main route was in place nonetheless.
   */
  record FailNextApplies(int count, boolean mainRouteInPlace) implements Action {}

  /** The link of {@code provider} goes down ({@code usable} false) or comes back. */
  record LinkChange(int provider, boolean usable) implements Action {}

  /** The engine runs one tick. */
  record Tick() implements Action {}

  /** The configuration of one sequence, drawn from its seed; shrinking keeps it. */
  record Config(
      int providers,
      int scenarios,
      int capacity,
      int maxFailed,
      int minConsecutive,
      int reassertEveryTicks) {}

  /** A generated case: a configuration and its actions. */
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

  // ---- The tests ---------------------------------------------------------------------------

  @Test
  void engine_randomActionSequences_matchesReferenceModel() {
    Coverage coverage = new Coverage();
    int sequences = Math.max(MIN_SEQUENCES, Property.cases(SEQUENCES));

    Property.forAll(
        "EngineModelTest.engine",
        sequences,
        EngineModelTest::generate,
        caseShrinker(),
        c -> check(c, false, coverage).ifPresent(failure -> fail(failure)));

    assertThat(coverage.cases).isEqualTo(sequences);
    assertThat(coverage.ticks).isGreaterThan(sequences * 5);
    assertThat(coverage.switches).isGreaterThan(sequences / 2);
    assertThat(coverage.failedApplies).isGreaterThan(sequences / 4);
    assertThat(coverage.retries).isGreaterThan(sequences / 4);
    assertThat(coverage.reasserts).isGreaterThan(sequences / 4);
    assertThat(coverage.stickyTicks).isGreaterThan(sequences);
    assertThat(coverage.fallbackTicks).isGreaterThan(sequences);
    assertThat(coverage.linkChanges).isGreaterThan(sequences / 2);
    assertThat(coverage.linkSwitches).isGreaterThan(sequences / 8);
    assertThat(coverage.linkDownTicks).isGreaterThan(sequences);
    assertThat(coverage.backoffWaits).isGreaterThan(sequences / 8);
  }

  /**
   * The checker can fail: against a model that re-asserts one tick late, some sequence fails, and
   * shrinking reduces it to a handful of decisions.
   */
  @Test
  void check_modelOffByOne_findsAndShrinksACounterexample() {
    Case failing = null;
    for (int i = 0; i < SEQUENCES && failing == null; i++) {
      Case generated = generate(new SplittableRandom(DEFAULT_SEED + i));
      if (check(generated, true).isPresent()) {
        failing = generated;
      }
    }

    assertThat(failing).as("a counterexample against the broken model").isNotNull();
    Case shrunk = shrink(failing, true);
    assertThat(check(shrunk, true)).isPresent();
    // k + 1 decisions: k + 1 ticks, or a link change (whose decision applies) and k ticks.
    assertThat(shrunk.actions().subList(1, shrunk.actions().size()))
        .allMatch(a -> a instanceof Tick);
    assertThat(shrunk.actions().get(0)).isInstanceOfAny(Tick.class, LinkChange.class);
    assertThat(shrunk.actions()).hasSize(failing.config().reassertEveryTicks() + 1);
    assertThatThrownBy(
            () ->
                Property.forAll(
                    "EngineModelTest.offByOne",
                    SEQUENCES,
                    EngineModelTest::generate,
                    caseShrinker(),
                    c -> check(c, true).ifPresent(failure -> fail(failure))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("-Dfailover.testkit.seed=")
        .hasMessageContaining("shrunk");
  }

  // ---- Generation and shrinking ------------------------------------------------------------

  private static Case generate(SplittableRandom random) {
    int providers = 1 + random.nextInt(4);
    int capacity = 1 + random.nextInt(6);
    Config config =
        new Config(
            providers,
            1 + random.nextInt(2),
            capacity,
            random.nextInt(capacity + 2),
            random.nextInt(3),
            1 + random.nextInt(4));
    int length = 1 + random.nextInt(MAX_ACTIONS);
    List<Action> actions = new ArrayList<>(length);
    for (int i = 0; i < length; i++) {
      actions.add(action(random, config));
    }
    return new Case(config, actions);
  }

  private static Action action(SplittableRandom random, Config config) {
    int roll = random.nextInt(100);
    int provider = random.nextInt(config.providers());
    if (roll < 27) {
      return new Tick();
    } else if (roll < 35) {
      // Mostly the first provider's link, which is main most of the time, so that links of the
      // main go down often enough.
      return new LinkChange(random.nextBoolean() ? 0 : provider, random.nextBoolean());
    } else if (roll < 60) {
      TestResult.Outcome[] outcomes = TestResult.Outcome.values();
      // Successes as often as the two failures together, so providers come and go.
      TestResult.Outcome outcome =
          random.nextBoolean() ? TestResult.Outcome.SUCCESS : outcomes[1 + random.nextInt(2)];
      return new SetOutcome(provider, random.nextInt(config.scenarios()), outcome);
    } else if (roll < 65) {
      return new ThrowNext(provider);
    } else if (roll < 70) {
      return new Advance(Duration.ofMillis(1 + random.nextInt(20_000)));
    } else if (roll < 78) {
      return new StickySet(provider, random.nextBoolean());
    } else if (roll < 81) {
      return new StickyUnknown(random.nextBoolean() ? "isp9" : "nobody");
    } else if (roll < 84) {
      return new StickyGarbage(random.nextInt(GARBAGE.length));
    } else if (roll < 90) {
      return new StickyClear();
    }
    // Mostly one failure; sometimes several in a row, so that retries back off.
    return new FailNextApplies(
        random.nextBoolean() ? 1 : 1 + random.nextInt(6), random.nextInt(4) > 0);
  }

  /** Shrinks the actions of a case (dropping halves, chunks, single actions); keeps its config. */
  private static Shrinker<Case> caseShrinker() {
    Shrinker<List<Action>> actions = Shrinkers.list(Shrinkers.none());
    return c -> actions.candidates(c.actions()).map(a -> new Case(c.config(), a));
  }

  private Case shrink(Case failing, boolean brokenModel) {
    List<Action> actions =
        Shrinking.minimize(
            failing.actions(),
            Shrinkers.list(Shrinkers.<Action>none()),
            candidate -> check(new Case(failing.config(), candidate), brokenModel).isPresent(),
            5_000);
    return new Case(failing.config(), actions);
  }

  // ---- Running one case --------------------------------------------------------------------

  /** Runs {@code c} against the engine and the model; the first disagreement, if any. */
  private Optional<String> check(Case c, boolean brokenModel) {
    return check(c, brokenModel, new Coverage());
  }

  private Optional<String> check(Case c, boolean brokenModel, Coverage coverage) {
    coverage.cases++;
    long run = runs.incrementAndGet();
    Path stickyFile = dir.resolve("sticky-" + run);
    Config config = c.config();
    List<Provider> providers = Fixtures.providers(config.providers());
    FakeClock clock = new FakeClock();
    FakeRouteBackend backend = new FakeRouteBackend();
    RecordingListener listener = new RecordingListener();
    List<FakeTestScenario> scenarios = new ArrayList<>();
    TestEngines builder =
        TestEngines.with(clock, backend)
            .listener(listener)
            .providers(providers)
            .policy(new OriginalPolicy(config.maxFailed(), config.minConsecutive()))
            .sticky(new StickyProviderFile(stickyFile, providers))
            .settings(
                new EngineSettings(
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(4),
                    100,
                    config.capacity(),
                    config.reassertEveryTicks()));
    for (int s = 0; s < config.scenarios(); s++) {
      FakeTestScenario scenario = new FakeTestScenario("s" + s);
      scenarios.add(scenario);
      builder.scenario(scenario);
    }
    FailoverEngine engine = builder.build();
    Model model = new Model(config, providers, brokenModel, coverage);
    try {
      for (int step = 0; step < c.actions().size(); step++) {
        Action action = c.actions().get(step);
        perform(action, providers, scenarios, stickyFile, backend, clock, engine);
        model.perform(action);
        compare(model, engine, backend, listener, providers, step, action);
      }
      return Optional.empty();
    } catch (AssertionError e) {
      return Optional.of(e.getMessage());
    } finally {
      try {
        Files.deleteIfExists(stickyFile);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static void perform(
      Action action,
      List<Provider> providers,
      List<FakeTestScenario> scenarios,
      Path stickyFile,
      FakeRouteBackend backend,
      FakeClock clock,
      FailoverEngine engine) {
    try {
      if (action instanceof SetOutcome a) {
        String id = providers.get(a.provider()).id();
        scenarios.get(a.scenario()).always(id, result(a.outcome()));
      } else if (action instanceof ThrowNext a) {
        scenarios
            .get(0)
            .scriptThrow(providers.get(a.provider()).id(), new IllegalStateException("probe bug"));
      } else if (action instanceof Advance a) {
        clock.advance(a.duration());
      } else if (action instanceof StickySet a) {
        String id = providers.get(a.provider()).id();
        Files.writeString(stickyFile, a.padded() ? "  " + id + "\n" : id);
      } else if (action instanceof StickyUnknown a) {
        Files.writeString(stickyFile, a.id());
      } else if (action instanceof StickyGarbage a) {
        if (GARBAGE[a.variant()].equals("BINARY")) {
          Files.write(stickyFile, new byte[] {(byte) 0xff, 0, (byte) 0xfe, 'i', 's', 'p'});
        } else {
          Files.writeString(stickyFile, GARBAGE[a.variant()], StandardCharsets.UTF_8);
        }
      } else if (action instanceof StickyClear) {
        Files.deleteIfExists(stickyFile);
      } else if (action instanceof FailNextApplies a) {
        // A failure with the main route in place is a partial apply (a skipped provider); one
        // without is an exception. Either replaces what was scripted before.
        Provider skipped = providers.get(providers.size() - 1);
        backend.failNextApplies(a.mainRouteInPlace() ? 0 : a.count());
        backend.applyPartlyNext(
            a.mainRouteInPlace() ? a.count() : 0,
            ApplyOutcome.partial(
                List.of(new ApplyOutcome.Skipped(skipped, "interface is gone")), true));
      } else if (action instanceof LinkChange a) {
        int probes = probeCalls(providers, scenarios);
        if (engine.linkChanged(providers.get(a.provider()).interfaceName(), a.usable())) {
          engine.decideNow();
        }
        assertThat(probeCalls(providers, scenarios))
            .as("a link change runs no probe (%s)", a)
            .isEqualTo(probes);
      } else if (action instanceof Tick) {
        engine.runOnce();
        clock.advance(engine.settings().checkInterval());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int probeCalls(List<Provider> providers, List<FakeTestScenario> scenarios) {
    int calls = 0;
    for (FakeTestScenario scenario : scenarios) {
      for (Provider provider : providers) {
        calls += scenario.calls(provider.id());
      }
    }
    return calls;
  }

  private static TestResult result(TestResult.Outcome outcome) {
    return switch (outcome) {
      case SUCCESS -> TestResult.success(Duration.ofMillis(10));
      case FAILURE -> TestResult.failure(Duration.ofMillis(2), "unreachable");
      case TIMEOUT -> TestResult.timeout(Duration.ofSeconds(1));
    };
  }

  private static void compare(
      Model model,
      FailoverEngine engine,
      FakeRouteBackend backend,
      RecordingListener listener,
      List<Provider> providers,
      int step,
      Action action) {
    String where = "after step " + step + " (" + action + ")";
    EngineStatus status = engine.status();
    for (int p = 0; p < providers.size(); p++) {
      String id = providers.get(p).id();
      assertThat(engine.linkUsable(id))
          .as("%s: link of %s", where, id)
          .isEqualTo(!model.linkDown[p]);
      assertThat(status.provider(id).orElseThrow().linkUsable())
          .as("%s: status shows the link of %s", where, id)
          .isEqualTo(!model.linkDown[p]);
    }
    assertThat(listener.switches.size())
        .as("%s: main-switched events", where)
        .isEqualTo(model.switchEvents);
    if (model.linkFailover != null) {
      MainProviderSwitched event = listener.switches.get(listener.switches.size() - 1);
      assertThat(event.reason()).as("%s: reason of a switch off a dead link", where)
          .isEqualTo(SwitchReason.FAILOVER);
      assertThat(event.detail())
          .as("%s: detail of a switch off a dead link", where)
          .contains("link of '" + model.linkFailover.interfaceName() + "' is down");
    }
    assertThat(status.mainProviderId())
        .as("%s: main provider", where)
        .isEqualTo(model.main == null ? null : model.main.id());
    assertThat(backend.attempts()).as("%s: apply attempts", where).isEqualTo(model.attempts);
    assertThat(backend.lastApplied().orElse(null))
        .as("%s: the state the backend holds", where)
        .isEqualTo(model.lastApplied);
    for (RoutingState applied : backend.applied()) {
      assertThat(applied.routes())
          .as("%s: every applied state is whole", where)
          .hasSize(providers.size());
    }
    assertThat(status.lastApplyError() != null)
        .as("%s: the status reports a failed apply", where)
        .isEqualTo(model.lastFailed);
    if (model.main != null) {
      assertThat(engine.desiredState()).as("%s: desired state", where).contains(model.desired);
    }
    if (action instanceof Tick && model.retryDueAtTick) {
      assertThat(backend.attempts())
          .as("%s: a failed apply is retried once its backoff has passed", where)
          .isEqualTo(model.attemptsBeforeTick + 1);
    }
  }

  // ---- The reference model -----------------------------------------------------------------

  /**
   * The documented behaviour, written plainly: histories as lists, the original rule recounted
   * every time, selection and the apply rule spelt out.
   */
  private static final class Model {
    final Config config;
    final List<Provider> providers;
    final boolean offByOne;
    final Coverage coverage;
    final TestResult.Outcome[][] outcomes;
    final int[] pendingThrows;
    final List<List<Boolean>> histories = new ArrayList<>();
    @Nullable String stickyContent;
    int failApplies;
    boolean failMainInPlace;
    /** The state whose apply failed last, the failures of it in a row, ticks since the last. */
    @Nullable RoutingState failedState;
    int failuresInARow;
    int ticksSinceFailure;
    boolean retryDueAtTick;
    final boolean[] linkDown;
    int switchEvents;
    /** The main the last decision switched away from because its link was down, if it did. */
    @Nullable Provider linkFailover;

    @Nullable Provider main;
    @Nullable RoutingState desired;
    @Nullable RoutingState lastApplied;
    boolean lastFailed;
    int ticksSinceApply;
    int attempts;
    boolean failedBeforeTick;
    int attemptsBeforeTick;

    Model(Config config, List<Provider> providers, boolean offByOne, Coverage coverage) {
      this.coverage = coverage;
      this.config = config;
      this.providers = providers;
      this.offByOne = offByOne;
      this.outcomes = new TestResult.Outcome[providers.size()][config.scenarios()];
      for (TestResult.Outcome[] row : outcomes) {
        java.util.Arrays.fill(row, TestResult.Outcome.SUCCESS);
      }
      this.pendingThrows = new int[providers.size()];
      this.linkDown = new boolean[providers.size()];
      for (int i = 0; i < providers.size(); i++) {
        histories.add(new ArrayList<>());
      }
    }

    void perform(Action action) {
      if (action instanceof SetOutcome a) {
        outcomes[a.provider()][a.scenario()] = a.outcome();
      } else if (action instanceof ThrowNext a) {
        pendingThrows[a.provider()]++;
      } else if (action instanceof StickySet a) {
        stickyContent = providers.get(a.provider()).id();
      } else if (action instanceof StickyUnknown || action instanceof StickyGarbage) {
        stickyContent = "not a configured provider";
      } else if (action instanceof StickyClear) {
        stickyContent = null;
      } else if (action instanceof FailNextApplies a) {
        failApplies = a.count();
        failMainInPlace = a.mainRouteInPlace();
      } else if (action instanceof LinkChange a) {
        linkFailover = null;
        if (linkDown[a.provider()] == a.usable()) {
          linkDown[a.provider()] = !a.usable();
          coverage.linkChanges++;
          decide(lastReliable, true);
        }
      } else if (action instanceof Tick) {
        linkFailover = null;
        tick();
      }
    }

    /**
     * Ticks to wait after {@code failures} failed applies of one state with the main route in
     * place: 1 (also for none), 2, 4, 8, 16, 16, ...
     */
    static int backoff(int failures) {
      int ticks = 1;
      for (int i = 1; i < failures && ticks < 16; i++) {
        ticks *= 2;
      }
      return ticks;
    }

    /** The providers the policy found reliable at the last tick (none before the first). */
    List<Provider> lastReliable = List.of();

    void tick() {
      failedBeforeTick = lastFailed;
      attemptsBeforeTick = attempts;
      retryDueAtTick =
          lastFailed
              && ticksSinceFailure + 1
                  >= Math.min(backoff(failuresInARow), config.reassertEveryTicks());
      List<Provider> reliable = new ArrayList<>();
      for (int p = 0; p < providers.size(); p++) {
        boolean ok = true;
        for (int s = 0; s < config.scenarios(); s++) {
          ok &= outcomes[p][s] == TestResult.Outcome.SUCCESS;
        }
        if (pendingThrows[p] > 0) {
          pendingThrows[p]--;
          ok = false;
        }
        List<Boolean> history = histories.get(p);
        history.add(ok);
        if (history.size() > config.capacity()) {
          history.remove(0);
        }
        int failed = (int) history.stream().filter(r -> !r).count();
        int run = 0;
        for (int i = history.size() - 1; i >= 0 && history.get(i); i--) {
          run++;
        }
        if (!history.isEmpty() && failed <= config.maxFailed() && run > config.minConsecutive()) {
          reliable.add(providers.get(p));
        }
      }
      lastReliable = reliable;
      coverage.ticks++;
      for (boolean down : linkDown) {
        if (down) {
          coverage.linkDownTicks++;
          break;
        }
      }
      decide(reliable, false);
    }

    boolean usable(Provider provider) {
      return !linkDown[providers.indexOf(provider)];
    }

    /**
     * Selection and apply, as a tick ends or as a link change asks (then {@code outOfTick}: the
     * state is applied whatever, and the decision does not count towards re-assertion).
     */
    void decide(List<Provider> reliable, boolean outOfTick) {
      List<Provider> selectable = reliable.stream().filter(this::usable).toList();
      List<Provider> usable = providers.stream().filter(this::usable).toList();
      Provider forced = null;
      for (Provider provider : providers) {
        if (provider.id().equals(stickyContent) && usable(provider)) {
          forced = provider;
        }
      }
      Provider before = main;
      if (forced != null) {
        main = forced;
        if (!outOfTick) {
          coverage.stickyTicks++;
        }
      } else if (!selectable.isEmpty()) {
        main = selectable.get(0);
      } else {
        if (!outOfTick) {
          coverage.fallbackTicks++;
        }
        if (main == null || (!usable(main) && !usable.isEmpty())) {
          // At startup, or the main's link is down: the first provider with a usable link.
          main = usable.isEmpty() ? providers.get(0) : usable.get(0);
        }
      }
      if (before == null || !before.equals(main)) {
        switchEvents++;
      }
      if (before != null && !before.equals(main)) {
        coverage.switches++;
        if (!usable(before) && forced == null) {
          linkFailover = before;
          coverage.linkSwitches++;
        }
      }
      List<Provider> ranked = new ArrayList<>();
      ranked.add(main);
      selectable.stream().filter(p -> !ranked.contains(p)).forEach(ranked::add);
      usable.stream().filter(p -> !ranked.contains(p)).forEach(ranked::add);
      providers.stream().filter(p -> !ranked.contains(p)).forEach(ranked::add);
      desired = RoutingState.ranked(ranked, 100);

      if (!outOfTick) {
        ticksSinceApply++;
        ticksSinceFailure++;
      }
      int reassert = config.reassertEveryTicks() + (offByOne ? 1 : 0);
      boolean changed = !desired.equals(lastFailed ? failedState : lastApplied);
      // Retries back off only after failures that left the main route in place, and never wait
      // longer than a re-assertion would.
      boolean due =
          lastFailed
              ? ticksSinceFailure >= Math.min(backoff(failuresInARow), reassert)
              : ticksSinceApply >= reassert;
      if (lastFailed && !changed && !due && !outOfTick) {
        coverage.backoffWaits++;
      }
      if (outOfTick || changed || due) {
        attempts++;
        if (lastFailed) {
          coverage.retries++;
        } else if (desired.equals(lastApplied) && !outOfTick) {
          coverage.reasserts++;
        }
        if (failApplies > 0) {
          failApplies--;
          if (failMainInPlace) {
            failuresInARow = lastFailed && desired.equals(failedState) ? failuresInARow + 1 : 1;
          } else {
            failuresInARow = 0;
          }
          failedState = desired;
          ticksSinceFailure = 0;
          lastFailed = true;
          coverage.failedApplies++;
        } else {
          lastApplied = desired;
          lastFailed = false;
          failedState = null;
          failuresInARow = 0;
          ticksSinceApply = 0;
        }
      }
    }
  }
}
