package dev.failover.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.ScenarioSettings;
import dev.failover.api.TestScenario;
import dev.failover.api.TestScenarioFactory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The loader for the commands that only parse ({@code status}, {@code sticky}), and the loader of
 * {@code check-config} run by a user other than root (issue 15).
 */
class ConfigLoaderModesTest {
  private static final Path BASE = Path.of("/etc/failover");

  private static final String CONFIG =
      "[[providers]]\nid = \"isp1\"\ninterface_name = \"eth1\"\n"
          + "ipv4_address = \"192.168.1.2\"\nnetwork = \"192.168.1.0/24\"\n"
          + "gateway = \"192.168.1.1\"\nrt_table_name = \"isp1\"\nrt_table_id = 101\n"
          + "[[test_cases]]\ntype = \"needs-root\"\ntarget = \"192.0.2.1\"\n";

  /** Like the ping factory without an ICMP socket: valid settings, but it cannot work here. */
  private static final class NeedsRootFactory implements TestScenarioFactory {
    @Override
    public String type() {
      return "needs-root";
    }

    @Override
    public TestScenario create(ScenarioSettings settings) {
      settings.string("target");
      throw new IllegalStateException(
          settings.path() + " (type = \"needs-root\"): no ICMP socket can be opened");
    }
  }

  private static ConfigLoader loader(boolean root) {
    return new ConfigLoader(
        dir -> ScenarioFactories.of(List.of(new NeedsRootFactory())), true, root);
  }

  @Test
  void check_notRootAndATestCaseThatNeedsRoot_isValidWithANoteSayingWhatWasNotVerified()
      throws Exception {
    LoadedConfig loaded = loader(false).check(CONFIG, BASE);

    assertThat(loaded.config().providerIds()).containsExactly("isp1");
    assertThat(loaded.notes())
        .anySatisfy(
            note ->
                assertThat(note)
                    .startsWith("test_cases[0] not verified: it cannot run as this user")
                    .contains("no ICMP socket can be opened")
                    .contains("run check-config as root"));
  }

  @Test
  void check_rootAndATestCaseThatCannotWork_isInvalid() {
    assertThatThrownBy(() -> loader(true).check(CONFIG, BASE))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("no ICMP socket can be opened");
  }

  @Test
  void parsingOnly_buildsNoTestCaseAndLoadsNoPlugin() throws Exception {
    // No factory knows "needs-root" here: only a loader that builds test cases would notice.
    FailoverConfig config = ConfigLoader.parsingOnly().parse(CONFIG, BASE);

    assertThat(config.testCases()).hasSize(1);
  }

  @Test
  void parsingOnly_stillChecksTheFilesOwnRules() {
    assertThatThrownBy(
            () -> ConfigLoader.parsingOnly().parse("check_interval = 0\n" + CONFIG, BASE))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("check_interval must be a number of seconds > 0");
  }
}
