package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.MoreExecutors;
import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.TestProviders;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ProbeRunner} with adaptive timeouts, in fake time ({@link FakeEchoScenario}). */
class ProbeRunnerAdaptiveTest {
  private final FakeClock clock = new FakeClock();
  private final FakeEchoScenario echo = new FakeEchoScenario("echo", clock);
  private final Provider provider = TestProviders.of(1).get(0);
  private final ProbeRunner runner =
      new ProbeRunner(
          MoreExecutors.newDirectExecutorService(),
          Fixtures.ticker(clock),
          Duration.ofMillis(200),
          ProbeTimeouts.adaptiveDefaults());

  private TestResult round() {
    TestResult result =
        runner
            .runRound(List.of(provider), List.<TestScenario>of(echo), clock.instant())
            .orElseThrow()
            .get(provider)
            .results()
            .get(0);
    return result;
  }

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void timeoutFor_beforeAnySample_isProbeTimeoutThenFollowsTheRoundTrip() {
    assertThat(runner.timeoutFor(provider, echo)).isEqualTo(ms(200));

    echo.rtt(provider.id(), ms(20));
    assertThat(round().succeeded()).isTrue();

    // SRTT 20 ms, RTTVAR 10 ms: RTO 60 ms, raised to the 0.1 s floor.
    assertThat(runner.timeoutFor(provider, echo)).isEqualTo(ms(100));
  }

  @Test
  void runRound_lateReply_learnedAndCountsForTheNextLostCheckOnly() {
    echo.rtt(provider.id(), ms(20));
    round();

    // The round trip jumps to 320 ms: lost at the 0.1 s timeout ...
    echo.rtt(provider.id(), ms(320));
    TestResult lost = round();
    assertThat(lost.outcome()).isEqualTo(TestResult.Outcome.TIMEOUT);
    assertThat(lost.latency()).isEqualTo(ms(100));
    // ... then its reply comes: SRTT 57.5 ms, RTTVAR 82.5 ms, RTO 387.5 ms.
    clock.advance(ms(300));
    echo.deliverDue();
    assertThat(runner.timeoutFor(provider, echo))
        .isEqualTo(Duration.ofMillis(387).plusNanos(500_000));

    // The link goes silent: the next check is lost, but the late reply counts as life.
    echo.silent(provider.id());
    TestResult late = round();
    assertThat(late.succeeded()).isTrue();
    assertThat(late.latency()).isEqualTo(ms(320));
    assertThat(late.detail()).contains("answered late");
    // Once only: the check after that is lost.
    assertThat(round().outcome()).isEqualTo(TestResult.Outcome.TIMEOUT);
  }

  @Test
  void runRound_silentLink_noSampleSoTheTimeoutStaysShort() {
    echo.rtt(provider.id(), ms(20));
    round();
    echo.silent(provider.id());

    for (int i = 0; i < 5; i++) {
      assertThat(round().outcome()).isEqualTo(TestResult.Outcome.TIMEOUT);
      clock.advance(ms(200));
      echo.deliverDue();
    }

    assertThat(runner.timeoutFor(provider, echo)).isEqualTo(ms(100));
  }
}
