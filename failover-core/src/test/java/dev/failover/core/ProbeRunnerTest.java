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
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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

  /** A scenario that starts its own checks, as the socket ping does: the executor is not used. */
  private static TestScenario starting(Function<Provider, Future<TestResult>> start) {
    return new TestScenario() {
      @Override
      public String name() {
        return "starting";
      }

      @Override
      public TestResult check(Provider provider, Duration timeout) {
        throw new AssertionError("check must not be called when start is overridden");
      }

      @Override
      public Future<TestResult> start(Provider provider, Duration timeout, Executor executor) {
        return start.apply(provider);
      }
    };
  }

  private static ProbeRunner refusingExecutorRunner() {
    ExecutorService refusing =
        new AbstractExecutorService() {
          @Override
          public void execute(Runnable command) {
            throw new AssertionError("no check may need a thread here");
          }

          @Override
          public void shutdown() {}

          @Override
          public List<Runnable> shutdownNow() {
            return List.of();
          }

          @Override
          public boolean isShutdown() {
            return false;
          }

          @Override
          public boolean isTerminated() {
            return false;
          }

          @Override
          public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
          }
        };
    return new ProbeRunner(refusing, ticker(new FakeClock()), Duration.ofMillis(200));
  }

  @Test
  void runRound_scenarioOverridingStart_itsFutureIsTheResult() {
    ProbeRunner runner = refusingExecutorRunner();
    TestScenario scenario =
        starting(
            provider ->
                CompletableFuture.completedFuture(
                    TestResult.success(Duration.ofMillis(provider.id().length()))));

    List<List<TestResult>> results = runner.runRound(TestProviders.of(2), List.of(scenario));

    assertThat(results).isNotNull();
    assertThat(results).hasSize(2);
    assertThat(results.get(0).get(0).succeeded()).isTrue();
    assertThat(results.get(1).get(0).succeeded()).isTrue();
  }

  @Test
  void runRound_startThrows_recordedAsFailureAndTheOthersStillRun() {
    ProbeRunner runner = refusingExecutorRunner();
    List<Provider> providers = TestProviders.of(2);
    TestScenario scenario =
        starting(
            provider -> {
              if (provider.equals(providers.get(0))) {
                throw new IllegalStateException("socket refused");
              }
              return CompletableFuture.completedFuture(TestResult.success(Duration.ofMillis(3)));
            });

    List<List<TestResult>> results = runner.runRound(providers, List.of(scenario));

    assertThat(results).isNotNull();
    assertThat(results.get(0).get(0).outcome()).isEqualTo(TestResult.Outcome.FAILURE);
    assertThat(results.get(0).get(0).detail())
        .isEqualTo("probe threw java.lang.IllegalStateException: socket refused");
    assertThat(results.get(1).get(0).succeeded()).isTrue();
  }

  @Test
  void runRound_futureCompletesExceptionally_recordedAsFailure() {
    ProbeRunner runner = refusingExecutorRunner();
    TestScenario scenario =
        starting(
            provider ->
                CompletableFuture.failedFuture(new IllegalArgumentException("bad packet")));

    List<List<TestResult>> results = runner.runRound(TestProviders.of(1), List.of(scenario));

    assertThat(results).isNotNull();
    assertThat(results.get(0).get(0).outcome()).isEqualTo(TestResult.Outcome.FAILURE);
    assertThat(results.get(0).get(0).detail())
        .isEqualTo("probe threw java.lang.IllegalArgumentException: bad packet");
  }

  @Test
  void runRound_startThrowsAnError_recordedAsFailure() {
    ProbeRunner runner = refusingExecutorRunner();
    TestScenario scenario =
        starting(
            provider -> {
              throw new NoClassDefFoundError("org/example/Missing");
            });

    List<List<TestResult>> results = runner.runRound(TestProviders.of(1), List.of(scenario));

    assertThat(results).isNotNull();
    assertThat(results.get(0).get(0).detail())
        .isEqualTo("probe failed: java.lang.NoClassDefFoundError: org/example/Missing");
  }

  @Test
  void runRound_startReturnsNull_recordedAsFailure() {
    ProbeRunner runner = refusingExecutorRunner();
    TestScenario scenario = starting(provider -> nullFuture());

    List<List<TestResult>> results = runner.runRound(TestProviders.of(1), List.of(scenario));

    assertThat(results).isNotNull();
    assertThat(results.get(0).get(0).outcome()).isEqualTo(TestResult.Outcome.FAILURE);
    assertThat(results.get(0).get(0).detail()).isEqualTo("probe started no check");
  }

  @SuppressWarnings("NullAway") // a broken plugin's null, on purpose
  private static Future<TestResult> nullFuture() {
    return null;
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
