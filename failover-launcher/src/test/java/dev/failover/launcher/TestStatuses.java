package dev.failover.launcher;

import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.core.EngineStatus;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.TestCaseConfig;
import dev.failover.testkit.FakeTestScenario;
import dev.failover.testkit.TestProviders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Real {@link EngineStatus}es for tests of other packages, made by the daemon's graph with fakes
 * rather than by the record's constructor, so that they follow failover-core's changes.
 */
public final class TestStatuses {
  private TestStatuses() {}

  /** The providers of {@link #afterOneTick}: {@code TestProviders.withSharedGateway(2)}. */
  public static List<Provider> providers() {
    return TestProviders.withSharedGateway(2);
  }

  /**
   * The status after one tick in which the first provider timed out and the second succeeded in 10
   * ms, with the sticky file in {@code folder} forcing the second provider.
   */
  public static EngineStatus afterOneTick(Path folder) throws IOException {
    List<Provider> providers = providers();
    Files.writeString(folder.resolve("sticky.provider"), providers.get(1).id() + "\n");
    FakeTestScenario scenario =
        new FakeTestScenario("fake")
            .always(providers.get(0).id(), TestResult.timeout(Duration.ofSeconds(1)));
    FailoverConfig config =
        FailoverConfig.builder()
            .providers(providers)
            .testCases(List.of(new TestCaseConfig("fake", Map.of())))
            .statusFile(folder.resolve("engine-status.json"))
            .stickyProviderFilename(folder.resolve("sticky.provider"))
            .hooksDir(folder.resolve("hooks.d"))
            .httpListen("")
            .build();
    TestFailoverComponent component = TestFailoverComponent.create(config, scenario);
    component.daemon().startAsync();
    component.scheduler().runDueTasks();
    return component.daemon().engine().status();
  }
}
