package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.ProviderEvidence;
import dev.failover.api.ProviderState;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeRouteBackend;
import dev.failover.testkit.FakeTestScenario;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The engine's cadence: {@code check_interval}, {@code fast_check_interval} while in doubt, and
 * three quarters of it for at most two rounds after a provider in service answered nothing.
 */
class FailoverEngineCadenceTest {
  private static final Duration CHECK = Duration.ofSeconds(5);
  private static final Duration FAST = Duration.ofSeconds(1);
  private static final EngineSettings SETTINGS =
      new EngineSettings(CHECK, Duration.ofMillis(800), 100, 50, 3, FAST);

  private final FakeClock clock = new FakeClock();
  private final FakeRouteBackend backend = new FakeRouteBackend();
  private final ScriptedPolicy policy = new ScriptedPolicy();

  private FailoverEngine engine(EngineSettings settings, TestScenario scenario) {
    return TestEngines.with(clock, backend)
        .scenario(scenario)
        .policy(policy)
        .settings(settings)
        .build();
  }

  private FailoverEngine engine() {
    return engine(SETTINGS, new FakeTestScenario("ping"));
  }

  @Test
  void nextTickDelay_beforeFirstTick_zeroAndStatusShowsFast() {
    FailoverEngine engine = engine();

    assertThat(engine.nextTickDelay()).isZero();
    // Nothing is known yet: every provider is INSUFFICIENT_DATA.
    assertThat(engine.status().interval()).isEqualTo(FAST);
  }

  @Test
  void nextTickDelay_allUp_checkInterval() {
    FailoverEngine engine = engine();

    EngineStatus status = engine.runOnce();

    assertThat(engine.nextTickDelay()).isEqualTo(CHECK);
    assertThat(status.interval()).isEqualTo(CHECK);
  }

  @Test
  void nextTickDelay_oneSuspect_fastInterval() {
    FailoverEngine engine = engine();
    engine.runOnce();

    policy.set("isp2", ProviderState.SUSPECT);
    EngineStatus status = engine.runOnce();

    assertThat(engine.nextTickDelay()).isEqualTo(FAST);
    assertThat(status.interval()).isEqualTo(FAST);
  }

  @Test
  void nextTickDelay_recovering_fastInterval() {
    FailoverEngine engine = engine();
    policy.set("isp3", ProviderState.DOWN);
    engine.runOnce();
    assertThat(engine.nextTickDelay()).as("DOWN is not in doubt").isEqualTo(CHECK);

    policy.set("isp3", ProviderState.RECOVERING);
    engine.runOnce();

    assertThat(engine.nextTickDelay()).isEqualTo(FAST);
  }

  @Test
  void nextTickDelay_insufficientData_fastInterval() {
    FailoverEngine engine = engine();
    policy.set("isp1", ProviderState.INSUFFICIENT_DATA);

    engine.runOnce();

    assertThat(engine.nextTickDelay()).isEqualTo(FAST);
  }

  @Test
  void nextTickDelay_doubtResolved_backToCheckInterval() {
    FailoverEngine engine = engine();
    policy.set("isp1", ProviderState.SUSPECT);
    engine.runOnce();
    assertThat(engine.nextTickDelay()).isEqualTo(FAST);

    policy.set("isp1", ProviderState.DOWN);
    EngineStatus status = engine.runOnce();

    assertThat(engine.nextTickDelay()).isEqualTo(CHECK);
    assertThat(status.interval()).isEqualTo(CHECK);
  }

  @Test
  void nextTickDelay_fastTickTookTime_fastIntervalMinusTickDuration() {
    FailoverEngine engine =
        engine(SETTINGS, new ClockAdvancingScenario(clock, Duration.ofMillis(100)));
    policy.set("isp1", ProviderState.SUSPECT);

    engine.runOnce();

    // Three providers probed one after the other on the direct executor: 300 ms of a 1 s interval.
    assertThat(engine.nextTickDelay()).isEqualTo(Duration.ofMillis(700));
  }

  @Test
  void nextTickDelay_fastTickLongerThanFastInterval_zeroSoTheNextStartsRightAfter() {
    FailoverEngine engine =
        engine(SETTINGS, new ClockAdvancingScenario(clock, Duration.ofMillis(400)));
    policy.set("isp1", ProviderState.SUSPECT);

    engine.runOnce();

    assertThat(engine.nextTickDelay()).isZero();
  }

  @Test
  void nextTickDelay_noFastCadenceConfigured_checkIntervalWhileSuspect() {
    EngineSettings plain = new EngineSettings(CHECK, Duration.ofSeconds(4), 100, 50, 3);
    FailoverEngine engine = engine(plain, new FakeTestScenario("ping"));
    policy.set("isp1", ProviderState.SUSPECT);

    engine.runOnce();

    assertThat(engine.nextTickDelay()).isEqualTo(CHECK);
  }

  @Test
  void decideNow_doesNotChangeTheCadence() {
    FailoverEngine engine = engine();
    policy.set("isp1", ProviderState.SUSPECT);
    engine.runOnce();

    policy.set("isp1", ProviderState.UP);
    EngineStatus status = engine.decideNow();

    // The policy is not asked outside a tick, so isp1 is still SUSPECT and the cadence fast.
    assertThat(policy.calls()).isEqualTo(1);
    assertThat(status.provider("isp1").orElseThrow().state()).isEqualTo(ProviderState.SUSPECT);
    assertThat(status.interval()).isEqualTo(FAST);
    assertThat(engine.nextTickDelay()).isEqualTo(FAST);
  }

  private static final Duration HURRIED = FAST.multipliedBy(3).dividedBy(4);
  private static final TestResult LOST = TestResult.timeout(Duration.ofMillis(800));

  @Test
  void nextTickDelay_silentRoundOfProviderInService_threeQuartersOfFastInterval() {
    FakeTestScenario scenario = new FakeTestScenario("ping").always("isp2", LOST);
    FailoverEngine engine = engine(SETTINGS, scenario);

    EngineStatus status = engine.runOnce();

    assertThat(engine.nextTickDelay()).isEqualTo(HURRIED);
    assertThat(status.interval()).isEqualTo(HURRIED);
  }

  @Test
  void nextTickDelay_silentRoundsInARow_hurriedTwiceThenTheDoubtCadence() {
    FakeTestScenario scenario = new FakeTestScenario("ping").always("isp1", LOST);
    FailoverEngine engine = engine(SETTINGS, scenario);
    policy.set("isp1", ProviderState.SUSPECT);

    engine.runOnce();
    assertThat(engine.nextTickDelay()).isEqualTo(HURRIED);
    engine.runOnce();
    assertThat(engine.nextTickDelay()).isEqualTo(HURRIED);
    engine.runOnce();
    assertThat(engine.nextTickDelay())
        .as("a provider the policy never declares down is not probed faster for long")
        .isEqualTo(FAST);
  }

  @Test
  void nextTickDelay_answerAfterSilentRound_noLongerHurried() {
    FakeTestScenario scenario =
        new FakeTestScenario("ping").script("isp1", LOST, TestResult.success(Duration.ZERO));
    FailoverEngine engine = engine(SETTINGS, scenario);

    engine.runOnce();
    assertThat(engine.nextTickDelay()).isEqualTo(HURRIED);
    engine.runOnce();
    assertThat(engine.nextTickDelay()).isEqualTo(CHECK);
  }

  @Test
  void nextTickDelay_silentRoundOfDownProvider_notHurried() {
    FakeTestScenario scenario = new FakeTestScenario("ping").always("isp1", LOST);
    FailoverEngine engine = engine(SETTINGS, scenario);
    policy.set("isp1", ProviderState.DOWN);

    engine.runOnce();

    assertThat(engine.nextTickDelay()).as("a down provider is out of service").isEqualTo(CHECK);
  }

  @Test
  void nextTickDelay_silentRoundOfProviderWithLinkDown_notHurried() {
    FakeTestScenario scenario = new FakeTestScenario("ping").always("isp1", LOST);
    FailoverEngine engine = engine(SETTINGS, scenario);
    engine.linkChanged("eth1", false);

    engine.runOnce();

    assertThat(engine.nextTickDelay()).isEqualTo(CHECK);
  }

  @Test
  void nextTickDelay_noFastCadenceConfigured_silentRoundNotHurried() {
    EngineSettings plain = new EngineSettings(CHECK, Duration.ofSeconds(4), 100, 50, 3);
    FakeTestScenario scenario = new FakeTestScenario("ping").always("isp1", LOST);
    FailoverEngine engine = engine(plain, scenario);

    engine.runOnce();

    assertThat(engine.nextTickDelay()).isEqualTo(CHECK);
  }

  @Test
  void nextTickDelay_silentRoundLongerThanTheHurry_nextStartsRightAfter() {
    FailoverEngine engine =
        engine(SETTINGS, new ClockAdvancingScenario(clock, Duration.ofMillis(300), LOST));

    engine.runOnce();

    // Three providers, 300 ms each on the direct executor: 900 ms, longer than the 750 ms hurry.
    assertThat(engine.nextTickDelay()).isZero();
  }

  @Test
  void nextTickDelay_lossTestRunning_halfFastInterval() {
    FailoverEngine engine = engine();
    policy.evidence("isp2", new ProviderEvidence(10, 1, 5, 0, 0.9, 0));

    EngineStatus status = engine.runOnce();

    assertThat(engine.nextTickDelay()).isEqualTo(FAST.dividedBy(2));
    assertThat(status.interval()).isEqualTo(FAST.dividedBy(2));
  }

  @Test
  void nextTickDelay_recoveryTestRunningOnDownProvider_halfFastInterval() {
    FailoverEngine engine = engine();
    policy
        .set("isp2", ProviderState.DOWN)
        .evidence("isp2", new ProviderEvidence(10, 0, 5, 0, 0, 2));

    engine.runOnce();

    assertThat(engine.nextTickDelay()).isEqualTo(FAST.dividedBy(2));
  }

  @Test
  void nextTickDelay_recoveryScoreOfUpProvider_notATestRunning() {
    FailoverEngine engine = engine();
    policy.evidence("isp2", new ProviderEvidence(10, 0, 5, 0, 0, 2));

    engine.runOnce();

    assertThat(engine.nextTickDelay()).isEqualTo(CHECK);
  }

  @Test
  void nextTickDelay_silentRoundWhileLossTestRuns_theHurryNotTheTestCadence() {
    FakeTestScenario scenario = new FakeTestScenario("ping").always("isp1", LOST);
    FailoverEngine engine = engine(SETTINGS, scenario);
    policy.evidence("isp1", new ProviderEvidence(10, 3, 5, 1, 2.7, 0));

    engine.runOnce();

    assertThat(engine.nextTickDelay())
        .as("a late reply must get the time to come before the third silent round is judged")
        .isEqualTo(HURRIED);
  }

  @Test
  void nextTickDelay_lossTestRunningWithoutFastCadence_checkInterval() {
    EngineSettings plain = new EngineSettings(CHECK, Duration.ofSeconds(4), 100, 50, 3);
    FailoverEngine engine = engine(plain, new FakeTestScenario("ping"));
    policy.evidence("isp2", new ProviderEvidence(10, 1, 5, 0, 0.9, 0));

    engine.runOnce();

    assertThat(engine.nextTickDelay()).isEqualTo(CHECK);
  }
}
