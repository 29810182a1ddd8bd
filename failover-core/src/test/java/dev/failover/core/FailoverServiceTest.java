package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.Service;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.FailoverListener;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderState;
import dev.failover.api.SwitchReason;
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
          public void onRoutesApplied(RoutingState applied, ApplyOutcome outcome) {
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

  @Test
  void schedule_providerSuspect_fastCadenceThenBackToCheckInterval() {
    ScriptedPolicy policy = new ScriptedPolicy();
    FailoverEngine engine =
        engine()
            .policy(policy)
            .settings(
                new EngineSettings(
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(1),
                    100,
                    50,
                    3,
                    Duration.ofSeconds(1)))
            .build();
    started(engine);
    assertThat(engine.status().ticks()).isEqualTo(1);

    // Normal cadence while every provider is UP.
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(engine.status().ticks()).isEqualTo(2);

    // The tick at 10 s finds isp2 SUSPECT: from then on a tick every second.
    policy.set("isp2", ProviderState.SUSPECT);
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(engine.status().ticks()).isEqualTo(3);
    scheduler.advance(Duration.ofMillis(999));
    assertThat(engine.status().ticks()).isEqualTo(3);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(engine.status().ticks()).isEqualTo(4);
    scheduler.advance(Duration.ofSeconds(3));
    assertThat(engine.status().ticks()).isEqualTo(7);

    // The tick at 15 s finds it UP again: back to every 5 s.
    policy.set("isp2", ProviderState.UP);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(engine.status().ticks()).isEqualTo(8);
    assertThat(engine.status().interval()).isEqualTo(Duration.ofSeconds(5));
    scheduler.advance(Duration.ofMillis(4999));
    assertThat(engine.status().ticks()).isEqualTo(8);
    scheduler.advance(Duration.ofMillis(1));
    assertThat(engine.status().ticks()).isEqualTo(9);
    assertThat(scheduler.failures()).isEmpty();
  }

  @Test
  void linkChanged_running_decidesAtOnceOnTheCallingThreadWithoutProbing() {
    FakeTestScenario ping = new FakeTestScenario("ping");
    RecordingListener listener = new RecordingListener();
    FailoverEngine engine =
        TestEngines.with(clock, backend).scenario(ping).listener(listener).build();
    FailoverService service = started(engine);
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(engine.status().mainProviderId()).isEqualTo("isp1");
    int probes = ping.calls("isp1") + ping.calls("isp2") + ping.calls("isp3");
    int pending = scheduler.pendingCount();

    assertThat(service.linkChanged("eth1", false)).isTrue();

    assertThat(engine.status().mainProviderId()).as("before any task runs").isEqualTo("isp2");
    assertThat(scheduler.pendingCount()).as("nothing handed to the executor").isEqualTo(pending);
    assertThat(engine.status().ticks()).isEqualTo(2);
    assertThat(ping.calls("isp1") + ping.calls("isp2") + ping.calls("isp3")).isEqualTo(probes);
    assertThat(listener.switches.get(listener.switches.size() - 1).reason())
        .isEqualTo(SwitchReason.FAILOVER);
    assertThat(backend.lastApplied().orElseThrow().main()).contains(Fixtures.provider(2));
  }

  @Test
  void linkChanged_fromAListenerDuringATick_queuedAndMergedIntoOne() {
    FailoverService[] service = new FailoverService[1];
    AtomicInteger reported = new AtomicInteger();
    FailoverEngine engine =
        engine()
            .listener(
                new FailoverListener() {
                  @Override
                  public void onRoundRecorded(Provider provider, ProbeRound round) {
                    // Two links go down while the second tick holds the decision lock.
                    if (service[0] != null && reported.getAndIncrement() == 0) {
                      service[0].linkChanged("eth1", false);
                      service[0].linkChanged("eth2", false);
                    }
                  }
                })
            .build();
    service[0] = started(engine);
    int attempts = backend.attempts();

    scheduler.advance(Duration.ofSeconds(5));

    // The tick's own step sees both links down; the two requests became one decision after it.
    assertThat(backend.attempts()).isEqualTo(attempts + 2);
    assertThat(engine.status().mainProviderId()).isEqualTo("isp3");
    assertThat(engine.status().ranking()).containsExactly("isp3", "isp1", "isp2");
  }

  @Test
  void linkChanged_unknownInterfaceOrRepeat_nothingScheduled() {
    FailoverEngine engine = engine().build();
    FailoverService service = started(engine);
    int pending = scheduler.pendingCount();

    assertThat(service.linkChanged("wlan0", false)).isFalse();
    assertThat(service.linkChanged("eth1", true)).isFalse();

    assertThat(scheduler.pendingCount()).isEqualTo(pending);
  }

  @Test
  void linkChanged_notStarted_recordedForTheFirstTick() {
    FailoverEngine engine = engine().build();
    FailoverService service = new FailoverService(engine, scheduler);

    assertThat(service.linkChanged("eth1", false)).isFalse();
    assertThat(engine.linkUsable("isp1")).isFalse();
    started(engine);

    assertThat(engine.status().mainProviderId()).isEqualTo("isp2");
  }
}
