package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.TestCaseConfig;
import dev.failover.testkit.FakeTestScenario;
import dev.failover.testkit.TestProviders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link UplinkTrackFile} in the daemon's graph, with fakes, on a fake scheduler. */
class UplinkTrackFileTest {
  @TempDir Path dir;

  private final List<Provider> providers = TestProviders.withSharedGateway(2);
  private final FakeTestScenario scenario = new FakeTestScenario("fake");

  private FailoverConfig.Builder builder() {
    return FailoverConfig.builder()
        .providers(providers)
        .testCases(List.of(new TestCaseConfig("fake", Map.of())))
        .statusFile(dir.resolve("status.json"))
        .stickyProviderFilename(dir.resolve("sticky.provider"))
        .hooksDir(dir.resolve("hooks.d"))
        .httpListen("");
  }

  private TestFailoverComponent started(FailoverConfig config) {
    TestFailoverComponent component = TestFailoverComponent.create(config, scenario);
    component.daemon().startAsync();
    component.scheduler().runDueTasks();
    return component;
  }

  @Test
  void daemon_aUsableUplink_writesZero() throws Exception {
    Path file = dir.resolve("uplink");

    started(builder().keepalivedTrackFile(file).build());

    assertThat(file).hasContent("0");
  }

  @Test
  void daemon_linksOfEveryProviderGoDownAndOneComesBack_writesOneThenZero() throws Exception {
    Path file = dir.resolve("uplink");
    TestFailoverComponent component = started(builder().keepalivedTrackFile(file).build());

    component.links().change(providers.get(0).interfaceName(), false);
    component.links().change(providers.get(1).interfaceName(), false);
    component.scheduler().runDueTasks();
    assertThat(file).hasContent("1");

    component.links().change(providers.get(1).interfaceName(), true);
    component.scheduler().runDueTasks();
    assertThat(file).hasContent("0");
  }

  @Test
  void daemon_firstDecisionHeld_writesNothingUntilItIsMade() throws Exception {
    Path file = dir.resolve("uplink");
    scenario.always(providers.get(0).id(), TestResult.failure(Duration.ofMillis(5), "down"));
    FailoverConfig config = builder().keepalivedTrackFile(file).build();
    TestFailoverComponent component = started(config);
    // The first provider is not judged after one failed round, so the decision waits.
    assertThat(file).doesNotExist();

    component.scheduler().advance(config.fastCheckInterval());
    component.scheduler().advance(config.fastCheckInterval());

    assertThat(file).hasContent("0");
  }

  @Test
  void daemon_everyProviderFails_writesOne() throws Exception {
    Path file = dir.resolve("uplink");
    for (Provider p : providers) {
      scenario.always(p.id(), TestResult.failure(Duration.ofMillis(5), "down"));
    }
    FailoverConfig config = builder().keepalivedTrackFile(file).build();
    TestFailoverComponent component = started(config);

    component.scheduler().advance(config.fastCheckInterval());
    component.scheduler().advance(config.fastCheckInterval());

    assertThat(file).hasContent("1");
  }

  /** Issue 15: failover never overwrites a file it did not write, nor writes through a link. */
  @Test
  void daemon_trackPathHoldsAnotherFileOrALink_leavesThemAlone() throws Exception {
    Path notes = Files.writeString(dir.resolve("notes"), "important\n");
    Path link = Files.createSymbolicLink(dir.resolve("uplink"), notes);

    started(builder().keepalivedTrackFile(link).build());

    assertThat(notes).hasContent("important\n");
    assertThat(Files.isSymbolicLink(link)).isTrue();
  }

  @Test
  void daemon_noTrackFileConfigured_writesNone() throws Exception {
    started(builder().build());

    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).doesNotContain("uplink");
    }
  }
}
