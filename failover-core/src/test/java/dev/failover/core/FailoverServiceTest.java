package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.Service;
import dev.failover.api.FailoverListener;
import dev.failover.api.RoutingState;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeRouteBackend;
import dev.failover.testkit.FakeScheduler;
import dev.failover.testkit.FakeTestScenario;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FailoverServiceTest {
  private final FakeClock clock = new FakeClock();
  private final FakeScheduler scheduler = new FakeScheduler(clock);
  private final FakeRouteBackend backend = new FakeRouteBackend();

  private TestEngines engine() {
    return TestEngines.with(clock, backend).scenario(new FakeTestScenario("ping"));
  }

  private FailoverService started(FailoverEngine engine) {
    FailoverService service = new FailoverService(engine, scheduler);
    service.startAsync();
    scheduler.runDueTasks();
    assertThat(service.state()).isEqualTo(Service.State.RUNNING);
    return service;
  }

  @Test
  void start_firstTickAtOnceThenEveryCheckInterval() {
    FailoverEngine engine = engine().build();
    FailoverService service = started(engine);

    assertThat(engine.status().ticks()).isEqualTo(1);
    scheduler.advance(Duration.ofMillis(4999));
    assertThat(engine.status().ticks()).isEqualTo(1);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(engine.status().ticks()).isEqualTo(2);
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(engine.status().ticks()).isEqualTo(4);
    assertThat(service.isRunning()).isTrue();
    assertThat(scheduler.failures()).isEmpty();
  }

  @Test
  void requestTick_running_oneExtraTickForMergedRequests() {
    FailoverEngine engine = engine().build();
    FailoverService service = started(engine);

    assertThat(service.requestTick()).isTrue();
    assertThat(service.requestTick()).isTrue();
    scheduler.runDueTasks();

    assertThat(engine.status().ticks()).isEqualTo(2);
    assertThat(service.requestTick()).isTrue();
    scheduler.runDueTasks();
    assertThat(engine.status().ticks()).isEqualTo(3);
  }

  @Test
  void requestTick_notStarted_false() {
    FailoverEngine engine = engine().build();
    FailoverService service = new FailoverService(engine, scheduler);

    assertThat(service.requestTick()).isFalse();
    scheduler.runDueTasks();
    assertThat(engine.status().ticks()).isZero();
  }

  @Test
  void runOneIteration_tickThrowsError_serviceKeepsTicking() {
    AtomicInteger calls = new AtomicInteger();
    FailoverListener failing =
        new FailoverListener() {
          @Override
          public void onRoutesApplied(RoutingState applied) {
            calls.incrementAndGet();
            // An Error is not caught per listener; the service's own guard must catch it.
            throw new AssertionError("listener bug");
          }
        };
    FailoverEngine engine = engine().listener(failing).build();
    FailoverService service = started(engine);

    scheduler.advance(Duration.ofSeconds(5));

    assertThat(calls).hasValue(1);
    assertThat(engine.status().ticks()).isEqualTo(2);
    assertThat(service.isRunning()).isTrue();
    assertThat(scheduler.failures()).isEmpty();
  }

  @Test
  void stop_leavesTheAppliedRoutesInPlace() {
    FailoverEngine engine = engine().build();
    FailoverService service = started(engine);
    scheduler.advance(Duration.ofSeconds(5));
    int attempts = backend.attempts();

    service.stopAsync();
    scheduler.runDueTasks();
    scheduler.advance(Duration.ofSeconds(30));

    assertThat(service.state()).isEqualTo(Service.State.TERMINATED);
    assertThat(backend.attempts()).isEqualTo(attempts);
    assertThat(backend.lastApplied()).hasValueSatisfying(s -> assertThat(s.routes()).hasSize(3));
    assertThat(engine.status().ticks()).isEqualTo(2);
    assertThat(service.requestTick()).isFalse();
  }
}
