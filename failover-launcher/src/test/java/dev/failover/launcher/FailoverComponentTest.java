package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.Provider;
import dev.failover.api.RoutingState;
import dev.failover.api.TestResult;
import dev.failover.core.EngineStatus;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.TestCaseConfig;
import dev.failover.launcher.status.StatusDocument;
import dev.failover.launcher.status.StatusFile;
import dev.failover.testkit.FakeScheduler;
import dev.failover.testkit.FakeTestScenario;
import dev.failover.testkit.TestProviders;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds the daemon's Dagger graph with fakes and drives it on a {@link FakeScheduler}. */
class FailoverComponentTest {
  @TempDir Path dir;

  private final List<Provider> providers = TestProviders.withSharedGateway(2);
  private final FakeTestScenario scenario = new FakeTestScenario("fake");

  /** The defaults (policy damped: one successful first round makes a provider UP). */
  private FailoverConfig config() {
    return builder().build();
  }

  private FailoverConfig.Builder builder() {
    return FailoverConfig.builder()
        .providers(providers)
        .testCases(List.of(new TestCaseConfig("fake", java.util.Map.of())))
        .statusFile(dir.resolve("status.json"))
        .stickyProviderFilename(dir.resolve("sticky.provider"))
        .hooksDir(dir.resolve("hooks.d"))
        .httpListen("");
  }

  /**
   * The first decision waits until the first provider, failing from the start, is judged DOWN (3
   * failed rounds, 0.2 s apart while it is in doubt); then the second is main.
   */
  @Test
  void daemon_firstProviderDownFromTheStart_appliesTheSecondAsMainOnceItIsJudged()
      throws Exception {
    scenario.always(providers.get(0).id(), TestResult.failure(Duration.ofMillis(5), "down"));
    FailoverConfig config = config();
    TestFailoverComponent component = TestFailoverComponent.create(config, scenario);
    FailoverDaemon daemon = component.daemon();
    FakeScheduler scheduler = component.scheduler();

    daemon.startAsync();
    scheduler.runDueTasks();
    assertThat(component.backend().lastApplied()).isEmpty();
    scheduler.advance(config.fastCheckInterval());
    scheduler.advance(config.fastCheckInterval());

    assertThat(scheduler.failures()).isEmpty();
    assertThat(daemon.engine().status().ticks()).isEqualTo(3);
    RoutingState applied = component.backend().lastApplied().orElseThrow();
    assertThat(applied.main()).contains(providers.get(1));
    assertThat(applied.routes().get(0).metric()).isEqualTo(100);
    assertThat(scenario.calls(providers.get(0).id())).isEqualTo(3);
  }

  @Test
  void daemon_afterATick_writesTheStatusFile() throws Exception {
    // A check interval longer than the status writer's period, so that one tick runs before it.
    FailoverConfig config = builder().checkInterval(Duration.ofSeconds(5)).build();
    TestFailoverComponent component = TestFailoverComponent.create(config, scenario);
    FailoverDaemon daemon = component.daemon();
    daemon.startAsync();
    component.scheduler().runDueTasks();

    component.scheduler().advance(Duration.ofMillis(StatusPublisher.MAX_POLL_MILLIS));

    StatusDocument status = new StatusFile(dir.resolve("status.json")).readDocument().orElseThrow();
    assertThat(status.running()).isTrue();
    assertThat(status.engine().ticks()).isEqualTo(1);
    assertThat(status.engine().mainProvider()).contains(providers.get(0).id());
    assertThat(status.engine().providers()).hasSize(2);
    assertThat(status.engine().providers().get(0).eligible()).isTrue();
    assertThat(status.engine().providers().get(0).linkUsable()).isTrue();
    assertThat(status.checkInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(status.engine().interval()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void daemon_stopped_writesAFinalStatusAndLeavesTheRoutes() throws Exception {
    TestFailoverComponent component = TestFailoverComponent.create(config(), scenario);
    FailoverDaemon daemon = component.daemon();
    daemon.startAsync();
    component.scheduler().runDueTasks();
    RoutingState before = component.backend().lastApplied().orElseThrow();

    daemon.stopAsync();
    component.scheduler().runDueTasks();

    assertThat(daemon.awaitStopped(Duration.ofSeconds(5))).isTrue();
    assertThat(daemon.failed()).isFalse();
    assertThat(component.backend().lastApplied()).contains(before);
    StatusDocument status = new StatusFile(dir.resolve("status.json")).readDocument().orElseThrow();
    assertThat(status.running()).isFalse();
  }

  @Test
  void startAsync_always_preparesTheTablesOnceBeforeTheFirstTick() throws Exception {
    TestFailoverComponent component = TestFailoverComponent.create(config(), scenario);
    FailoverDaemon daemon = component.daemon();

    daemon.startAsync();

    assertThat(component.preparation().calls()).isEqualTo(1);
    assertThat(daemon.engine().status().ticks()).isZero();
    assertThat(component.backend().lastApplied()).isEmpty();
    component.scheduler().runDueTasks();
    component.scheduler().advance(Duration.ofSeconds(2));
    assertThat(daemon.engine().status().ticks()).isGreaterThan(1);
    assertThat(component.preparation().calls()).isEqualTo(1);
  }

  @Test
  void daemon_stickyFileNamesTheSecondProvider_appliesItAsMain() throws Exception {
    java.nio.file.Files.writeString(dir.resolve("sticky.provider"), providers.get(1).id() + "\n");
    TestFailoverComponent component = TestFailoverComponent.create(config(), scenario);

    component.daemon().startAsync();
    component.scheduler().runDueTasks();

    assertThat(component.backend().lastApplied().orElseThrow().main()).contains(providers.get(1));
  }

  @Test
  void daemon_linkOfTheFirstProviderDownAtStart_firstTickMakesTheSecondMain() throws Exception {
    TestFailoverComponent component = TestFailoverComponent.create(config(), scenario);
    component.links().initially(providers.get(0).interfaceName(), false);

    component.daemon().startAsync();
    component.scheduler().runDueTasks();

    assertThat(component.links().starts()).isEqualTo(1);
    assertThat(component.backend().lastApplied().orElseThrow().main()).contains(providers.get(1));
    EngineStatus.ProviderReport first =
        component.daemon().engine().status().provider(providers.get(0).id()).orElseThrow();
    assertThat(first.eligible()).isTrue();
    assertThat(first.linkUsable()).isFalse();
  }

  @Test
  void daemon_linkOfTheMainGoesDown_switchesAtOnceWithoutProbing() throws Exception {
    TestFailoverComponent component = TestFailoverComponent.create(config(), scenario);
    component.daemon().startAsync();
    component.scheduler().runDueTasks();
    assertThat(component.backend().lastApplied().orElseThrow().main()).contains(providers.get(0));

    component.links().change(providers.get(0).interfaceName(), false);
    component.scheduler().runDueTasks();

    assertThat(component.backend().lastApplied().orElseThrow().main()).contains(providers.get(1));
    assertThat(component.daemon().engine().status().ticks()).isEqualTo(1);
    assertThat(scenario.calls(providers.get(0).id())).isEqualTo(1);
  }

  @Test
  void daemon_aSilentProviderInDoubt_ticksSoonerThanTheFastCheckInterval() throws Exception {
    scenario.always(providers.get(0).id(), TestResult.failure(Duration.ofMillis(5), "down"));
    TestFailoverComponent component = TestFailoverComponent.create(config(), scenario);
    component.daemon().startAsync();
    component.scheduler().runDueTasks();
    // One round without an answer: the first provider is not judged yet (in doubt) and silent, so
    // the next round is hurried to three quarters of fast_check_interval.
    Duration hurried = FailoverConfig.DEFAULT_FAST_CHECK_INTERVAL.multipliedBy(3).dividedBy(4);
    assertThat(component.daemon().engine().status().interval()).isEqualTo(hurried);

    component.scheduler().advance(hurried);

    assertThat(component.daemon().engine().status().ticks()).isEqualTo(2);
  }

  /** The original policy knows no state of doubt after its first round: one cadence, as before. */
  @Test
  void daemon_originalPolicy_keepsTheCheckInterval() throws Exception {
    scenario.always(providers.get(0).id(), TestResult.failure(Duration.ofMillis(5), "down"));
    FailoverConfig config =
        builder().policy("original").checkInterval(Duration.ofSeconds(5)).build();
    TestFailoverComponent component = TestFailoverComponent.create(config, scenario);
    component.daemon().startAsync();
    component.scheduler().runDueTasks();

    component.scheduler().advance(Duration.ofSeconds(1));

    assertThat(component.daemon().engine().status().interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(component.daemon().engine().status().ticks()).isEqualTo(1);
  }

  @Test
  void daemon_stopped_stopsTheLinkWatch() throws Exception {
    TestFailoverComponent component = TestFailoverComponent.create(config(), scenario);
    FailoverDaemon daemon = component.daemon();
    daemon.startAsync();
    component.scheduler().runDueTasks();

    daemon.stopAsync();
    component.scheduler().runDueTasks();

    assertThat(daemon.awaitStopped(Duration.ofSeconds(5))).isTrue();
    assertThat(component.links().stops()).isEqualTo(1);
  }

  @Test
  void daemon_stopped_closesTheRouteBackend() throws Exception {
    TestFailoverComponent component = TestFailoverComponent.create(config(), scenario);
    FailoverDaemon daemon = component.daemon();
    daemon.startAsync();
    component.scheduler().runDueTasks();
    assertThat(component.closingBackend().closes()).isZero();

    daemon.stopAsync();
    component.scheduler().runDueTasks();

    assertThat(daemon.awaitStopped(Duration.ofSeconds(5))).isTrue();
    assertThat(component.closingBackend().closes()).isEqualTo(1);
  }
}
