package dev.failover.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.MoreExecutors;
import dev.failover.api.ProviderState;
import dev.failover.api.Providers;
import dev.failover.api.TestResult;
import dev.failover.core.DampedPolicy;
import dev.failover.core.EngineSettings;
import dev.failover.core.EngineStatus;
import dev.failover.core.FailoverEngine;
import dev.failover.core.Fixtures;
import dev.failover.core.StickySource;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeRouteBackend;
import dev.failover.testkit.FakeTestScenario;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 4: the failback dwell and flap damping are measured on monotonic time, so a wall
 * clock stepped back neither holds a recovered provider back for as long as the step, nor does one
 * stepped forward end the dwell at once. The engine runs the damped policy over two providers, one
 * tick a second; the primary goes down, then answers again; the wall clock is stepped while it is
 * recovering.
 */
class Issue11MonotonicTimeTest {
  private static final Duration TICK = Duration.ofSeconds(1);
  private static final Duration STEP = Duration.ofHours(1);

  private final FakeClock ticks = new FakeClock();
  /** The wall clock: the fake clock plus a step the test sets. */
  private Duration wallStep = Duration.ZERO;

  private final InstantSource wall = () -> ticks.instant().plus(wallStep);
  private final Ticker ticker =
      new Ticker() {
        @Override
        public long read() {
          return ticks.nanoTime();
        }
      };
  private final ExecutorService executor = MoreExecutors.newDirectExecutorService();
  private final FakeTestScenario ping = new FakeTestScenario("ping");
  private final FailoverEngine engine =
      new FailoverEngine(
          new EngineSettings(TICK, Duration.ofMillis(200), 100, 50, 1000),
          Providers.of(Fixtures.providers(2)),
          Set.of(ping),
          DampedPolicy.withDefaults(),
          new FakeRouteBackend(),
          StickySource.none(),
          Set.of(),
          executor,
          wall,
          ticker);

  @AfterEach
  void shutDown() {
    executor.shutdownNow();
  }

  private EngineStatus tick() {
    EngineStatus status = engine.runOnce();
    ticks.advance(TICK);
    return status;
  }

  private static ProviderState state(EngineStatus status) {
    return status.provider("isp1").orElseThrow().state();
  }

  /** Runs the primary into RECOVERING; returns the number of ticks it took after the outage. */
  private EngineStatus recovering() {
    TestResult ok = TestResult.success(Duration.ofMillis(20));
    TestResult lost = TestResult.timeout(Duration.ofMillis(180));
    ping.always("isp2", ok).always("isp1", ok).script("isp1", ok, ok, lost, lost, lost);
    EngineStatus status = null;
    for (int i = 0; i < 5; i++) {
      status = tick();
    }
    assertThat(state(status)).isEqualTo(ProviderState.DOWN);
    assertThat(status.mainProvider()).hasValue("isp2");
    for (int i = 0; i < 100 && state(status) != ProviderState.RECOVERING; i++) {
      status = tick();
    }
    assertThat(state(status)).isEqualTo(ProviderState.RECOVERING);
    return status;
  }

  /** Ticks until isp1 is main again; returns the ticker's seconds from {@code from} to then. */
  private long secondsUntilFailback(Instant fromTicker) {
    for (int i = 0; i < 7200; i++) {
      EngineStatus status = tick();
      if (status.mainProvider().orElseThrow().equals("isp1")) {
        return Duration.between(fromTicker, ticks.instant().minus(TICK)).toSeconds();
      }
    }
    throw new AssertionError("no failback within 2 hours of ticks");
  }

  @Test
  void failback_wallClockSteppedBackWhileRecovering_stillAfterTheDwell() {
    recovering();
    Instant since = ticks.instant().minus(TICK);

    wallStep = STEP.negated();

    assertThat(secondsUntilFailback(since)).isEqualTo(30);
  }

  @Test
  void failback_wallClockSteppedForwardWhileRecovering_notBeforeTheDwell() {
    recovering();
    Instant since = ticks.instant().minus(TICK);

    wallStep = STEP;

    assertThat(secondsUntilFailback(since)).isEqualTo(30);
  }

  @Test
  void status_wallClockStepped_showsSinceOnTheWallClock() {
    EngineStatus recovering = recovering();
    Instant shownBefore = recovering.provider("isp1").orElseThrow().since();

    wallStep = STEP;
    EngineStatus status = tick();

    // Entered RECOVERING one tick before the last one: shown one tick before it, stepped too.
    assertThat(status.provider("isp1").orElseThrow().since()).isEqualTo(shownBefore.plus(STEP));
    assertThat(status.at()).isEqualTo(shownBefore.plus(STEP).plus(TICK));
  }
}
