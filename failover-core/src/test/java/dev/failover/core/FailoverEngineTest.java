package dev.failover.core;

import static dev.failover.core.Fixtures.fail;
import static dev.failover.core.Fixtures.ok;
import static dev.failover.core.Fixtures.provider;
import static dev.failover.core.Fixtures.providers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.FailoverListener;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.api.RouteBackend;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.api.SwitchReason;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeRouteBackend;
import dev.failover.testkit.FakeTestScenario;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailoverEngineTest {
  private final FakeClock clock = new FakeClock();
  private final FakeRouteBackend backend = new FakeRouteBackend();
  private final FakeTestScenario ping = new FakeTestScenario("ping");
  private final RecordingListener listener = new RecordingListener();
  private final SettableStickySource sticky = new SettableStickySource();

  private TestEngines engine() {
    return TestEngines.with(clock, backend).scenario(ping).listener(listener).sticky(sticky);
  }

  /** Runs {@code n} ticks, {@code check_interval} apart on the fake clock. */
  private static EngineStatus tick(FailoverEngine engine, FakeClock clock, int n) {
    EngineStatus status = engine.status();
    for (int i = 0; i < n; i++) {
      status = engine.runOnce();
      clock.advance(engine.settings().checkInterval());
    }
    return status;
  }

  private EngineStatus tick(FailoverEngine engine, int n) {
    return tick(engine, clock, n);
  }

  private static RoutingState ranked(int... ids) {
    List<Provider> ranked = new ArrayList<>();
    for (int id : ids) {
      ranked.add(provider(id));
    }
    return RoutingState.ranked(ranked, 100);
  }

  private static ProviderState state(EngineStatus status, String id) {
    return status.provider(id).orElseThrow().state();
  }

  @Test
  void runOnce_firstTick_noneEligibleFirstProviderMainAndApplied() {
    FailoverEngine engine = engine().build();

    EngineStatus status = engine.runOnce();

    // One success is not "more than 1 consecutive success": everything is DOWN after one tick.
    assertThat(status.providers()).allSatisfy(p -> assertThat(p.state()).isEqualTo(ProviderState.DOWN));
    assertThat(status.mainProviderId()).isEqualTo("isp1");
    assertThat(status.mainReason()).isEqualTo(SwitchReason.STARTUP);
    assertThat(backend.lastApplied()).contains(ranked(1, 2, 3));
    assertThat(listener.switches).singleElement().satisfies(e -> {
      assertThat(e.previous()).isEmpty();
      assertThat(e.to()).isEqualTo(provider(1));
    });
  }

  @Test
  void runOnce_allHealthyTwoTicks_everyProviderUpWithEvents() {
    FailoverEngine engine = engine().build();

    EngineStatus status = tick(engine, 2);

    assertThat(status.providers()).allSatisfy(p -> {
      assertThat(p.state()).isEqualTo(ProviderState.UP);
      assertThat(p.eligible()).isTrue();
    });
    assertThat(listener.stateChanges)
        .extracting(e -> e.from().state() + "->" + e.to().state())
        .containsExactly(
            "INSUFFICIENT_DATA->DOWN", "INSUFFICIENT_DATA->DOWN", "INSUFFICIENT_DATA->DOWN",
            "DOWN->UP", "DOWN->UP", "DOWN->UP");
    assertThat(listener.switches).hasSize(1);
  }

  @Test
  void runOnce_mainFails_failsOverAndAppliesWholeNewRanking() {
    FailoverEngine engine = engine().build();
    tick(engine, 2);

    ping.always("isp1", fail());
    EngineStatus status = tick(engine, 1);

    assertThat(status.mainProviderId()).isEqualTo("isp2");
    assertThat(status.mainReason()).isEqualTo(SwitchReason.FAILOVER);
    assertThat(status.ranking()).containsExactly("isp2", "isp3", "isp1");
    assertThat(backend.lastApplied()).contains(ranked(2, 3, 1));
    MainProviderSwitched event = listener.switches.get(listener.switches.size() - 1);
    assertThat(event.from()).isEqualTo(provider(1));
    assertThat(event.to()).isEqualTo(provider(2));
    assertThat(event.reason()).isEqualTo(SwitchReason.FAILOVER);
    assertThat(event.detail()).contains("provider 'isp1' was main (DOWN");
  }

  @Test
  void runOnce_mainRecovers_failsBackAfterTwoSuccesses() {
    FailoverEngine engine = engine().build();
    tick(engine, 2);
    ping.always("isp1", fail());
    tick(engine, 1);

    ping.always("isp1", ok());
    EngineStatus afterOne = tick(engine, 1);
    EngineStatus afterTwo = tick(engine, 1);

    assertThat(afterOne.mainProviderId()).isEqualTo("isp2");
    assertThat(afterTwo.mainProviderId()).isEqualTo("isp1");
    assertThat(afterTwo.mainReason()).isEqualTo(SwitchReason.FAILBACK);
    assertThat(backend.lastApplied()).contains(ranked(1, 2, 3));
  }

  @Test
  void runOnce_everyProviderDown_keepsCurrentMainAndItsRoutes() {
    FailoverEngine engine = engine().build();
    tick(engine, 2);
    ping.always("isp1", fail());
    tick(engine, 1);

    ping.always("isp2", fail()).always("isp3", fail());
    EngineStatus status = tick(engine, 3);

    assertThat(status.mainProviderId()).isEqualTo("isp2");
    assertThat(status.mainReason()).isEqualTo(SwitchReason.NONE_ELIGIBLE);
    assertThat(backend.lastApplied()).contains(ranked(2, 1, 3));
    assertThat(backend.applied()).allSatisfy(s -> assertThat(s.routes()).hasSize(3));
  }

  @Test
  void runOnce_stateUnchanged_appliesOnChangeAndReassertsEveryNTicks() {
    FailoverEngine engine = engine().build();
    List<Integer> attempts = new ArrayList<>();

    for (int i = 0; i < 7; i++) {
      tick(engine, 1);
      attempts.add(backend.attempts());
    }

    // Tick 1 applies (new), ticks 2-3 change nothing (isp1 stays main), tick 4 and 7 re-assert.
    assertThat(attempts).containsExactly(1, 1, 1, 2, 2, 2, 3);
  }

  @Test
  void runOnce_applyFails_retriedOnNextTickAndReported() {
    FailoverEngine engine = engine().build();
    backend.failNextApply();

    EngineStatus failed = tick(engine, 1);

    assertThat(backend.lastApplied()).isEmpty();
    assertThat(failed.applyError()).hasValueSatisfying(m -> assertThat(m).contains("injected"));
    assertThat(failed.lastAppliedAt()).isNull();
    assertThat(listener.applyFailures).hasSize(1);

    EngineStatus retried = tick(engine, 1);

    assertThat(backend.attempts()).isEqualTo(2);
    assertThat(backend.lastApplied()).contains(ranked(1, 2, 3));
    assertThat(retried.applyError()).isEmpty();
    assertThat(retried.lastAppliedAt()).isNotNull();
  }

  @Test
  void runOnce_backendThrowsRuntimeException_treatedAsFailedApplyAndRetried() {
    AtomicInteger calls = new AtomicInteger();
    RouteBackend broken =
        desired -> {
          calls.incrementAndGet();
          throw new IllegalStateException("netlink socket closed");
        };
    FailoverEngine engine =
        TestEngines.with(clock, broken).scenario(ping).listener(listener).build();

    EngineStatus status = tick(engine, 2);

    assertThat(calls).hasValue(2);
    assertThat(status.ticks()).isEqualTo(2);
    assertThat(status.lastApplyError())
        .contains("the route backend threw")
        .contains("netlink socket closed");
    assertThat(listener.applyFailures).hasSize(2);
  }

  /** ISP 1's first round was lost: no switch to ISP 2 and back, one decision once ISP 1 is UP. */
  @Test
  void runOnce_preferredProviderUnjudgedAtStart_firstDecisionWaitsForItsVerdict() {
    ScriptedPolicy policy = new ScriptedPolicy().set("isp1", ProviderState.INSUFFICIENT_DATA);
    FailoverEngine engine = engine().policy(policy).build();

    EngineStatus held = tick(engine, 1);

    assertThat(held.mainProviderId()).isNull();
    assertThat(backend.attempts()).isZero();
    assertThat(listener.switches).isEmpty();

    policy.set("isp1", ProviderState.UP);
    EngineStatus decided = tick(engine, 3);

    assertThat(decided.mainProviderId()).isEqualTo("isp1");
    assertThat(listener.switches).hasSize(1);
    assertThat(listener.switches.get(0).reason()).isEqualTo(SwitchReason.STARTUP);
    assertThat(backend.lastApplied().orElseThrow().routes().get(0).provider().id())
        .isEqualTo("isp1");
  }

  /** The default policy, as the daemon runs it: a lost first round of ISP 1 costs no switch. */
  @Test
  void runOnce_dampedPolicyFirstRoundOfIspOneLost_oneDecisionForIspOne() {
    ping.script("isp1", fail());
    FailoverEngine engine = engine().policy(DampedPolicy.withDefaults()).build();

    EngineStatus held = tick(engine, 1);
    assertThat(held.mainProviderId()).isNull();
    EngineStatus decided = tick(engine, 1);

    assertThat(decided.mainProviderId()).isEqualTo("isp1");
    assertThat(listener.switches).extracting(MainProviderSwitched::to).containsExactly(provider(1));
  }

  @Test
  void runOnce_preferredProviderJudgedDownAtStart_theNextOneIsMainAtOnce() {
    ScriptedPolicy policy = new ScriptedPolicy().set("isp1", ProviderState.INSUFFICIENT_DATA);
    FailoverEngine engine = engine().policy(policy).build();
    tick(engine, 1);

    policy.set("isp1", ProviderState.DOWN);
    EngineStatus decided = tick(engine, 1);

    assertThat(decided.mainProviderId()).isEqualTo("isp2");
    assertThat(listener.switches).hasSize(1);
    assertThat(backend.attempts()).isEqualTo(1);
  }

  @Test
  void runOnce_preferredProviderNeverJudged_firstDecisionHeldOnlyForTheMaximum() {
    ScriptedPolicy policy = new ScriptedPolicy().set("isp1", ProviderState.INSUFFICIENT_DATA);
    FailoverEngine engine = engine().policy(policy).build();

    tick(engine, FailoverEngine.MAX_STARTUP_HOLDS);
    assertThat(backend.attempts()).isZero();
    EngineStatus decided = tick(engine, 1);

    assertThat(decided.mainProviderId()).isEqualTo("isp2");
    assertThat(backend.attempts()).isEqualTo(1);
  }

  @Test
  void runOnce_stickyProviderAtStart_notHeldForAnUnjudgedOne() {
    ScriptedPolicy policy = new ScriptedPolicy().set("isp1", ProviderState.INSUFFICIENT_DATA);
    sticky.force("isp2");
    FailoverEngine engine = engine().policy(policy).build();

    EngineStatus decided = tick(engine, 1);

    assertThat(decided.mainProviderId()).isEqualTo("isp2");
    assertThat(backend.attempts()).isEqualTo(1);
  }

  /** Only a better-ranked provider is waited for; one ranked below the choice is not. */
  @Test
  void runOnce_lowerRankedProviderUnjudgedAtStart_notHeld() {
    ScriptedPolicy policy = new ScriptedPolicy().set("isp2", ProviderState.INSUFFICIENT_DATA);
    FailoverEngine engine = engine().policy(policy).build();

    EngineStatus decided = tick(engine, 1);

    assertThat(decided.mainProviderId()).isEqualTo("isp1");
    assertThat(backend.attempts()).isEqualTo(1);
  }

  /** The ticks (from 1) at which an always failing backend is called during 50 ticks. */
  private List<Long> attemptTicks(EngineSettings settings, boolean mainRouteInPlace) {
    List<Long> attempts = new ArrayList<>();
    AtomicLong tick = new AtomicLong();
    RouteBackend failing =
        desired -> {
          attempts.add(tick.get());
          return ApplyOutcome.partial(
              List.of(new ApplyOutcome.Skipped(provider(3), "interface eth3 is missing")),
              mainRouteInPlace);
        };
    FailoverEngine engine =
        TestEngines.with(clock, failing).scenario(ping).settings(settings).build();
    for (int i = 1; i <= 50; i++) {
      tick.set(i);
      tick(engine, 1);
    }
    return attempts;
  }

  /** Tries at ticks 1, 2, 4, 8, 16, then every 16 ticks: an unplugged modem costs little. */
  @Test
  void runOnce_applyKeepsFailingWithTheMainRouteInPlace_retriesBackOffToSixteenTicks() {
    EngineSettings rareReassert =
        new EngineSettings(Duration.ofSeconds(5), Duration.ofSeconds(4), 100, 50, 1000);

    List<Long> attempts = attemptTicks(rareReassert, true);

    assertThat(attempts).containsExactly(1L, 2L, 4L, 8L, 16L, 32L, 48L);
    assertThat(FailoverEngine.MAX_RETRY_BACKOFF_TICKS).isEqualTo(16);
  }

  /** The backoff never waits longer than a re-assertion would (12 ticks with these settings). */
  @Test
  void runOnce_applyKeepsFailingWithTheMainRouteInPlace_retriedAtLeastEveryReassertion() {
    assertThat(EngineSettings.defaults().reassertEveryTicks()).isEqualTo(12);

    List<Long> attempts = attemptTicks(EngineSettings.defaults(), true);

    assertThat(attempts).containsExactly(1L, 2L, 4L, 8L, 16L, 28L, 40L);
  }

  /** A failed switch of the main route (a transient `ip` error, say) is retried on every tick. */
  @Test
  void runOnce_applyKeepsFailingWithoutTheMainRoute_retriedOnEveryTick() {
    List<Long> attempts = attemptTicks(EngineSettings.defaults(), false);

    assertThat(attempts).hasSize(50);
  }

  private ApplyOutcome partialWithMainInPlace() {
    return ApplyOutcome.partial(
        List.of(new ApplyOutcome.Skipped(provider(3), "interface eth3 does not exist")), true);
  }

  /** A failed apply (a refused request, say) is retried on every tick. */
  @Test
  void runOnce_applyKeepsThrowing_retriedOnEveryTick() {
    List<Long> attempts = new ArrayList<>();
    AtomicLong tick = new AtomicLong();
    RouteBackend failing =
        desired -> {
          attempts.add(tick.get());
          throw new RouteBackendException("isp1", "request refused");
        };
    FailoverEngine engine = TestEngines.with(clock, failing).scenario(ping).build();
    for (int i = 1; i <= 20; i++) {
      tick.set(i);
      tick(engine, 1);
    }

    assertThat(attempts).hasSize(20);
    assertThat(engine.status().lastApplyError()).contains("request refused");
  }

  /** A link event (or any decideNow) applies at once, whatever the backoff. */
  @Test
  void decideNow_whileRetriesBackOff_appliesAtOnceAndASuccessEndsTheBackoff() {
    FakeRouteBackend backend = new FakeRouteBackend();
    FailoverEngine engine = TestEngines.with(clock, backend).scenario(ping).build();
    backend.applyPartlyNext(4, partialWithMainInPlace());
    tick(engine, 4); // attempts at ticks 1, 2 and 4: three failures
    assertThat(backend.attempts()).isEqualTo(3);

    engine.decideNow(); // the fourth failure, at once
    engine.decideNow(); // succeeds
    assertThat(backend.attempts()).isEqualTo(5);
    assertThat(engine.status().lastApplyError()).isNull();

    backend.applyPartlyNext(1, partialWithMainInPlace());
    engine.decideNow(); // fails once more: the backoff starts again at one tick
    tick(engine, 1);
    assertThat(backend.attempts()).isEqualTo(7);
    assertThat(engine.status().lastApplyError()).isNull();
  }

  @Test
  void runOnce_probeThrows_failureWithExceptionInDetail() {
    ping.scriptThrow("isp1", new IllegalStateException("socket broken"));
    FailoverEngine engine = engine().build();

    engine.runOnce();

    TestResult result =
        engine.history().history(provider(1)).latest().orElseThrow().results().get(0);
    assertThat(result.outcome()).isEqualTo(TestResult.Outcome.FAILURE);
    assertThat(result.detail()).contains("IllegalStateException").contains("socket broken");
    assertThat(engine.history().history(provider(2)).latest().orElseThrow().succeeded()).isTrue();
  }

  @Test
  void runOnce_probeReturnsNull_failure() {
    TestScenario nullScenario =
        new TestScenario() {
          @Override
          public String name() {
            return "null";
          }

          @Override
          public TestResult check(Provider provider, Duration timeout) {
            return null;
          }
        };
    FailoverEngine engine = TestEngines.with(clock, backend).scenario(nullScenario).build();

    engine.runOnce();

    assertThat(engine.history().history(provider(1)).latest().orElseThrow().results().get(0).detail())
        .isEqualTo("probe returned no result");
  }

  @Test
  void runOnce_oneOfTwoScenariosFails_roundFailsForThatProvider() {
    FakeTestScenario tcp = new FakeTestScenario("tcp").always("isp1", fail());
    FailoverEngine engine = engine().scenario(tcp).build();

    EngineStatus status = tick(engine, 2);

    ProbeRound round = engine.history().history(provider(1)).latest().orElseThrow();
    assertThat(round.results()).hasSize(2);
    assertThat(round.results().get(0).succeeded()).isTrue();
    assertThat(state(status, "isp1")).isEqualTo(ProviderState.DOWN);
    assertThat(state(status, "isp2")).isEqualTo(ProviderState.UP);
    assertThat(status.mainProviderId()).isEqualTo("isp2");
  }

  @Test
  void runOnce_stickyForcesDownProvider_mainUntilCleared() {
    ping.always("isp3", fail());
    FailoverEngine engine = engine().build();
    tick(engine, 2);

    sticky.force("isp3");
    EngineStatus forced = tick(engine, 1);
    sticky.clear();
    EngineStatus cleared = tick(engine, 1);

    assertThat(forced.mainProviderId()).isEqualTo("isp3");
    assertThat(forced.mainReason()).isEqualTo(SwitchReason.STICKY);
    assertThat(forced.sticky().forcedProviderId()).contains("isp3");
    assertThat(cleared.mainProviderId()).isEqualTo("isp1");
    assertThat(cleared.mainReason()).isEqualTo(SwitchReason.STICKY_CLEARED);
    assertThat(backend.applied()).contains(ranked(3, 1, 2));
  }

  @Test
  void runOnce_stickySourceThrows_noProviderForcedAndTickCompletes() {
    StickySource broken =
        () -> {
          throw new IllegalStateException("disk on fire");
        };
    FailoverEngine engine = engine().sticky(broken).build();

    EngineStatus status = tick(engine, 2);

    assertThat(status.mainProviderId()).isEqualTo("isp1");
    assertThat(status.sticky().kind()).isEqualTo(StickyReading.Kind.IGNORED);
    assertThat(status.sticky().detail()).contains("disk on fire");
  }

  @Test
  void runOnce_policyThrows_keepsPreviousStatusesAndKeepsTicking() {
    AtomicInteger calls = new AtomicInteger();
    ReliabilityPolicy original = OriginalPolicy.withDefaults();
    ReliabilityPolicy flaky =
        new DelegatingPolicy(original) {
          @Override
          public Map<String, ProviderStatus> assess(
              List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
            if (calls.incrementAndGet() == 3) {
              throw new IllegalStateException("policy bug");
            }
            return super.assess(histories, previous, now);
          }
        };
    FailoverEngine engine = engine().policy(flaky).build();
    tick(engine, 2);

    ping.always("isp1", fail());
    EngineStatus duringBug = tick(engine, 1);
    EngineStatus after = tick(engine, 1);

    assertThat(state(duringBug, "isp1")).isEqualTo(ProviderState.UP);
    assertThat(duringBug.mainProviderId()).isEqualTo("isp1");
    assertThat(state(after, "isp1")).isEqualTo(ProviderState.DOWN);
    assertThat(after.mainProviderId()).isEqualTo("isp2");
  }

  @Test
  void runOnce_policyMakesIllegalTransition_keepsPreviousStatus() {
    AtomicInteger calls = new AtomicInteger();
    ReliabilityPolicy illegal =
        new DelegatingPolicy(OriginalPolicy.withDefaults()) {
          @Override
          public Map<String, ProviderStatus> assess(
              List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
            // RECOVERING first, then SUSPECT: the table forbids RECOVERING -> SUSPECT.
            ProviderState state =
                calls.incrementAndGet() == 1 ? ProviderState.RECOVERING : ProviderState.SUSPECT;
            Map<String, ProviderStatus> statuses = new HashMap<>();
            for (ProviderHistory h : histories) {
              statuses.put(h.provider().id(), ProviderStatus.of(state, now, "scripted"));
            }
            return statuses;
          }
        };
    FailoverEngine engine = engine().policy(illegal).build();

    tick(engine, 1);
    EngineStatus status = tick(engine, 1);

    assertThat(status.providers())
        .allSatisfy(p -> assertThat(p.state()).isEqualTo(ProviderState.RECOVERING));
  }

  @Test
  void runOnce_policyOmitsProvider_keepsItsPreviousStatus() {
    ReliabilityPolicy forgetful =
        new DelegatingPolicy(OriginalPolicy.withDefaults()) {
          @Override
          public Map<String, ProviderStatus> assess(
              List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
            Map<String, ProviderStatus> statuses =
                new HashMap<>(super.assess(histories, previous, now));
            statuses.remove("isp2");
            return statuses;
          }
        };
    FailoverEngine engine = engine().policy(forgetful).build();

    EngineStatus status = tick(engine, 2);

    assertThat(state(status, "isp1")).isEqualTo(ProviderState.UP);
    assertThat(state(status, "isp2")).isEqualTo(ProviderState.INSUFFICIENT_DATA);
  }

  @Test
  void runOnce_listenerThrows_laterListenersStillHearEverything() {
    FailoverListener throwing =
        new FailoverListener() {
          @Override
          public void onMainProviderSwitched(MainProviderSwitched event) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onRoutesApplied(RoutingState applied, ApplyOutcome outcome) {
            throw new IllegalStateException("listener bug");
          }
        };
    RecordingListener later = new RecordingListener();
    FailoverEngine engine =
        TestEngines.with(clock, backend).scenario(ping).listener(throwing).listener(later).build();

    EngineStatus status = tick(engine, 2);

    assertThat(status.ticks()).isEqualTo(2);
    assertThat(later.switches).hasSize(1);
    assertThat(later.applied).hasSize(1);
  }

  /** Every probed tick tells each listener of each provider's round, in provider order. */
  @Test
  void runOnce_roundsRecorded_everyListenerHearsEachProvidersRoundInOrder() {
    List<String> heard = new ArrayList<>();
    FailoverListener throwing =
        new FailoverListener() {
          @Override
          public void onRoundRecorded(Provider provider, ProbeRound round) {
            throw new IllegalStateException("listener bug");
          }
        };
    FailoverListener recording =
        new FailoverListener() {
          @Override
          public void onRoundRecorded(Provider provider, ProbeRound round) {
            heard.add(provider.id() + ":" + round.results().size());
          }
        };
    FailoverEngine engine =
        TestEngines.with(clock, backend)
            .scenario(ping)
            .listener(throwing)
            .listener(recording)
            .build();

    tick(engine, 2);
    engine.decideNow(); // probes nothing, so records and reports no round

    assertThat(heard)
        .containsExactly("isp1:1", "isp2:1", "isp3:1", "isp1:1", "isp2:1", "isp3:1");
  }

  @Test
  void status_afterMixedRounds_reportsRecentOutcomesLossAndLatency() {
    ping.script(
        "isp1",
        TestResult.success(Duration.ofMillis(10)),
        TestResult.failure(Duration.ofMillis(3), "unreachable"),
        TestResult.timeout(Duration.ofSeconds(1)),
        TestResult.success(Duration.ofMillis(30)));
    FailoverEngine engine = engine().build();

    EngineStatus status = tick(engine, 4);

    EngineStatus.ProviderReport isp1 = status.provider("isp1").orElseThrow();
    assertThat(isp1.recentOutcomes())
        .containsExactly(
            TestResult.Outcome.SUCCESS,
            TestResult.Outcome.FAILURE,
            TestResult.Outcome.TIMEOUT,
            TestResult.Outcome.SUCCESS);
    assertThat(isp1.storedRounds()).isEqualTo(4);
    assertThat(isp1.failedRounds()).isEqualTo(2);
    assertThat(isp1.lossPercent()).isEqualTo(50.0);
    assertThat(isp1.averageLatency()).contains(Duration.ofMillis(20));
    assertThat(status.policy()).isEqualTo("original");
    assertThat(status.ticks()).isEqualTo(4);
  }

  @Test
  void status_manyRounds_showsOnlyTheNewestOutcomes() {
    FailoverEngine engine = engine().build();

    EngineStatus status = tick(engine, FailoverEngine.RECENT_ROUNDS + 5);

    assertThat(status.provider("isp2").orElseThrow().recentOutcomes())
        .hasSize(FailoverEngine.RECENT_ROUNDS);
  }

  @Test
  void status_beforeFirstTick_initialValues() {
    FailoverEngine engine = engine().build();

    EngineStatus status = engine.status();

    assertThat(status.ticks()).isZero();
    assertThat(status.mainProvider()).isEmpty();
    assertThat(status.ranking()).isEmpty();
    assertThat(status.providers())
        .allSatisfy(
            p -> {
              assertThat(p.state()).isEqualTo(ProviderState.INSUFFICIENT_DATA);
              assertThat(p.averageLatency()).isEmpty();
              assertThat(p.lossPercent()).isZero();
            });
    assertThat(engine.desiredState()).isEmpty();
    assertThat(engine.nextTickDelay()).isEqualTo(Duration.ZERO);
  }

  @Test
  void runOnce_timestamps_comeFromInjectedClock() {
    FailoverEngine engine = engine().build();
    clock.advance(Duration.ofHours(1));
    Instant now = clock.instant();

    EngineStatus status = engine.runOnce();

    assertThat(status.at()).isEqualTo(now);
    assertThat(status.mainSince()).isEqualTo(now);
    assertThat(engine.history().history(provider(1)).latest().orElseThrow().startedAt())
        .isEqualTo(now);
    assertThat(listener.switches.get(0).at()).isEqualTo(now);
  }

  @Test
  void nextTickDelay_tickTookTime_intervalMinusTickDuration() {
    TestScenario slow = new ClockAdvancingScenario(clock, Duration.ofMillis(500));
    FailoverEngine engine = TestEngines.with(clock, backend).scenario(slow).build();

    engine.runOnce();

    // Three providers probed one after the other on the direct executor: 1.5 s of a 5 s interval.
    assertThat(engine.nextTickDelay()).isEqualTo(Duration.ofMillis(3500));
  }

  @Test
  void nextTickDelay_tickLongerThanInterval_zero() {
    TestScenario slow = new ClockAdvancingScenario(clock, Duration.ofSeconds(3));
    FailoverEngine engine = TestEngines.with(clock, backend).scenario(slow).build();

    engine.runOnce();

    assertThat(engine.nextTickDelay()).isEqualTo(Duration.ZERO);
  }

  @Test
  void desiredState_applyFailing_stillShowsWhatTheTickWanted() {
    backend.failNextApplies(5);
    FailoverEngine engine = engine().build();

    engine.runOnce();

    assertThat(engine.desiredState()).contains(ranked(1, 2, 3));
    assertThat(backend.lastApplied()).isEmpty();
  }

  @Test
  void constructor_noScenarios_throwsNamingTestCases() {
    assertThatThrownBy(() -> TestEngines.with(clock, backend).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("test_cases must not be empty");
  }

  @Test
  void constructor_duplicateScenarioNames_throws() {
    assertThatThrownBy(() -> engine().scenario(new FakeTestScenario("ping")).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ping' appears twice");
  }

  @Test
  void constructor_metricsOverflow_throwsNamingStartMetric() {
    EngineSettings settings =
        new EngineSettings(
            Duration.ofSeconds(5), Duration.ofSeconds(1), Integer.MAX_VALUE - 1, 50, 3);

    assertThatThrownBy(() -> engine().providers(providers(3)).settings(settings).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("start_metric");
  }

  /** A policy that forwards to another; tests override what they break. */
  private static class DelegatingPolicy implements ReliabilityPolicy {
    private final ReliabilityPolicy delegate;

    DelegatingPolicy(ReliabilityPolicy delegate) {
      this.delegate = delegate;
    }

    @Override
    public String name() {
      return "test";
    }

    @Override
    public Map<String, ProviderStatus> assess(
        List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
      return delegate.assess(histories, previous, now);
    }
  }
}
