package dev.failover.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.Ipv4;
import dev.failover.api.Provider;
import dev.failover.api.ScenarioSettings;
import dev.failover.api.TestScenario;
import dev.failover.api.TestScenarioFactory;
import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.Policies;
import dev.failover.launcher.config.ScenarioFactories;
import dev.failover.launcher.config.TestCaseConfig;
import dev.failover.testkit.FakeTestScenario;
import dev.failover.testkit.TestProviders;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The config written for a lab loads back into the same providers and settings. */
class LabConfigTest {

  @Test
  void toml_loadedBack_holdsTheProvidersTargetsAndFilesAndTheDefaults() throws Exception {
    List<Provider> providers = TestProviders.withSharedGateway(3);
    Path folder = Path.of("/tmp/lab \"quoted\"");
    String toml =
        LabConfig.toml(providers, List.of(Ipv4.parse("192.0.2.1")), folder);

    FailoverConfig config =
        new ConfigLoader(dir -> ScenarioFactories.of(List.of(new Ping()))).parse(toml, folder);

    assertThat(config.providers()).isEqualTo(providers);
    assertThat(config.checkInterval()).isEqualTo(FailoverConfig.DEFAULT_CHECK_INTERVAL);
    assertThat(config.policy()).isEqualTo(Policies.DEFAULT);
    assertThat(config.statusFile()).isEqualTo(folder.resolve("status.json"));
    assertThat(config.stickyProviderFilename()).isEqualTo(folder.resolve("sticky.provider"));
    assertThat(config.hooksDir()).isEqualTo(folder.resolve("hooks.d"));
    assertThat(config.testCases())
        .containsExactly(
            new TestCaseConfig("ping", Map.of("target", "192.0.2.1")));
  }

  @Test
  void toml_withSettings_setsThemAndLeavesTheRestAtTheirDefaults() throws Exception {
    List<Provider> providers = TestProviders.withSharedGateway(2);
    Path folder = Path.of("/tmp/lab");
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    settings.put("check_interval", "0.2");
    settings.put("failback_dwell", "5");
    String toml = LabConfig.toml(providers, List.of(Ipv4.parse("192.0.2.1")), folder, settings);

    FailoverConfig config =
        new ConfigLoader(dir -> ScenarioFactories.of(List.of(new Ping()))).parse(toml, folder);

    assertThat(config.checkInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.dampedPolicy().failbackDwell()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.probeTimeout()).isEqualTo(FailoverConfig.MAX_DEFAULT_PROBE_TIMEOUT);
  }

  /** Reads the keys of the real ping type without running ping. */
  private static final class Ping implements TestScenarioFactory {
    @Override
    public String type() {
      return "ping";
    }

    @Override
    public TestScenario create(ScenarioSettings settings) {
      settings.seconds("timeout", Duration.ofSeconds(1));
      return new FakeTestScenario("ping " + settings.string("target"));
    }
  }
}
