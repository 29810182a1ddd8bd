package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.MoreExecutors;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.TestProviders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ProbeRunnerTest {
  private static final Instant T0 = Fixtures.T0;

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

    List<Provider> providers = TestProviders.of(1);
    Map<Provider, ProbeRound> rounds =
        runner.runRound(providers, List.of(recording), T0).orElseThrow();

    assertThat(handed.get()).isEqualTo(Duration.ofMillis(180));
    assertThat(first(rounds, providers.get(0)).outcome()).isEqualTo(TestResult.Outcome.TIMEOUT);
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

    runner.runRound(TestProviders.of(1), List.of(recording), T0);

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

    List<Provider> providers = TestProviders.of(2);
    Map<Provider, ProbeRound> rounds =
        runner.runRound(providers, List.of(scenario), T0).orElseThrow();

    assertThat(rounds).hasSize(2);
    assertThat(first(rounds, providers.get(0)).succeeded()).isTrue();
    assertThat(first(rounds, providers.get(1)).succeeded()).isTrue();
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

    Map<Provider, ProbeRound> rounds =
        runner.runRound(providers, List.of(scenario), T0).orElseThrow();

    assertThat(first(rounds, providers.get(0)).outcome()).isEqualTo(TestResult.Outcome.FAILURE);
    assertThat(first(rounds, providers.get(0)).detail())
        .isEqualTo("probe threw java.lang.IllegalStateException: socket refused");
    assertThat(first(rounds, providers.get(1)).succeeded()).isTrue();
  }

  @Test
  void runRound_futureCompletesExceptionally_recordedAsFailure() {
    ProbeRunner runner = refusingExecutorRunner();
    TestScenario scenario =
        starting(
            provider -> CompletableFuture.failedFuture(new IllegalArgumentException("bad packet")));

    TestResult result = onlyResult(runner, scenario);

    assertThat(result.outcome()).isEqualTo(TestResult.Outcome.FAILURE);
    assertThat(result.detail())
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

    TestResult result = onlyResult(runner, scenario);

    assertThat(result.detail())
        .isEqualTo("probe failed: java.lang.NoClassDefFoundError: org/example/Missing");
  }

  @Test
  void runRound_startReturnsNull_recordedAsFailure() {
    ProbeRunner runner = refusingExecutorRunner();
    TestScenario scenario = starting(provider -> nullFuture());

    TestResult result = onlyResult(runner, scenario);

    assertThat(result.outcome()).isEqualTo(TestResult.Outcome.FAILURE);
    assertThat(result.detail()).isEqualTo("probe started no check");
  }

  /**
   * One round per provider, in priority order, each stamped with the start and in scenario order.
   */
  @Test
  void runRound_threeProvidersTwoScenarios_oneRoundPerProviderInOrder() {
    List<Provider> providers = TestProviders.of(3);
    TestScenario fast =
        starting(p -> CompletableFuture.completedFuture(TestResult.success(Duration.ofMillis(1))));
    TestScenario failing =
        starting(p -> CompletableFuture.completedFuture(TestResult.failure(Duration.ZERO, p.id())));

    Map<Provider, ProbeRound> rounds =
        refusingExecutorRunner().runRound(providers, List.of(fast, failing), T0).orElseThrow();

    assertThat(rounds.keySet()).containsExactlyElementsOf(providers);
    for (Provider provider : providers) {
      ProbeRound round = rounds.get(provider);
      assertThat(round.startedAt()).isEqualTo(T0);
      assertThat(round.results())
          .extracting(TestResult::outcome)
          .containsExactly(TestResult.Outcome.SUCCESS, TestResult.Outcome.FAILURE);
      assertThat(round.results().get(1).detail()).isEqualTo(provider.id());
    }
  }

  @Test
  void runRound_interrupted_emptyAndTheFlagStaysSet() {
    TestScenario never = starting(p -> new CompletableFuture<>());
    ProbeRunner runner = refusingExecutorRunner();

    Thread.currentThread().interrupt();
    Optional<?> rounds = runner.runRound(TestProviders.of(2), List.of(never), T0);

    assertThat(Thread.interrupted()).isTrue();
    assertThat(rounds).isEmpty();
  }

  private static TestResult first(Map<Provider, ProbeRound> rounds, Provider provider) {
    return rounds.get(provider).results().get(0);
  }

  /** The one result of a round of {@code scenario} against one provider. */
  private static TestResult onlyResult(ProbeRunner runner, TestScenario scenario) {
    List<Provider> providers = TestProviders.of(1);
    Map<Provider, ProbeRound> rounds =
        runner.runRound(providers, List.of(scenario), T0).orElseThrow();
    assertThat(rounds.keySet()).containsExactlyElementsOf(providers);
    return first(rounds, providers.get(0));
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
