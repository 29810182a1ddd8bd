package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.MoreExecutors;
import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.TestProviders;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProbeRunnerTest {

  @Test
  void runRound_scenarioGetsTimeoutBelowProbeTimeout_soItsOwnTimeoutFiresFirst() {
    AtomicReference<Duration> handed = new AtomicReference<>();
    TestScenario recording =
        new TestScenario() {
          @Override
          public String name() {
            return "recording";
          }

          @Override
          public TestResult check(Provider provider, Duration timeout) {
            handed.set(timeout);
            return TestResult.timeout(timeout);
          }
        };
    FakeClock clock = new FakeClock();
    ProbeRunner runner =
        new ProbeRunner(
            MoreExecutors.newDirectExecutorService(), ticker(clock), Duration.ofMillis(200));

    List<List<TestResult>> results = runner.runRound(TestProviders.of(1), List.of(recording));

    assertThat(handed.get()).isEqualTo(Duration.ofMillis(180));
    assertThat(results).isNotNull();
    assertThat(results.get(0).get(0).outcome()).isEqualTo(TestResult.Outcome.TIMEOUT);
  }

  @Test
  void runRound_longProbeTimeout_marginCappedAt20Millis() {
    AtomicReference<Duration> handed = new AtomicReference<>();
    TestScenario recording =
        new TestScenario() {
          @Override
          public String name() {
            return "recording";
          }

          @Override
          public TestResult check(Provider provider, Duration timeout) {
            handed.set(timeout);
            return TestResult.success(Duration.ofMillis(1));
          }
        };
    FakeClock clock = new FakeClock();
    ProbeRunner runner =
        new ProbeRunner(
            MoreExecutors.newDirectExecutorService(), ticker(clock), Duration.ofSeconds(2));

    runner.runRound(TestProviders.of(1), List.of(recording));

    assertThat(handed.get()).isEqualTo(Duration.ofMillis(1980));
  }

  private static Ticker ticker(FakeClock clock) {
    return new Ticker() {
      @Override
      public long read() {
        return clock.nanoTime();
      }
    };
  }
}
