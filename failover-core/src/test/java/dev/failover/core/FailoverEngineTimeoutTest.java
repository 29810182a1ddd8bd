package dev.failover.core;

import static dev.failover.core.Fixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeRouteBackend;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine against probes that never return, on a real thread pool: the tick still completes
 * with a result for every provider, the hung ones as timeouts. Asserts the results, not timing.
 */
class FailoverEngineTimeoutTest {
  private static final Duration PROBE_TIMEOUT = Duration.ofMillis(200);

  private final FakeClock clock = new FakeClock();
  private final FakeRouteBackend backend = new FakeRouteBackend();
  private final ExecutorService pool = Executors.newFixedThreadPool(6);
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void tearDown() throws InterruptedException {
    release.countDown();
    pool.shutdownNow();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
  }

  private FailoverEngine engine(TestScenario scenario) {
    return TestEngines.with(clock, backend)
        .scenario(scenario)
        .executor(pool)
        // Real elapsed time: the deadline is what is under test.
        .ticker(Ticker.systemTicker())
        .settings(new EngineSettings(Duration.ofSeconds(1), PROBE_TIMEOUT, 100, 50, 3))
        .build();
  }

  private static TestResult latest(FailoverEngine engine, int provider) {
    return engine.history().history(provider(provider)).latest().orElseThrow().results().get(0);
  }

  @Test
  void runOnce_oneProbeHangs_timeoutRecordedOthersSucceed() throws InterruptedException {
    HangingScenario scenario = new HangingScenario(Set.of("isp2"), release);
    FailoverEngine engine = engine(scenario);

    EngineStatus status = engine.runOnce();

    assertThat(status.ticks()).isEqualTo(1);
    assertThat(latest(engine, 1).outcome()).isEqualTo(TestResult.Outcome.SUCCESS);
    assertThat(latest(engine, 2).outcome()).isEqualTo(TestResult.Outcome.TIMEOUT);
    assertThat(latest(engine, 2).latency()).isEqualTo(PROBE_TIMEOUT);
    assertThat(latest(engine, 3).outcome()).isEqualTo(TestResult.Outcome.SUCCESS);
    // The hung check was cancelled: its thread was interrupted, not left blocked.
    assertThat(scenario.interrupted.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(backend.lastApplied()).isPresent();
  }

  @Test
  void runOnce_everyProbeHangs_allTimeoutAndTheTickStillDecides() {
    HangingScenario scenario = new HangingScenario(Set.of("isp1", "isp2", "isp3"), release);
    FailoverEngine engine = engine(scenario);

    EngineStatus status = engine.runOnce();

    for (int i = 1; i <= 3; i++) {
      assertThat(latest(engine, i).outcome()).isEqualTo(TestResult.Outcome.TIMEOUT);
    }
    assertThat(status.mainProviderId()).isEqualTo("isp1");
    assertThat(backend.lastApplied()).isPresent();
  }

  @Test
  void runOnce_interruptedWhileWaiting_recordsNothingAndKeepsTheFlag() {
    HangingScenario scenario = new HangingScenario(Set.of("isp1"), release);
    FailoverEngine engine = engine(scenario);

    Thread.currentThread().interrupt();
    EngineStatus status = engine.runOnce();

    assertThat(Thread.interrupted()).isTrue();
    assertThat(engine.history().history(provider(2)).isEmpty()).isTrue();
    assertThat(status.mainProvider()).isEmpty();
    assertThat(backend.attempts()).isZero();
  }

  /** Blocks for the listed providers until released or interrupted; succeeds for the others. */
  private static final class HangingScenario implements TestScenario {
    private final Set<String> hanging;
    private final CountDownLatch release;
    final CountDownLatch interrupted = new CountDownLatch(1);

    HangingScenario(Set<String> hanging, CountDownLatch release) {
      this.hanging = hanging;
      this.release = release;
    }

    @Override
    public String name() {
      return "hang";
    }

    @Override
    public TestResult check(Provider provider, Duration timeout) {
      if (hanging.contains(provider.id())) {
        try {
          // Bounded only so that a broken engine cannot hold the pool forever.
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          interrupted.countDown();
          Thread.currentThread().interrupt();
          return TestResult.failure(Duration.ZERO, "interrupted");
        }
      }
      return TestResult.success(Duration.ofMillis(1));
    }
  }
}
