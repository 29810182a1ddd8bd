package dev.failover.core.regression;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.MoreExecutors;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import dev.failover.core.DampedPolicy;
import dev.failover.core.EngineSettings;
import dev.failover.core.FailoverEngine;
import dev.failover.core.Fixtures;
import dev.failover.core.RecordingListener;
import dev.failover.core.StickySource;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeRouteBackend;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, item 5: after a clean recovery, failback takes the recovery rule plus {@code
 * failback_dwell}, not an extra window's age (before: 54 s with {@code failback_dwell = 30} at the
 * default cadence, because the recover rule waited for the failed rounds to leave the 50-round
 * window). The engine runs the damped policy with the daemon's default cadences (0.5 s, 0.2 s while
 * a provider is in doubt or a test runs) over two providers with two targets each; the primary is
 * blackholed for 10 s, then answers every probe again.
 */
class Issue11FailbackTest {
  private static final Duration BLACKHOLE = Duration.ofSeconds(10);

  private final FakeClock clock = new FakeClock();
  private final Instant blackholeStart = clock.instant().plusSeconds(20);
  private final Instant blackholeEnd = blackholeStart.plus(BLACKHOLE);
  private final ExecutorService executor = MoreExecutors.newDirectExecutorService();
  private final RecordingListener listener = new RecordingListener();

  @AfterEach
  void shutDown() {
    executor.shutdownNow();
  }

  /** A target that every provider reaches, but the primary not during the blackhole. */
  private TestScenario target(String name) {
    return new TestScenario() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public TestResult check(Provider provider, Duration timeout) {
        Instant now = clock.instant();
        boolean blackholed =
            provider.id().equals("isp1")
                && !now.isBefore(blackholeStart)
                && now.isBefore(blackholeEnd);
        return blackholed ? TestResult.timeout(timeout) : TestResult.success(Duration.ofMillis(20));
      }
    };
  }

  @Test
  void failback_afterATenSecondBlackhole_onceWithinTheDwellPlusTheRecoveryTest() {
    Set<TestScenario> targets = new LinkedHashSet<>(List.of(target("a"), target("b")));
    FailoverEngine engine =
        new FailoverEngine(
            new EngineSettings(Duration.ofMillis(500), Duration.ofMillis(200), 100, 50, 1000)
                .withFastCheckInterval(Duration.ofMillis(200)),
            Providers.of(Fixtures.providers(2)),
            targets,
            DampedPolicy.withDefaults(),
            new FakeRouteBackend(),
            StickySource.none(),
            Set.of(listener),
            executor,
            clock,
            Fixtures.ticker(clock));

    while (clock.instant().isBefore(blackholeEnd.plusSeconds(120))) {
      engine.runOnce();
      clock.advance(engine.nextTickDelay());
    }

    List<MainProviderSwitched> switches = listener.switches;
    // The first decision, away from isp1, back to it: exactly once each way.
    assertThat(switches).hasSize(3);
    assertThat(switches.get(1).to().id()).isEqualTo("isp2");
    assertThat(switches.get(2).to().id()).isEqualTo("isp1");
    Duration failback = Duration.between(blackholeEnd, switches.get(2).at());
    // The first answered round within 0.5 s, then 24 more at 0.1 s (the cadence of a running
    // test) for the 50 answered probes of the recovery test, then the 30 s dwell: 32.4 to 32.9 s,
    // well within dwell + 10 s.
    assertThat(failback).isBetween(Duration.ofMillis(32_400), Duration.ofMillis(32_900));
  }
}
