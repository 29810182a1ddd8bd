package dev.failover.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.ReliabilityPolicy;
import dev.failover.api.TestScenario;
import dev.failover.core.DampedPolicy;
import dev.failover.core.ProviderScenarios;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The rules of a provider's own test cases ({@code [[providers.test_cases]]} and {@code
 * global_test_cases}) in {@link ConfigLoader} and {@link FailoverConfig}: one test per rule, each
 * checking that the message names the key's path, the rule and the value.
 */
class ProviderTestCasesConfigTest {
  private static final Path BASE = Path.of("/etc/failover");

  private static final String PROVIDER_1 =
      "[[providers]]\n"
          + "id = \"isp1\"\n"
          + "interface_name = \"eth1\"\n"
          + "ipv4_address = \"192.168.1.2\"\n"
          + "network = \"192.168.1.0/24\"\n"
          + "gateway = \"192.168.1.1\"\n"
          + "rt_table_name = \"isp1\"\n"
          + "rt_table_id = 101\n";

  private static final String PROVIDER_2 =
      "[[providers]]\n"
          + "id = \"tun\"\n"
          + "interface_name = \"tun0\"\n"
          + "ipv4_address = \"10.8.0.2\"\n"
          + "network = \"10.8.0.0/24\"\n"
          + "gateway = \"10.8.0.1\"\n"
          + "rt_table_name = \"tun\"\n"
          + "rt_table_id = 102\n";

  private static final String TEST_CASE =
      "[[test_cases]]\ntype = \"fake\"\ntarget = \"192.0.2.1\"\n";

  private static final String TEST_CASE_2 =
      "[[test_cases]]\ntype = \"fake\"\ntarget = \"198.51.100.1\"\n";

  private final ConfigLoader loader = new ConfigLoader(dir -> FakeScenarioFactory.factories());

  private static String own(String target) {
    return "[[providers.test_cases]]\ntype = \"fake\"\ntarget = \"" + target + "\"\n";
  }

  private FailoverConfig parse(String toml) throws InvalidConfigException {
    return loader.parse(toml, BASE);
  }

  private String problem(String toml) {
    InvalidConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidConfigException.class, () -> parse(toml));
    return e.getMessage();
  }

  @Test
  void parse_ownTestCasesInAddition_keepsGlobalFirst() throws Exception {
    FailoverConfig config =
        parse(
            PROVIDER_1
                + "global_test_cases = true\n"
                + own("203.0.113.53")
                + PROVIDER_2
                + TEST_CASE);

    assertThat(config.providerTestCases()).containsOnlyKeys("isp1");
    assertThat(config.providerTestCases().get("isp1").globalTestCases()).isTrue();
    assertThat(config.testCasesOf("isp1")).containsExactly(fake("192.0.2.1"), fake("203.0.113.53"));
    assertThat(config.testCasesOf("tun")).containsExactly(fake("192.0.2.1"));
  }

  @Test
  void parse_ownTestCasesInstead_replacesGlobal() throws Exception {
    FailoverConfig config =
        parse(
            PROVIDER_1 + PROVIDER_2 + "global_test_cases = false\n" + own("10.8.0.1") + TEST_CASE);

    assertThat(config.testCasesOf("tun")).containsExactly(fake("10.8.0.1"));
    assertThat(config.testCasesOf("isp1")).containsExactly(fake("192.0.2.1"));
    assertThat(config.globalTestCasesRun()).isTrue();
  }

  @Test
  void parse_ownPingTargetUnspecified_isRefusedAsAGlobalOneIs() {
    assertThat(
            problem(
                PROVIDER_1
                    + PROVIDER_2
                    + "global_test_cases = true\n"
                    + "[[providers.test_cases]]\ntype = \"ping\"\ntarget = \"0.0.0.0\"\n"
                    + TEST_CASE))
        .contains("providers[1].test_cases[0].target must be a unicast address")
        .contains("was '0.0.0.0'");
  }

  @Test
  void parse_ownWithoutGlobalTestCasesKey_namesTheKeyAndBothValues() {
    assertThat(problem(PROVIDER_1 + PROVIDER_2 + own("10.8.0.1") + TEST_CASE))
        .contains(
            "providers[1].global_test_cases is required when providers[1].test_cases is given",
            "true runs the provider's own test cases in addition to the global test_cases",
            "false runs them instead");
  }

  @Test
  void parse_globalTestCasesWithoutOwn_isRejected() {
    assertThat(problem(PROVIDER_1 + "global_test_cases = false\n" + PROVIDER_2 + TEST_CASE))
        .contains(
            "providers[0].global_test_cases is set (was false (boolean)), but providers[0] lists"
                + " no test cases of its own");
  }

  @Test
  void parse_globalTestCasesNotABoolean_namesTheType() {
    assertThat(
            problem(
                PROVIDER_1
                    + "global_test_cases = \"yes\"\n"
                    + own("203.0.113.53")
                    + PROVIDER_2
                    + TEST_CASE))
        .contains("providers[0].global_test_cases must be true or false, was 'yes' (string)");
  }

  @Test
  void parse_ownTestCasesEmptyArray_needsAtLeastOne() {
    assertThat(
            problem(
                PROVIDER_1
                    + "global_test_cases = true\n"
                    + "test_cases = []\n"
                    + PROVIDER_2
                    + TEST_CASE))
        .contains("providers[0].test_cases must hold at least one test case");
  }

  @Test
  void parse_ownTestCaseWithoutType_namesItsPath() {
    assertThat(
            problem(
                PROVIDER_1
                    + "global_test_cases = true\n"
                    + "[[providers.test_cases]]\ntarget = \"203.0.113.53\"\n"
                    + PROVIDER_2
                    + TEST_CASE))
        .contains("providers[0].test_cases[0].type is required");
  }

  @Test
  void parse_ownTestCaseFactoryRule_namesItsPath() {
    assertThat(
            problem(
                PROVIDER_1
                    + PROVIDER_2
                    + "global_test_cases = false\n"
                    + "[[providers.test_cases]]\ntype = \"fake\"\n"
                    + TEST_CASE))
        .contains("providers[1].test_cases[0].target");
  }

  @Test
  void parse_ownTestCaseUnknownType_namesItsPath() {
    assertThat(
            problem(
                PROVIDER_1
                    + PROVIDER_2
                    + "global_test_cases = false\n"
                    + "[[providers.test_cases]]\ntype = \"dns\"\ntarget = \"10.8.0.1\"\n"
                    + TEST_CASE))
        .contains("providers[1].test_cases[0].type must be a known test case type", "'dns'");
  }

  @Test
  void parse_ownTestCaseSameAsGlobalWhenKept_namesBoth() {
    assertThat(
            problem(
                PROVIDER_1
                    + "global_test_cases = true\n"
                    + own("192.0.2.1")
                    + PROVIDER_2
                    + TEST_CASE))
        .contains(
            "providers[0].test_cases[0] must differ from every other test case of provider"
                + " 'isp1'",
            "test_cases[0] is the same: 'fake 192.0.2.1'");
  }

  @Test
  void parse_ownTestCaseSameAsGlobalWhenReplaced_accepted() throws Exception {
    FailoverConfig config =
        parse(
            PROVIDER_1 + "global_test_cases = false\n" + own("192.0.2.1") + PROVIDER_2 + TEST_CASE);

    assertThat(config.testCasesOf("isp1")).containsExactly(fake("192.0.2.1"));
  }

  @Test
  void parse_twoOwnTestCasesTheSame_namesBoth() {
    assertThat(
            problem(
                PROVIDER_1
                    + PROVIDER_2
                    + "global_test_cases = false\n"
                    + own("10.8.0.1")
                    + own("10.8.0.1")
                    + TEST_CASE))
        .contains(
            "providers[1].test_cases[1] must differ from every other test case of provider 'tun'",
            "providers[1].test_cases[0] is the same");
  }

  @Test
  void parse_noGlobalTestCasesAndEveryProviderReplaces_accepted() throws Exception {
    FailoverConfig config =
        parse(
            "test_cases = []\n"
                + PROVIDER_1
                + "global_test_cases = false\n"
                + own("203.0.113.53")
                + PROVIDER_2
                + "global_test_cases = false\n"
                + own("10.8.0.1"));

    assertThat(config.globalTestCasesRun()).isFalse();
    assertThat(config.testCasesOf("isp1")).containsExactly(fake("203.0.113.53"));
  }

  @Test
  void parse_noGlobalTestCasesButAProviderKeepsThem_namesIt() {
    assertThat(
            problem(
                "test_cases = []\n"
                    + PROVIDER_1
                    + "global_test_cases = false\n"
                    + own("203.0.113.53")
                    + PROVIDER_2))
        .contains(
            "test_cases must hold at least one test case",
            "unless every provider lists its own with global_test_cases = false",
            "providers[1] ('tun') lists none of its own");
  }

  @Test
  void parse_minTargetsUpAboveAProvidersCount_namesTheProvider() {
    assertThat(
            problem(
                "min_targets_up = 2\n"
                    + PROVIDER_1
                    + "global_test_cases = true\n"
                    + own("203.0.113.53")
                    + PROVIDER_2
                    + "global_test_cases = false\n"
                    + own("10.8.0.1")
                    + TEST_CASE))
        .contains(
            "min_targets_up must be at most the number of test cases of every provider, but"
                + " provider 'tun' runs 1",
            "was 2");
  }

  @Test
  void parse_minTargetsUpFitsEveryProvider_accepted() throws Exception {
    FailoverConfig config =
        parse(
            "min_targets_up = 2\n"
                + PROVIDER_1
                + "global_test_cases = true\n"
                + own("203.0.113.53")
                + PROVIDER_2
                + TEST_CASE
                + TEST_CASE_2);

    assertThat(config.testCasesOf("isp1")).hasSize(3);
  }

  @Test
  void dampedSettings_ownTestCases_correlateOnlyTheGlobalOnesAndLeaveReplacersOut()
      throws Exception {
    FailoverConfig config =
        parse(
            PROVIDER_1
                + "global_test_cases = true\n"
                + own("203.0.113.53")
                + PROVIDER_2
                + "global_test_cases = false\n"
                + own("10.8.0.1")
                + TEST_CASE
                + TEST_CASE_2);

    ReliabilityPolicy policy = Policies.create(config);

    assertThat(policy).isInstanceOf(DampedPolicy.class);
    assertThat(((DampedPolicy) policy).settings().sharedTargets()).hasValue(2);
    assertThat(((DampedPolicy) policy).settings().uncorrelatedProviders()).containsExactly("tun");
  }

  @Test
  void dampedSettings_noOwnTestCases_todaysRule() throws Exception {
    FailoverConfig config = parse(PROVIDER_1 + PROVIDER_2 + TEST_CASE + TEST_CASE_2);

    DampedPolicy policy = (DampedPolicy) Policies.create(config);

    assertThat(policy.settings().sharedTargets()).isEmpty();
    assertThat(policy.settings().uncorrelatedProviders()).isEmpty();
  }

  @Test
  void createScenarios_ownTestCases_builtWithTheSameFactories() throws Exception {
    FailoverConfig config =
        parse(
            PROVIDER_1
                + "global_test_cases = true\n"
                + own("203.0.113.53")
                + PROVIDER_2
                + "global_test_cases = false\n"
                + own("10.8.0.1")
                + TEST_CASE);

    ProviderScenarios scenarios = FakeScenarioFactory.factories().createScenarios(config);

    assertThat(scenarios.forProvider("isp1").stream().map(TestScenario::name))
        .containsExactly("fake 192.0.2.1", "fake 203.0.113.53");
    assertThat(scenarios.forProvider("tun").stream().map(TestScenario::name))
        .containsExactly("fake 10.8.0.1");
    assertThat(scenarios.replacingGlobal()).isEqualTo(Set.of("tun"));
  }

  @Test
  void builder_ownTestCasesOfUnknownProvider_isRejected() {
    FailoverConfig.Builder builder =
        FailoverConfig.builder()
            .addProvider(
                dev.failover.api.Provider.of(
                    "isp1", "eth1", "192.168.1.2", "192.168.1.0/24", "192.168.1.1", "isp1", 101))
            .providerTestCases("isp9", true, List.of(TestCaseConfig.ping("192.0.2.9")));

    assertThatThrownBy(builder::build)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("provider 'isp9', which is not configured");
  }

  @Test
  void unknownKeyInAProvider_listsTheNewKeys() {
    assertThat(problem(PROVIDER_1 + "global_testcases = true\n" + PROVIDER_2 + TEST_CASE))
        .contains("did you mean 'global_test_cases'?");
  }

  private static TestCaseConfig fake(String target) {
    return new TestCaseConfig("fake", Map.of("target", target));
  }
}
