package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.MoreExecutors;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.Providers;
import dev.failover.api.TestScenario;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeRouteBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 2: timeouts that follow the link. The engine with the default cadences (0.5 s,
 * 0.2 s while in doubt), the damped policy, adaptive timeouts (0.1 s to 1 s), two providers and
 * two ping-like targets each, all in fake time ({@link FakeEchoScenario}): a primary whose round
 * trip jumps by 300 ms at once keeps answering and is never left; a silent primary is still found
 * within the blackhole bound.
 */
class FailoverEngineAdaptiveTimeoutTest {
  private final FakeClock clock = new FakeClock();
  private final ExecutorService executor = MoreExecutors.newDirectExecutorService();
  private final RecordingListener listener = new RecordingListener();
  private final FakeEchoScenario a = new FakeEchoScenario("a", clock);
  private final FakeEchoScenario b = new FakeEchoScenario("b", clock);
  private final FailoverEngine engine =
      new FailoverEngine(
          new EngineSettings(Duration.ofMillis(500), Duration.ofMillis(200), 100, 50, 1000)
              .withFastCheckInterval(Duration.ofMillis(200)),
          ProbeTimeouts.adaptiveDefaults(),
          Providers.of(Fixtures.providers(2)),
          new LinkedHashSet<TestScenario>(List.of(a, b)),
          DampedPolicy.withDefaults(),
          new FakeRouteBackend(),
          StickySource.none(),
          Set.of(listener),
          executor,
          clock,
          Fixtures.ticker(clock));

  @AfterEach
  void shutDown() {
    executor.shutdownNow();
  }

  private void runFor(Duration duration) {
    Instant end = clock.instant().plus(duration);
    while (clock.instant().isBefore(end)) {
      engine.runOnce();
      clock.advance(engine.nextTickDelay());
      a.deliverDue();
      b.deliverDue();
    }
  }

  private List<ProviderState> statesOfIsp1Since(int from) {
    List<ProviderState> states = new ArrayList<>();
    List<ProviderStateChanged> changes = listener.stateChanges;
    for (int i = from; i < changes.size(); i++) {
      if (changes.get(i).provider().id().equals("isp1")) {
        states.add(changes.get(i).to().state());
      }
    }
    return states;
  }

  @Test
  void runOnce_roundTripJumpsBy300Ms_primaryKeptAndTimeoutFollows() {
    runFor(Duration.ofSeconds(20));
    assertThat(listener.switches).hasSize(1);
    int changesBefore = listener.stateChanges.size();

    a.rtt("isp1", Duration.ofMillis(320));
    b.rtt("isp1", Duration.ofMillis(320));
    runFor(Duration.ofSeconds(60));

    // The first decision only: no switch away, none back.
    assertThat(listener.switches).hasSize(1);
    assertThat(statesOfIsp1Since(changesBefore)).doesNotContain(ProviderState.DOWN);
    assertThat(engine.status().provider("isp1").orElseThrow().state()).isEqualTo(ProviderState.UP);
    assertThat(engine.status().provider("isp1").orElseThrow().meanLatency())
        .isEqualTo(Duration.ofMillis(320));
  }

  @Test
  void runOnce_primaryGoesSilent_leftWithinOneSecondWhereverTheBlackholeFalls() {
    List<Duration> detections = new ArrayList<>();
    runFor(Duration.ofSeconds(20));
    for (int phase = 0; phase < 480; phase += 40) {
      // The blackhole falls `phase` ms before the next tick at the normal cadence; each run starts
      // from a healthy primary.
      engine.runOnce();
      // 0.5 s less the 20 ms the round waited for its replies.
      Duration delay = engine.nextTickDelay();
      assertThat(delay).isEqualTo(Duration.ofMillis(480));
      clock.advance(delay.minusMillis(phase));
      Instant blackhole = clock.instant();
      a.silent("isp1");
      b.silent("isp1");
      clock.advance(Duration.ofMillis(phase));
      int switchesBefore = listener.switches.size();
      while (listener.switches.size() == switchesBefore) {
        engine.runOnce();
        clock.advance(engine.nextTickDelay());
        a.deliverDue();
        b.deliverDue();
      }
      MainProviderSwitched away = listener.switches.get(switchesBefore);
      assertThat(away.to().id()).isEqualTo("isp2");
      detections.add(Duration.between(blackhole, away.at()));
      a.rtt("isp1", Duration.ofMillis(20));
      b.rtt("isp1", Duration.ofMillis(20));
      runFor(Duration.ofSeconds(120));
      assertThat(engine.status().mainProvider()).hasValue("isp1");
    }

    // The next round `phase` later, judged lost after the 0.1 s floor; two more rounds hurried to
    // 0.15 s apart after a silent one: phase + 0.4 s, so at most 0.88 s, 0.64 s in the middle of
    // the cadence.
    for (int i = 0; i < detections.size(); i++) {
      assertThat(detections.get(i)).isEqualTo(Duration.ofMillis(40L * i + 400));
    }
  }
}
