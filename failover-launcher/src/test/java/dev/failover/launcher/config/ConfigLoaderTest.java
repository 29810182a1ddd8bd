package dev.failover.launcher.config;

import dev.failover.api.Provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.ReliabilityPolicy;
import dev.failover.core.DampedPolicySettings;
import dev.failover.core.OriginalPolicy;
import dev.failover.linux.FlushFlowsOnDown;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per rule of {@link ConfigLoader}: each feeds a broken config and checks that the message
 * names the key's path, the rule and the value.
 */
class ConfigLoaderTest {
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
          + "id = \"isp2\"\n"
          + "interface_name = \"eth2\"\n"
          + "ipv4_address = \"192.168.1.3\"\n"
          + "network = \"192.168.1.0/24\"\n"
          + "gateway = \"192.168.1.1\"\n"
          + "rt_table_name = \"isp2\"\n"
          + "rt_table_id = 102\n";

  private static final String TEST_CASE =
      "[[test_cases]]\ntype = \"fake\"\ntarget = \"192.0.2.1\"\n";

  private final ConfigLoader loader = new ConfigLoader(dir -> FakeScenarioFactory.factories());

  private static String config(String topLevel) {
    return topLevel + "\n" + PROVIDER_1 + "\n" + PROVIDER_2 + "\n" + TEST_CASE;
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
  void parse_validConfig_mapsEveryKey() throws Exception {
    FailoverConfig config =
        parse(
            config(
                "check_interval = 0.5\n"
                    + "start_metric = 200\n"
                    + "max_stored_test_result_count = 20\n"
                    + "max_failed_checks = 3\n"
                    + "min_consecutive_succeeded_checks = 2\n"
                    + "sticky_provider_filename = \"sticky\"\n"
                    + "policy = \"original\"\n"
                    + "fast_check_interval = 0.3\n"
                    + "probe_timeout = 0.25\n"
                    + "reassert_interval = 10\n"
                    + "foreign_default_routes = \"remove\"\n"
                    + "status_file = \"/tmp/status.json\"\n"
                    + "rt_tables_file = \"/tmp/rt_tables.d/rt.conf\"\n"
                    + "plugins_dir = \"plugins\"\n"));

    assertThat(config.checkInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.startMetric()).isEqualTo(200);
    assertThat(config.maxStoredTestResultCount()).isEqualTo(20);
    assertThat(config.maxFailedChecks()).isEqualTo(3);
    assertThat(config.minConsecutiveSucceededChecks()).isEqualTo(2);
    assertThat(config.stickyProviderFilename()).isEqualTo(Path.of("/etc/failover/sticky"));
    assertThat(config.policy()).isEqualTo("original");
    assertThat(config.fastCheckInterval()).isEqualTo(Duration.ofMillis(300));
    assertThat(config.probeTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.reassertInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.foreignDefaultRoutes()).isEqualTo(ForeignDefaultRoutes.REMOVE);
    assertThat(config.statusFile()).isEqualTo(Path.of("/tmp/status.json"));
    assertThat(config.rtTablesFile()).isEqualTo(Path.of("/tmp/rt_tables.d/rt.conf"));
    assertThat(config.pluginsDir()).isEqualTo(Path.of("/etc/failover/plugins"));
    assertThat(config.providerIds()).containsExactly("isp1", "isp2");
    assertThat(config.providers().get(1).gateway().getHostAddress()).isEqualTo("192.168.1.1");
    assertThat(config.testCases())
        .containsExactly(new TestCaseConfig("fake", java.util.Map.of("target", "192.0.2.1")));
  }

  @Test
  void parse_onlyProviders_usesTheDefaults() throws Exception {
    ConfigLoader withPing =
        new ConfigLoader(
            dir ->
                ScenarioFactories.of(
                    List.of(new FakeScenarioFactory(), new NamedFactory("ping", "target"))));

    FailoverConfig config = withPing.parse(PROVIDER_1, BASE);

    assertThat(config.checkInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.fastCheckInterval()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.startMetric()).isEqualTo(100);
    assertThat(config.maxStoredTestResultCount()).isEqualTo(50);
    assertThat(config.maxFailedChecks()).isEqualTo(50);
    assertThat(config.minConsecutiveSucceededChecks()).isEqualTo(1);
    assertThat(config.stickyProviderFilename()).isEqualTo(Path.of("/etc/failover/sticky.provider"));
    assertThat(config.testCases()).containsExactly(TestCaseConfig.ping("8.8.8.8"));
    assertThat(config.policy()).isEqualTo("damped").isEqualTo(Policies.DEFAULT);
    assertThat(config.dampedPolicy()).isEqualTo(DampedPolicySettings.defaults());
    assertThat(config.probeTimeout()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.reassertInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.foreignDefaultRoutes()).isEqualTo(ForeignDefaultRoutes.DEMOTE);
    assertThat(config.statusFile()).isEqualTo(Path.of("/run/failover/status.json"));
    assertThat(config.rtTablesFile()).isEqualTo(Path.of("/etc/iproute2/rt_tables.d/failover.conf"));
    assertThat(config.hooksDir()).isEqualTo(Path.of("/etc/failover/hooks.d"));
    assertThat(config.hookTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.httpListen()).isEqualTo("127.0.0.1:9680");
    assertThat(config.httpListenAddress())
        .contains(new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 9680));
  }

  @Test
  void parse_observabilityKeys_mapsEveryKey() throws Exception {
    FailoverConfig config =
        parse(config("hooks_dir = \"hooks\"\nhook_timeout = 2.5\nhttp_listen = \"[::1]:0\""));

    assertThat(config.hooksDir()).isEqualTo(Path.of("/etc/failover/hooks"));
    assertThat(config.hookTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(config.httpListenAddress().orElseThrow().getAddress().getHostAddress())
        .isEqualTo("0:0:0:0:0:0:0:1");
    assertThat(config.httpListenAddress().orElseThrow().getPort()).isZero();
  }

  @Test
  void parse_emptyHttpListen_turnsTheListenerOff() throws Exception {
    assertThat(parse(config("http_listen = \"\"")).httpListenAddress()).isEmpty();
  }

  @Test
  void parse_httpListenWithAHostName_isRejectedWithTheKey() {
    assertThat(problem(config("http_listen = \"router.lan:9680\"")))
        .contains("http_listen must be \"\" (no listener) or HOST:PORT")
        .contains("was 'router.lan:9680'");
  }

  @Test
  void parse_httpListenWithoutPortOrWithABadOne_isRejected() {
    for (String value : List.of("127.0.0.1", "127.0.0.1:65536", ":9680", "::1:9680", "1.2.3:80")) {
      assertThat(problem(config("http_listen = \"" + value + "\"")))
          .as(value)
          .contains("http_listen must be");
    }
  }

  @Test
  void parse_httpListenAsNumber_mustBeAString() {
    assertThat(problem(config("http_listen = 9680"))).contains("http_listen must be a string");
  }

  @Test
  void parse_hookTimeoutOutOfRange_namesTheKeyAndRange() {
    assertThat(problem(config("hook_timeout = 0"))).contains("hook_timeout must be");
    assertThat(problem(config("hook_timeout = 301")))
        .contains("hook_timeout must be a number of seconds > 0 and <= 300, was 301");
  }

  @Test
  void parse_checkIntervalBelowTheDefaults_fastIntervalAndProbeTimeoutAreTheCheckInterval()
      throws Exception {
    FailoverConfig config = parse(config("check_interval = 0.1\nreassert_interval = 1"));

    assertThat(config.fastCheckInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(config.probeTimeout()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void parse_fastCheckIntervalBelowTheDefaultProbeTimeout_probeTimeoutIsTheFastInterval()
      throws Exception {
    FailoverConfig config = parse(config("fast_check_interval = 0.15"));

    assertThat(config.probeTimeout()).isEqualTo(Duration.ofMillis(150));
  }

  /** A config.py carried over with a longer timeout, as for a satellite link, needs no more. */
  @Test
  void parse_onlyALongProbeTimeout_fastCheckIntervalIsTheProbeTimeout() throws Exception {
    FailoverConfig config = parse(config("check_interval = 5\nprobe_timeout = 2"));

    assertThat(config.fastCheckInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.probeTimeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void parse_originalPolicy_buildsTheOriginalRuleFromItsKeys() throws Exception {
    FailoverConfig config =
        parse(
            config(
                "policy = \"original\"\nmax_failed_checks = 5\n"
                    + "min_consecutive_succeeded_checks = 2"));

    ReliabilityPolicy policy = Policies.create(config);

    assertThat(policy).isInstanceOf(OriginalPolicy.class);
    assertThat(((OriginalPolicy) policy).maxFailedChecks()).isEqualTo(5);
    assertThat(((OriginalPolicy) policy).minConsecutiveSucceededChecks()).isEqualTo(2);
  }

  @Test
  void parse_dampedKeys_mapsEveryKey() throws Exception {
    FailoverConfig config =
        parse(
            config(
                "max_stored_test_result_count = 100\n"
                    + "down_consecutive_failures = 4\n"
                    + "up_consecutive_successes = 6\n"
                    + "loss_window_rounds = 80\n"
                    + "loss_acceptable_percent = 4.5\n"
                    + "loss_degraded_percent = 15\n"
                    + "loss_false_alarm_probability = 0.001\n"
                    + "loss_false_recovery_probability = 0.01\n"
                    + "min_targets_up = 1\n"
                    + "max_latency = 0.15\n"
                    + "failback_dwell = 0\n"
                    + "flap_penalty = 500\n"
                    + "flap_reuse_threshold = 750.5\n"
                    + "flap_half_life = 60\n"
                    + "flap_max_hold = 300\n"
                    + "target_correlation = false\n"));

    assertThat(config.dampedPolicy())
        .isEqualTo(
            DampedPolicySettings.builder()
                .downConsecutiveFailures(4)
                .upConsecutiveSuccesses(6)
                .lossWindowRounds(80)
                .lossAcceptablePercent(4.5)
                .lossDegradedPercent(15)
                .lossFalseAlarmProbability(0.001)
                .lossFalseRecoveryProbability(0.01)
                .minTargetsUp(1)
                .maxLatency(Duration.ofMillis(150))
                .failbackDwell(Duration.ZERO)
                .flapPenalty(500)
                .flapReuseThreshold(750.5)
                .flapHalfLife(Duration.ofSeconds(60))
                .flapMaxHold(Duration.ofSeconds(300))
                .targetCorrelation(false)
                .build());
    assertThat(Policies.create(config).name()).isEqualTo("damped");
  }

  @Test
  void parse_dampedRoundCountZero_namesTheKeyAndRange() {
    assertThat(problem(config("down_consecutive_failures = 0")))
        .contains("down_consecutive_failures must be between 1 and 1000000, was 0");
  }

  @Test
  void parse_degradedLossNotAboveAcceptable_namesBothKeys() {
    assertThat(problem(config("loss_acceptable_percent = 5\nloss_degraded_percent = 5")))
        .contains("loss_degraded_percent must be above loss_acceptable_percent (5.0)")
        .contains("was 5.0");
  }

  @Test
  void parse_removedWindowLossKey_saysWhatReplacedIt() {
    assertThat(problem(config("down_loss_percent = 12")))
        .contains("down_loss_percent is not a known key (replaced by the sequential loss test:")
        .contains("loss_acceptable_percent");
  }

  @Test
  void parse_dampedPercentAsString_mustBeANumber() {
    assertThat(problem(config("loss_degraded_percent = \"20%\"")))
        .contains("loss_degraded_percent must be a finite number, was '20%' (string)");
  }

  @Test
  void parse_targetCorrelationAsNumber_mustBeABoolean() {
    assertThat(problem(config("target_correlation = 1")))
        .contains("target_correlation must be true or false, was 1 (integer)");
  }

  @Test
  void parse_negativeFailbackDwell_mayBeZeroButNotNegative() throws Exception {
    assertThat(parse(config("failback_dwell = 0")).dampedPolicy().failbackDwell())
        .isEqualTo(Duration.ZERO);
    assertThat(problem(config("failback_dwell = -1")))
        .contains("failback_dwell must be a number of seconds >= 0 and <= 86400, was -1 (integer)");
  }

  @Test
  void parse_zeroMaxLatency_mustBePositive() {
    assertThat(problem(config("max_latency = 0")))
        .contains("max_latency must be a number of seconds > 0 and <= 86400, was 0 (integer)");
  }

  @Test
  void parse_flapMaxHoldTooLongForTheHalfLife_namesBothKeys() {
    assertThat(problem(config("flap_half_life = 10\nflap_max_hold = 1000")))
        .contains("flap_max_hold must be at most 64 times flap_half_life (10 s), was 1000 s");
  }

  @Test
  void parse_dampedWindowLongerThanTheHistory_namesBothKeys() {
    assertThat(problem(config("max_stored_test_result_count = 20")))
        .contains("loss_window_rounds must be at most max_stored_test_result_count (20), was 50");
  }

  @Test
  void parse_minTargetsUpAboveTheTestCases_namesBothKeys() {
    assertThat(problem(config("min_targets_up = 2")))
        .contains("min_targets_up must be at most the number of test_cases (1), was 2");
  }

  @Test
  void parse_dampedSettingsThatDoNotFitWithTheOriginalPolicy_areUnusedAndAccepted()
      throws Exception {
    FailoverConfig config =
        parse(config("policy = \"original\"\nmax_stored_test_result_count = 20"));

    assertThat(config.maxStoredTestResultCount()).isEqualTo(20);
  }

  @Test
  void check_keysOfThePolicyNotSelected_areNotedAsUnused() throws Exception {
    LoadedConfig damped =
        loader.check(config("max_failed_checks = 50\nmin_consecutive_succeeded_checks = 1"), BASE);
    LoadedConfig original =
        loader.check(config("policy = \"original\"\nflap_penalty = 0"), BASE);

    assertThat(damped.notes())
        .containsExactly(
            "max_failed_checks, min_consecutive_succeeded_checks are unused by the selected"
                + " policy 'damped' (settings of policy 'original')");
    assertThat(original.notes())
        .containsExactly(
            "flap_penalty is unused by the selected policy 'original' (a setting of policy"
                + " 'damped')");
  }

  @Test
  void check_relativePath_notesWhatItBecame() throws Exception {
    LoadedConfig checked =
        loader.check(
            config("status_file = \"status.json\"\nplugins_dir = \"/opt/plugins\""), BASE);

    assertThat(checked.config().statusFile()).isEqualTo(Path.of("/etc/failover/status.json"));
    assertThat(checked.notes())
        .containsExactly(
            "status_file \"status.json\" is a relative path, taken from the config file's folder"
                + " /etc/failover: /etc/failover/status.json; write the absolute path to say so");
  }

  @Test
  void check_defaultStickyFile_isNotNotedAsRelative() throws Exception {
    LoadedConfig checked = loader.check(config(""), BASE);

    assertThat(checked.config().stickyProviderFilename())
        .isEqualTo(Path.of("/etc/failover/sticky.provider"));
    assertThat(checked.notes()).isEmpty();
  }

  @Test
  void check_onlyKeysOfTheSelectedPolicy_notesNothing() throws Exception {
    LoadedConfig checked =
        loader.check(config("policy = \"original\"\nmax_failed_checks = 5"), BASE);

    assertThat(checked.notes()).isEmpty();
  }

  @Test
  void parse_fastCheckIntervalLongerThanCheckInterval_isRejected() {
    assertThat(problem(config("check_interval = 1\nfast_check_interval = 2")))
        .contains("fast_check_interval must be <= check_interval (1 s)")
        .contains("was 2 s");
  }

  @Test
  void parse_probeTimeoutLongerThanFastCheckInterval_isRejected() {
    assertThat(problem(config("fast_check_interval = 0.2\nprobe_timeout = 0.3")))
        .contains("probe_timeout must be <= fast_check_interval (0.2 s)")
        .contains("was 0.3 s");
  }

  @Test
  void parse_zeroFastCheckInterval_mustBePositive() {
    assertThat(problem(config("fast_check_interval = 0")))
        .contains("fast_check_interval must be a number of seconds > 0 and <= 86400, was 0");
  }

  @Test
  void parse_misspeltDampedKey_suggestsIt() {
    assertThat(problem(config("down_consecutive_failure = 3")))
        .contains("down_consecutive_failure is not a known key")
        .contains("did you mean 'down_consecutive_failures'?");
  }

  @Test
  void load_relativeStickyFile_isResolvedAgainstTheConfigFolder(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("failover.toml");
    Files.writeString(file, config("sticky_provider_filename = \"sub/sticky.provider\""));

    FailoverConfig config = loader.load(file);

    assertThat(config.stickyProviderFilename()).isEqualTo(dir.resolve("sub/sticky.provider"));
  }

  @Test
  void load_missingFile_namesTheFile(@TempDir Path dir) {
    Path file = dir.resolve("absent.toml");

    assertThatThrownBy(() -> loader.load(file))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("cannot read config file " + file)
        .hasMessageContaining("NoSuchFileException");
  }

  @Test
  void parse_notToml_namesTheLine() {
    assertThat(problem("check_interval = 5\nthis is not toml\n"))
        .contains("not valid TOML")
        .contains("line 2");
  }

  @Test
  void parse_keyTwiceInTheFile_isASyntaxError() {
    assertThat(problem(config("check_interval = 5\ncheck_interval = 6")))
        .contains("not valid TOML");
  }

  @Test
  void parse_unknownTopLevelKey_namesItAndSuggestsTheClosest() {
    assertThat(problem(config("chek_interval = 5")))
        .contains("chek_interval is not a known key")
        .contains("did you mean 'check_interval'?")
        .doesNotContain("was 5");
  }

  @Test
  void parse_upperCaseKeyOfConfigPy_suggestsTheLowerCaseKey() {
    assertThat(problem(config("CHECK_INTERVAL = 5")))
        .contains("CHECK_INTERVAL is not a known key")
        .contains("did you mean 'check_interval'?");
  }

  @Test
  void parse_unknownKeyInAProvider_namesItsPath() {
    String toml = config("") + "\n";
    toml = toml.replace("rt_table_id = 102\n", "rt_table_id = 102\nmetric = 5\n");

    assertThat(problem(toml))
        .contains("providers[1].metric is not a known key")
        .doesNotContain("was 5")
        .contains("known keys: id, interface_name");
  }

  @Test
  void parse_unknownKeyInATestCase_namesItsPathAndType() {
    String toml =
        config("").replace("target = \"192.0.2.1\"\n", "target = \"192.0.2.1\"\ncount = 3\n");

    assertThat(problem(toml))
        .contains("test_cases[0].count is not a key that test case type 'fake' knows")
        .doesNotContain("was 3");
  }

  @Test
  void parse_checkIntervalAsString_namesTheTypeRule() {
    assertThat(problem(config("check_interval = \"5\"")))
        .contains("check_interval must be a number of seconds, was '5' (string)");
  }

  @Test
  void parse_startMetricAsFloat_mustBeAWholeNumber() {
    assertThat(problem(config("start_metric = 1.5")))
        .contains("start_metric must be a whole number")
        .contains("was 1.5 (float)");
  }

  @Test
  void parse_integerTooLarge_namesTheRange() {
    assertThat(problem(config("max_failed_checks = 9999999999")))
        .contains("max_failed_checks must be a whole number between -2147483648 and 2147483647")
        .contains("was 9999999999 (integer)");
  }

  @Test
  void parse_tableIdAsString_namesThePath() {
    String toml = config("").replace("rt_table_id = 102", "rt_table_id = \"102\"");

    assertThat(problem(toml))
        .contains("providers[1].rt_table_id must be a whole number")
        .contains("was '102' (string)");
  }

  @Test
  void parse_providersAsPlainTable_mustBeAnArrayOfTables() {
    String toml = "[providers]\nid = \"isp1\"\n" + TEST_CASE;

    assertThat(problem(toml))
        .contains("providers must be an array of tables ([[providers]]), was a table");
  }

  @Test
  void parse_noProviders_isRequired() {
    assertThat(problem("check_interval = 5\n" + TEST_CASE)).contains("providers is required");
  }

  @Test
  void parse_emptyProviders_needsAtLeastOne() {
    assertThat(problem("providers = []\n" + TEST_CASE))
        .contains("providers must name at least one provider");
  }

  @Test
  void parse_providerWithoutGateway_learnsItFromTheInterface() throws Exception {
    String toml =
        config("")
            .replace(
                "gateway = \"192.168.1.1\"\nrt_table_name = \"isp2\"", "rt_table_name = \"isp2\"");

    Provider learning = parse(toml).providers().get(1);

    assertThat(learning.gateway()).isNull();
    assertThat(learning.ipv4Address()).isNotNull();
    assertThat(learning.learnsFromInterface()).isTrue();
  }

  @Test
  void parse_dhcpProviderWithOnlyItsIdentity_learnsAddressNetworkAndGateway() throws Exception {
    String toml =
        config("")
            .replace(
                "ipv4_address = \"192.168.1.3\"\n"
                    + "network = \"192.168.1.0/24\"\n"
                    + "gateway = \"192.168.1.1\"\n",
                "");

    Provider dhcp = parse(toml).providers().get(1);

    assertThat(dhcp.ipv4Address()).isNull();
    assertThat(dhcp.network()).isNull();
    assertThat(dhcp.gateway()).isNull();
    assertThat(dhcp.interfaceName()).isEqualTo("eth2");
  }

  @Test
  void parse_learnableKeyPresentButEmpty_namesTheKey() {
    String toml =
        config("")
            .replace(
                "gateway = \"192.168.1.1\"\nrt_table_name = \"isp2\"",
                "gateway = \"\"\nrt_table_name = \"isp2\"");

    assertThat(problem(toml)).contains("providers[1].gateway must be a non-empty string");
  }

  @Test
  void parse_providerWithoutInterface_stillNamesTheMissingKey() {
    String toml = config("").replace("interface_name = \"eth2\"\n", "");

    assertThat(problem(toml)).contains("providers[1].interface_name is required");
  }

  @Test
  void parse_duplicateProviderId_namesBothAndTheValue() {
    String toml = config("").replace("id = \"isp2\"", "id = \"isp1\"");

    assertThat(problem(toml))
        .contains("providers[1].id must be unique, but providers[0] has the same: 'isp1'");
  }

  @Test
  void parse_duplicateInterfaceName_namesBothAndTheValue() {
    String toml = config("").replace("\"eth2\"", "\"eth1\"");

    assertThat(problem(toml))
        .contains(
            "providers[1].interface_name must be unique, but providers[0] has the same:"
                + " 'eth1'");
  }

  @Test
  void parse_duplicateIpv4Address_namesBothAndTheValue() {
    String toml = config("").replace("\"192.168.1.3\"", "\"192.168.1.2\"");

    assertThat(problem(toml))
        .contains(
            "providers[1].ipv4_address must be unique, but providers[0] has the same:"
                + " '192.168.1.2'");
  }

  @Test
  void parse_duplicateTableId_namesBothAndTheValue() {
    String toml = config("").replace("rt_table_id = 102", "rt_table_id = 101");

    assertThat(problem(toml))
        .contains("providers[1].rt_table_id must be unique, but providers[0] has the same: '101'");
  }

  @Test
  void parse_duplicateTableName_namesBothAndTheValue() {
    String toml = config("").replace("rt_table_name = \"isp2\"", "rt_table_name = \"isp1\"");

    assertThat(problem(toml))
        .contains(
            "providers[1].rt_table_name must be unique, but providers[0] has the same:"
                + " 'isp1'");
  }

  @Test
  void parse_gatewayOutsideItsNetwork_namesThePathNetworkAndValue() {
    String toml =
        config("")
            .replace(
                "network = \"192.168.1.0/24\"\ngateway = \"192.168.1.1\"\nrt_table_name = \"isp2\"",
                "network = \"192.168.1.0/24\"\ngateway = \"10.0.0.1\"\nrt_table_name = \"isp2\"");

    assertThat(problem(toml))
        .contains("providers[1].gateway must lie inside network 192.168.1.0/24, was 10.0.0.1");
  }

  @Test
  void parse_addressNotDottedQuad_namesThePathAndValue() {
    String toml = config("").replace("\"192.168.1.3\"", "\"router.example\"");

    assertThat(problem(toml))
        .contains("providers[1].ipv4_address must be an IPv4 address")
        .contains("'router.example'");
  }

  @Test
  void parse_networkWithHostBits_namesThePathAndValue() {
    String toml = config("").replaceFirst("\"192.168.1.0/24\"", "\"192.168.1.7/24\"");

    assertThat(problem(toml))
        .contains("providers[0].network must be a network address with no host bits set")
        .contains("192.168.1.7/24");
  }

  @Test
  void parse_reservedTableId_namesThePathAndValue() {
    String toml = config("").replace("rt_table_id = 102", "rt_table_id = 254");

    assertThat(problem(toml)).contains("providers[1].rt_table_id must be").contains("was 254");
  }

  @Test
  void parse_zeroCheckInterval_mustBePositive() {
    assertThat(problem(config("check_interval = 0")))
        .contains("check_interval must be a number of seconds > 0 and <= 86400, was 0 (integer)");
  }

  @Test
  void parse_negativeReassertInterval_mustBePositive() {
    assertThat(problem(config("reassert_interval = -1.5")))
        .contains(
            "reassert_interval must be a number of seconds > 0 and <= 86400, was -1.5 (float)");
  }

  @Test
  void parse_zeroProbeTimeout_mustBePositive() {
    assertThat(problem(config("probe_timeout = 0.0")))
        .contains("probe_timeout must be a number of seconds > 0");
  }

  @Test
  void parse_probeTimeoutLongerThanCheckInterval_isRejected() {
    assertThat(problem(config("check_interval = 1\nprobe_timeout = 1.5")))
        .contains("probe_timeout must be <= check_interval (1 s)")
        .contains("was 1.5 s");
  }

  @Test
  void parse_reassertIntervalShorterThanCheckInterval_isRejected() {
    assertThat(problem(config("check_interval = 10\nreassert_interval = 5")))
        .contains("reassert_interval must be >= check_interval (10 s)")
        .contains("was 5 s");
  }

  @Test
  void parse_historyTooLarge_namesTheRange() {
    assertThat(problem(config("max_stored_test_result_count = 0")))
        .contains("max_stored_test_result_count must be between 1 and 100000, was 0");
  }

  @Test
  void parse_negativeMaxFailedChecks_isRejected() {
    assertThat(problem(config("max_failed_checks = -1")))
        .contains("max_failed_checks must be >= 0, was -1");
  }

  @Test
  void parse_minConsecutiveSuccessesNotBelowHistory_canNeverBeReliable() {
    assertThat(
            problem(
                config("max_stored_test_result_count = 5\nmin_consecutive_succeeded_checks = 5")))
        .contains("min_consecutive_succeeded_checks must be < max_stored_test_result_count (5)")
        .contains("was 5");
  }

  @Test
  void parse_startMetricNegative_namesTheRange() {
    assertThat(problem(config("start_metric = -1")))
        .contains("start_metric must be between 0 and 2147483646 (with 2 providers), was -1");
  }

  @Test
  void parse_unknownPolicy_listsTheKnownOnes() {
    assertThat(problem(config("policy = \"magic\"")))
        .contains("policy must be one of [original, damped], was 'magic'");
  }

  @Test
  void parse_flowPinningKeys_areRead() throws Exception {
    FailoverConfig config =
        parse(
            config(
                "pin_flows = false\nflush_flows_on_down = \"all\"\nfwmark_mask = 0xf0000000"));

    assertThat(config.flowPinning())
        .isEqualTo(new FlowPinningConfig(false, FlushFlowsOnDown.ALL, 0xf0000000));
  }

  @Test
  void parse_flowPinningKeysAbsent_defaults() throws Exception {
    assertThat(parse(config("")).flowPinning()).isEqualTo(FlowPinningConfig.defaults());
  }

  @Test
  void parse_unknownFlushFlowsOnDown_listsTheKnownOnes() {
    assertThat(problem(config("flush_flows_on_down = \"some\"")))
        .contains("flush_flows_on_down must be one of [provider, none, all], was 'some'");
  }

  @Test
  void parse_fwmarkMaskNotContiguous_isRejected() {
    assertThat(problem(config("fwmark_mask = 0x0f0f0000")))
        .contains(
            "fwmark_mask must be one run of contiguous set bits (such as 0x0f000000), was"
                + " 0x0f0f0000");
  }

  @Test
  void parse_fwmarkMaskTooNarrowForTheProviders_isRejected() {
    assertThat(problem(config("fwmark_mask = 0x01000000")))
        .contains(
            "fwmark_mask must have room for one mark per provider (2), but 0x01000000 numbers at"
                + " most 1");
  }

  @Test
  void parse_fwmarkMaskBeyond32Bits_isRejected() {
    assertThat(problem(config("fwmark_mask = 0x100000000"))).contains("fwmark_mask must be");
  }

  @Test
  void parse_pinFlowsNotABoolean_isRejected() {
    assertThat(problem(config("pin_flows = \"yes\""))).contains("pin_flows must be true or false");
  }

  @Test
  void parse_unknownForeignRouteHandling_listsTheKnownOnes() {
    assertThat(problem(config("foreign_default_routes = \"ignore\"")))
        .contains("foreign_default_routes must be one of [leave, demote, remove], was 'ignore'");
  }

  @Test
  void parse_emptyString_isRejected() {
    assertThat(problem(config("status_file = \"\"")))
        .contains("status_file must be a non-empty string, was '' (string)");
  }

  @Test
  void parse_unknownTestCaseType_listsTheKnownTypes() {
    String toml = config("").replace("type = \"fake\"", "type = \"dns\"");

    assertThat(problem(toml))
        .contains("test_cases[0].type must be a known test case type, one of [fake]")
        .contains("was 'dns'");
  }

  @Test
  void parse_testCaseWithoutType_namesTheMissingKey() {
    String toml = config("").replace("type = \"fake\"\n", "");

    assertThat(problem(toml)).contains("test_cases[0].type is required");
  }

  @Test
  void parse_testCaseSettingInvalid_reportsTheFactorysMessage() {
    String toml =
        config("").replace("target = \"192.0.2.1\"\n", "target = \"192.0.2.1\"\nweight = 11\n");

    assertThat(problem(toml))
        .contains("test_cases[0].weight must be a whole number between 1 and 10, was 11 (number)");
  }

  @Test
  void parse_emptyTestCases_needsAtLeastOne() {
    assertThat(problem("test_cases = []\n" + PROVIDER_1))
        .contains("test_cases must hold at least one test case");
  }

  @Test
  void parse_sameTestCaseTwice_isRejected() {
    assertThat(problem(config("") + "\n" + TEST_CASE))
        .contains(
            "test_cases[1] must differ from every other test case, but test_cases[0] is the"
                + " same: 'fake 192.0.2.1'");
  }

  @Test
  void parse_severalProblems_reportsEveryOne() {
    InvalidConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidConfigException.class,
            () -> parse(config("check_interval = \"x\"\nstart_metric = true\nfoo = 1")));

    assertThat(e.problems()).hasSize(3);
    assertThat(e.getMessage())
        .startsWith("3 problems:")
        .contains("check_interval must be a number of seconds, was 'x' (string)")
        .contains("start_metric must be a whole number")
        .contains("was true (boolean)")
        .contains("foo is not a known key");
  }

  @Test
  void parse_pluginsDirWithTwoFactoriesOfOneType_isReported() {
    ConfigLoader twice =
        new ConfigLoader(
            dir ->
                ScenarioFactories.of(
                    List.of(new FakeScenarioFactory(), new FakeScenarioFactory())));

    assertThatThrownBy(() -> twice.parse(config(""), BASE))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("test case type 'fake' is provided twice");
  }

  @Test
  void parse_validConfig_neverThrows() throws IOException {
    // The defaults of every optional key, spelled out, are accepted as they are.
    String spelledOut =
        config(
            "check_interval = 5\n"
                + "start_metric = 100\n"
                + "max_stored_test_result_count = 50\n"
                + "max_failed_checks = 50\n"
                + "min_consecutive_succeeded_checks = 1\n"
                + "sticky_provider_filename = \"sticky.provider\"\n"
                + "policy = \"original\"\n"
                + "probe_timeout = 2\n"
                + "reassert_interval = 30\n"
                + "foreign_default_routes = \"demote\"\n");

    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> parse(spelledOut))).isNull();
  }

  /** A factory of any type that reads one key. */
  private static final class NamedFactory implements dev.failover.api.TestScenarioFactory {
    private final String type;
    private final String key;

    NamedFactory(String type, String key) {
      this.type = type;
      this.key = key;
    }

    @Override
    public String type() {
      return type;
    }

    @Override
    public dev.failover.api.TestScenario create(dev.failover.api.ScenarioSettings settings) {
      return new dev.failover.testkit.FakeTestScenario(type + " " + settings.string(key));
    }
  }
}
