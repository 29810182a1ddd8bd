package dev.failover.core;

import static dev.failover.core.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.Providers;
import dev.failover.api.RouteBackendException;
import dev.failover.api.SwitchReason;
import dev.failover.api.TestResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The status projection: {@link EngineStatus#of} from an engine state and the histories. */
class EngineStatusTest {
  private static final List<Provider> PROVIDERS = Fixtures.providers(3);
  private static final EngineSettings SETTINGS =
      new EngineSettings(
          Duration.ofSeconds(5), Duration.ofMillis(800), 100, 50, 3, Duration.ofSeconds(1));

  private final EngineStep step =
      new EngineStep(Providers.of(PROVIDERS), SETTINGS, new VerdictPolicy());

  private static List<ProviderHistory> empty() {
    List<ProviderHistory> histories = new ArrayList<>();
    for (Provider provider : PROVIDERS) {
      histories.add(ProviderHistory.empty(provider, 50));
    }
    return histories;
  }

  @Test
  void of_initialState_noDecisionAndTheFastInterval() {
    EngineStatus status = EngineStatus.of(step.initial(T0), empty(), "verdict", SETTINGS, T0);

    assertThat(status.at()).isEqualTo(T0);
    assertThat(status.ticks()).isZero();
    assertThat(status.policy()).isEqualTo("verdict");
    assertThat(status.interval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(status.mainProvider()).isEmpty();
    assertThat(status.mainReason()).isNull();
    assertThat(status.mainDetail()).isEmpty();
    assertThat(status.mainSince()).isNull();
    assertThat(status.ranking()).isEmpty();
    assertThat(status.startMetric()).isEqualTo(100);
    assertThat(status.sticky()).isEqualTo(StickyReading.absent());
    assertThat(status.lastAppliedAt()).isNull();
    assertThat(status.applyError()).isEmpty();
    assertThat(status.providers())
        .extracting(EngineStatus.ProviderReport::id)
        .containsExactly("isp1", "isp2", "isp3");
    assertThat(status.providers())
        .allSatisfy(
            p -> {
              assertThat(p.state()).isEqualTo(ProviderState.INSUFFICIENT_DATA);
              assertThat(p.linkUsable()).isTrue();
              assertThat(p.storedRounds()).isZero();
            });
  }

  @Test
  void of_decidedWithLinkDownAndAFailedApply_showsTheStepsState() {
    Instant now = T0.plusSeconds(5);
    List<ProviderHistory> histories = VerdictPolicy.histories(PROVIDERS, now, "UP", "UP", "DOWN");
    EngineStep.Result decided =
        step.step(
            step.initial(T0),
            EngineStep.Input.tick(histories, StickyReading.absent(), Set.of("isp1"), now));
    EngineState failed =
        step.afterApply(
                decided.state(),
                new EngineStep.ApplyResult.Failed(
                    decided.toApply().orElseThrow(), new RouteBackendException(null, "refused")),
                now)
            .state();

    EngineStatus status = EngineStatus.of(failed, histories, "verdict", SETTINGS, now);

    assertThat(status.ticks()).isEqualTo(1);
    assertThat(status.interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(status.mainProviderId()).isEqualTo("isp2");
    assertThat(status.mainReason()).isEqualTo(SwitchReason.STARTUP);
    assertThat(status.mainSince()).isEqualTo(now);
    assertThat(status.ranking()).containsExactly("isp2", "isp3", "isp1");
    assertThat(status.lastApplyError()).isEqualTo("refused");
    assertThat(status.lastAppliedAt()).isNull();
    assertThat(status.provider("isp1").orElseThrow().linkUsable()).isFalse();
    assertThat(status.provider("isp1").orElseThrow().selectable()).isFalse();
    assertThat(status.provider("isp3").orElseThrow().eligible()).isFalse();

    EngineState applied =
        step.afterApply(
                failed,
                new EngineStep.ApplyResult.Done(
                    decided.toApply().orElseThrow(), ApplyOutcome.complete()),
                now)
            .state();
    EngineStatus recovered = EngineStatus.of(applied, histories, "verdict", SETTINGS, now);
    assertThat(recovered.applyError()).isEmpty();
    assertThat(recovered.lastAppliedAt()).isEqualTo(now);
  }

  @Test
  void providerReportOf_mixedRounds_newestOutcomesLossAndMeanLatency() {
    Provider isp1 = PROVIDERS.get(0);
    List<ProbeRound> rounds = new ArrayList<>();
    for (int i = 0; i < FailoverEngine.RECENT_ROUNDS; i++) {
      rounds.add(ProbeRound.of(T0, TestResult.success(Duration.ofMillis(10))));
    }
    rounds.add(
        new ProbeRound(
            T0,
            List.of(
                TestResult.success(Duration.ofMillis(30)),
                TestResult.timeout(Duration.ofSeconds(1)))));
    ProviderHistory history = ProviderHistory.of(isp1, 50, rounds);
    ProviderStatus up = ProviderStatus.of(ProviderState.UP, T0, "fine");

    EngineStatus.ProviderReport report = EngineStatus.ProviderReport.of(history, up, true, null);

    assertThat(report.recentOutcomes()).hasSize(FailoverEngine.RECENT_ROUNDS);
    assertThat(report.recentOutcomes().get(FailoverEngine.RECENT_ROUNDS - 1))
        .isEqualTo(TestResult.Outcome.TIMEOUT);
    assertThat(report.storedRounds()).isEqualTo(FailoverEngine.RECENT_ROUNDS + 1);
    assertThat(report.failedRounds()).isEqualTo(1);
    // 1 lost check of 12; the mean of ten 10 ms and one 30 ms successes.
    assertThat(report.lossPercent()).isEqualTo(100.0 / 12);
    assertThat(report.averageLatency()).contains(Duration.ofNanos(130_000_000L / 11));
    assertThat(report.state()).isEqualTo(ProviderState.UP);
    assertThat(report.reason()).isEqualTo("fine");
  }
}
