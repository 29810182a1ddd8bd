package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.base.Ticker;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.api.SwitchReason;
import dev.failover.api.TestResult;
import dev.failover.launcher.systemd.NotifyReceiver;
import dev.failover.launcher.systemd.SystemdNotify;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeScheduler;
import dev.failover.testkit.TestProviders;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link SystemdNotifier}: what systemd hears, on a real unix datagram socket. */
class SystemdNotifierTest {
  private static final long PID = ProcessHandle.current().pid();
  private static final Instant NOW = Instant.parse("2026-12-06T15:00:00Z");

  private final List<Provider> providers = TestProviders.withSharedGateway(2);
  private final RoutingState state = RoutingState.ranked(providers, 100);
  private final FakeScheduler tickThread = new FakeScheduler();
  private final NotifyReceiver systemd = NotifyReceiver.abstractSocket();

  @AfterEach
  void close() throws Exception {
    systemd.close();
  }

  private SystemdNotifier notifier(String... environment) {
    return new SystemdNotifier(
        SystemdNotify.fromEnvironment(systemd.environment(environment), PID),
        tickThread,
        Duration.ofMillis(200));
  }

  private MainProviderSwitched switched(int to, SwitchReason reason, String detail) {
    return new MainProviderSwitched(null, providers.get(to), reason, detail, NOW);
  }

  @Test
  void onRoutesApplied_first_saysReadyWithTheMainProviderAndWhy() {
    SystemdNotifier notifier = notifier();
    notifier.onMainProviderSwitched(switched(0, SwitchReason.STARTUP, "the first decision"));
    assertThat(systemd.drain()).isEmpty();

    notifier.onRoutesApplied(state, ApplyOutcome.complete());

    assertThat(systemd.drain())
        .containsExactly(
            "READY=1\nSTATUS=main provider '"
                + providers.get(0).id()
                + "' (startup: the first decision)");
  }

  @Test
  void onMainProviderSwitched_afterReady_updatesTheStatus() {
    SystemdNotifier notifier = notifier();
    notifier.onRoutesApplied(state, ApplyOutcome.complete());
    systemd.drain();

    notifier.onMainProviderSwitched(
        switched(1, SwitchReason.FAILOVER, "provider 'a' is DOWN: 3 consecutive failures"));

    assertThat(systemd.drain())
        .containsExactly(
            "STATUS=main provider '"
                + providers.get(1).id()
                + "' (failover: provider 'a' is DOWN: 3 consecutive failures)");
  }

  @Test
  void onApplyFailed_first_isReadyAndSaysTheApplyFailed() {
    SystemdNotifier notifier = notifier();

    notifier.onApplyFailed(state, new RouteBackendException("isp1", "no such device eth9"));

    assertThat(systemd.drain())
        .singleElement()
        .asString()
        .startsWith("READY=1\nSTATUS=no main provider yet; applying the routes failed, retrying:")
        .contains("no such device eth9");
  }

  @Test
  void watchdog_fromTheFirstTick_pingsOnTheTickThreadEveryThirdOfTheInterval() {
    SystemdNotifier notifier = notifier("WATCHDOG_USEC", "3000000");
    tickThread.runDueTasks();
    assertThat(systemd.drain()).isEmpty();

    notifier.onRoundRecorded(
        providers.get(0), ProbeRound.of(NOW, TestResult.success(Duration.ofMillis(3))));
    tickThread.runDueTasks();
    assertThat(systemd.drain()).containsExactly("WATCHDOG=1");
    tickThread.advance(Duration.ofSeconds(1));
    tickThread.advance(Duration.ofSeconds(1));

    assertThat(systemd.drain()).containsExactly("WATCHDOG=1", "WATCHDOG=1");
  }

  @Test
  void watchdog_ipv6TickThreadRunning_pingsAsWithOneThread() {
    FakeScheduler ipv6TickThread = new FakeScheduler(tickThread.clock());
    SystemdNotifier notifier = dualStackNotifier(ipv6TickThread, "WATCHDOG_USEC", "3000000");
    notifier.onRoundRecorded(
        providers.get(0), ProbeRound.of(NOW, TestResult.success(Duration.ofMillis(3))));

    for (int second = 0; second < 5; second++) {
      ipv6TickThread.runDueTasks();
      tickThread.advance(Duration.ofSeconds(1));
    }

    assertThat(systemd.drain()).hasSize(6).containsOnly("WATCHDOG=1");
  }

  @Test
  void watchdog_ipv6TickThreadHung_stopsPingingOnceItsHeartbeatIsOlderThanTheInterval() {
    // The IPv6 thread never runs its tasks: a tick of its that never returns.
    FakeScheduler ipv6TickThread = new FakeScheduler(tickThread.clock());
    SystemdNotifier notifier = dualStackNotifier(ipv6TickThread, "WATCHDOG_USEC", "3000000");
    notifier.onRoundRecorded(
        providers.get(0), ProbeRound.of(NOW, TestResult.success(Duration.ofMillis(3))));

    tickThread.advance(Duration.ofSeconds(3));
    assertThat(systemd.drain())
        .containsExactly("WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1", "WATCHDOG=1");
    tickThread.advance(Duration.ofSeconds(5));

    assertThat(systemd.drain()).isEmpty();
  }

  private SystemdNotifier dualStackNotifier(FakeScheduler ipv6TickThread, String... environment) {
    FakeClock clock = tickThread.clock();
    return new SystemdNotifier(
        SystemdNotify.fromEnvironment(systemd.environment(environment), PID),
        tickThread,
        List.of(ipv6TickThread),
        Duration.ofMillis(200),
        new Ticker() {
          @Override
          public long read() {
            return clock.nanoTime();
          }
        });
  }

  @Test
  void watchdog_notAskedFor_schedulesNothing() {
    SystemdNotifier notifier = notifier();

    notifier.onRoundRecorded(
        providers.get(0), ProbeRound.of(NOW, TestResult.success(Duration.ofMillis(3))));

    assertThat(tickThread.pendingCount()).isZero();
  }
}
