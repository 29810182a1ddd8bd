package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.api.Provider;
import dev.failover.api.RoutingState;
import dev.failover.api.TestResult;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.TestCaseConfig;
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

  private FailoverConfig config() {
    return FailoverConfig.builder()
        .providers(providers)
        .testCases(List.of(new TestCaseConfig("fake", java.util.Map.of())))
        .checkInterval(Duration.ofSeconds(5))
        // One successful round makes a provider reliable, so that one tick decides.
        .minConsecutiveSucceededChecks(0)
        .statusFile(dir.resolve("status.json"))
        .stickyProviderFilename(dir.resolve("sticky.provider"))
        .build();
  }

  @Test
  void daemon_oneTickWithTheFirstProviderDown_appliesTheSecondAsMain() throws Exception {
    scenario.always(providers.get(0).id(), TestResult.failure(Duration.ofMillis(5), "down"));
    TestFailoverComponent component = TestFailoverComponent.create(config(), scenario);
    FailoverDaemon daemon = component.daemon();
    FakeScheduler scheduler = component.scheduler();

    daemon.startAsync();
    scheduler.runDueTasks();

    assertThat(scheduler.failures()).isEmpty();
    assertThat(daemon.engine().status().ticks()).isEqualTo(1);
    RoutingState applied = component.backend().lastApplied().orElseThrow();
    assertThat(applied.main()).contains(providers.get(1));
    assertThat(applied.routes().get(0).metric()).isEqualTo(100);
    assertThat(scenario.calls(providers.get(0).id())).isEqualTo(1);
  }

  @Test
  void daemon_afterATick_writesTheStatusFile() throws Exception {
    TestFailoverComponent component = TestFailoverComponent.create(config(), scenario);
    FailoverDaemon daemon = component.daemon();
    daemon.startAsync();
    component.scheduler().runDueTasks();

    component.scheduler().advance(Duration.ofMillis(StatusPublisher.MAX_POLL_MILLIS));

    ObjectNode status = new StatusFile(dir.resolve("status.json")).read().orElseThrow();
    assertThat(status.path("running").asBoolean()).isTrue();
    assertThat(status.path("ticks").asLong()).isEqualTo(1);
    assertThat(status.path("main").path("provider").asText()).isEqualTo(providers.get(0).id());
    assertThat(status.path("providers")).hasSize(2);
    assertThat(status.path("providers").get(0).path("reliable").asBoolean()).isTrue();
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
    ObjectNode status = new StatusFile(dir.resolve("status.json")).read().orElseThrow();
    assertThat(status.path("running").asBoolean()).isFalse();
  }

  @Test
  void daemon_stickyFileNamesTheSecondProvider_appliesItAsMain() throws Exception {
    java.nio.file.Files.writeString(dir.resolve("sticky.provider"), providers.get(1).id() + "\n");
    TestFailoverComponent component = TestFailoverComponent.create(config(), scenario);

    component.daemon().startAsync();
    component.scheduler().runDueTasks();

    assertThat(component.backend().lastApplied().orElseThrow().main()).contains(providers.get(1));
  }
}
