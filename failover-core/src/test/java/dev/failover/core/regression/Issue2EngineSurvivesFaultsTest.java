package dev.failover.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.FailoverListener;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.api.RouteBackend;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.core.EngineStatus;
import dev.failover.core.FailoverEngine;
import dev.failover.core.FailoverService;
import dev.failover.core.OriginalPolicy;
import dev.failover.core.TestEngines;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeScheduler;
import dev.failover.testkit.FakeTestScenario;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 2: "survives any exception from a probe, a policy or the backend". A policy, a listener, a
 * backend and a probe that all throw, for a while, never stop the scheduled engine; once they
 * recover, the engine decides and applies as if nothing had happened.
 */
class Issue2EngineSurvivesFaultsTest {
  private static final Duration INTERVAL = Duration.ofSeconds(5);

  /** Switched on and off by the test: while on, every collaborator throws. */
  private volatile boolean broken = true;

  @Test
  void scheduledEngine_everyCollaboratorThrows_keepsTickingAndRecovers() {
    FakeClock clock = new FakeClock();
    FakeScheduler scheduler = new FakeScheduler(clock);
    ReliabilityPolicy original = OriginalPolicy.withDefaults();
    ReliabilityPolicy policy =
        new ReliabilityPolicy() {
          @Override
          public String name() {
            return "breakable";
          }

          @Override
          public Map<String, ProviderStatus> assess(
              List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
            if (broken) {
              throw new IllegalStateException("policy bug");
            }
            return original.assess(histories, previous, now);
          }
        };
    List<RoutingState> applied = new ArrayList<>();
    RouteBackend backend =
        desired -> {
          if (broken) {
            throw new RouteBackendException("isp1", "ip route replace failed");
          }
          applied.add(desired);
          return ApplyOutcome.complete();
        };
    FailoverListener listener =
        new FailoverListener() {
          @Override
          public void onProviderStateChanged(ProviderStateChanged event) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onMainProviderSwitched(MainProviderSwitched event) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void onApplyFailed(RoutingState desired, RouteBackendException failure) {
            throw new IllegalStateException("listener bug");
          }
        };
    FakeTestScenario probe = new FakeTestScenario("ping");
    probe.alwaysThrow("isp1", new IllegalStateException("probe bug"));
    FailoverEngine engine =
        TestEngines.with(clock, backend).scenario(probe).policy(policy).listener(listener).build();
    FailoverService service = new FailoverService(engine, scheduler);
    service.startAsync();
    scheduler.runDueTasks();

    scheduler.advance(INTERVAL.multipliedBy(19));
    EngineStatus whileBroken = engine.status();

    broken = false;
    probe.always("isp1", dev.failover.api.TestResult.success(Duration.ofMillis(5)));
    scheduler.advance(INTERVAL.multipliedBy(3));
    EngineStatus recovered = engine.status();

    assertThat(whileBroken.ticks()).isEqualTo(20);
    assertThat(whileBroken.lastApplyError()).contains("ip route replace failed");
    assertThat(applied).isNotEmpty();
    assertThat(applied.get(applied.size() - 1).main()).hasValueSatisfying(
        p -> assertThat(p.id()).isEqualTo("isp1"));
    assertThat(recovered.ticks()).isEqualTo(23);
    assertThat(recovered.lastApplyError()).isNull();
    assertThat(recovered.provider("isp1").orElseThrow().eligible()).isTrue();
    assertThat(service.isRunning()).isTrue();
    assertThat(scheduler.failures()).isEmpty();
  }
}
