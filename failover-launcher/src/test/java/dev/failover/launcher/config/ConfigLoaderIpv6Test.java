package dev.failover.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The IPv6 keys of {@link ConfigLoader} (issue 16): a provider's families and IPv6 values, IPv6
 * test cases, and one test per rule, each checking that the message names the key's path, the rule
 * and the value.
 */
class ConfigLoaderIpv6Test {
  private static final Path BASE = Path.of("/etc/failover");

  private final ConfigLoader loader = new ConfigLoader(dir -> FakeScenarioFactory.factories());

  /** Provider isp1 (IPv4 as before) with {@code extra} keys. */
  private static String provider1(String extra) {
    return "[[providers]]\n"
        + "id = \"isp1\"\n"
        + "interface_name = \"eth1\"\n"
        + "ipv4_address = \"192.168.1.2\"\n"
        + "network = \"192.168.1.0/24\"\n"
        + "gateway = \"192.168.1.1\"\n"
        + "rt_table_name = \"isp1\"\n"
        + "rt_table_id = 101\n"
        + extra;
  }

  /** Provider isp2 with only its identity, and {@code extra} keys. */
  private static String provider2(String extra) {
    return "[[providers]]\n"
        + "id = \"isp2\"\n"
        + "interface_name = \"eth2\"\n"
        + "rt_table_name = \"isp2\"\n"
        + "rt_table_id = 102\n"
        + extra;
  }

  private static final String V4_TEST = "[[test_cases]]\ntype = \"fake\"\ntarget = \"192.0.2.1\"\n";
  private static final String V6_TEST =
      "[[test_cases]]\ntype = \"fake\"\ntarget = \"2001:db8::1\"\n";

  private FailoverConfig parse(String toml) throws InvalidConfigException {
    return loader.parse(toml, BASE);
  }

  private String problem(String toml) {
    return assertThrows(InvalidConfigException.class, () -> parse(toml)).getMessage();
  }

  @Test
  void parse_noIpv6Keys_everyProviderIsIpv4OnlyAsBefore() throws Exception {
    FailoverConfig config = parse(provider1("") + provider2("") + V4_TEST);

    assertThat(config.providers())
        .allSatisfy(p -> assertThat(p.families()).containsExactly(AddressFamily.IPV4));
  }

  @Test
  void parse_dualStackProvider_keepsTheIpv6Values() throws Exception {
    FailoverConfig config =
        parse(
            provider1(
                    "ipv6_address = \"2001:db8:1::2\"\n"
                        + "ipv6_prefix = \"2001:db8:1::/64\"\n"
                        + "ipv6_gateway = \"fe80::1\"\n")
                + provider2("")
                + V4_TEST
                + V6_TEST);

    Provider isp1 = config.providers().get(0);
    assertThat(isp1.families()).containsExactly(AddressFamily.IPV4, AddressFamily.IPV6);
    assertThat(isp1.ipv6Address()).isEqualTo(Ipv6.parse("2001:db8:1::2"));
    assertThat(isp1.ipv6Prefix()).isEqualTo(Ipv6Network.parse("2001:db8:1::/64"));
    assertThat(isp1.ipv6Gateway()).isEqualTo(Ipv6.parse("fe80::1"));
    assertThat(config.providers().get(1).ipv6()).isFalse();
  }

  @Test
  void parse_ipv6TrueWithoutValues_learnsThemAll() throws Exception {
    FailoverConfig config = parse(provider1("ipv6 = true\n") + provider2("") + V4_TEST + V6_TEST);

    Provider isp1 = config.providers().get(0);
    assertThat(isp1.ipv6()).isTrue();
    assertThat(isp1.learnsFromInterface(AddressFamily.IPV6)).isTrue();
    assertThat(isp1.learnsFromInterface(AddressFamily.IPV4)).isFalse();
  }

  @Test
  void parse_ipv6OnlyProvider_hasNoIpv4() throws Exception {
    FailoverConfig config =
        parse(provider1("") + provider2("ipv4 = false\nipv6 = true\n") + V4_TEST + V6_TEST);

    assertThat(config.providers().get(1).families()).containsExactly(AddressFamily.IPV6);
  }

  @Test
  void check_ipv6Provider_isRunWithoutANote() throws Exception {
    LoadedConfig loaded =
        loader.check(provider1("ipv6 = true\n") + provider2("") + V4_TEST + V6_TEST, BASE);

    assertThat(loaded.notes()).noneSatisfy(note -> assertThat(note).contains("IPv6"));
  }

  @Test
  void parse_noProviderHasIpv4_namesTheRuleAndTheProviders() {
    assertThat(problem(provider2("ipv4 = false\nipv6 = true\n") + V6_TEST))
        .contains(
            "providers: at least one provider must have IPv4: this version runs IPv6 beside IPv4,"
                + " not alone (issue 16); every provider has ipv4 = false: [isp2]");
  }

  @Test
  void parse_ipv4FalseWithIpv4Values_namesTheKey() {
    assertThat(
            problem(provider1("ipv4 = false\nipv6 = true\n") + provider2("") + V4_TEST + V6_TEST))
        .contains("providers[0].ipv4_address must not be set when ipv4 = false, was 192.168.1.2");
  }

  @Test
  void parse_ipv6FalseWithIpv6Values_namesTheKey() {
    assertThat(
            problem(
                provider1("ipv6 = false\nipv6_gateway = \"fe80::1\"\n") + provider2("") + V4_TEST))
        .contains("providers[0].ipv6_gateway must not be set when ipv6 = false, was fe80::1");
  }

  @Test
  void parse_noFamily_namesBothKeys() {
    assertThat(problem(provider1("") + provider2("ipv4 = false\n") + V4_TEST))
        .contains("providers[1].ipv4 and ipv6 must not both be false");
  }

  @Test
  void parse_ipv6NotBoolean_namesTheKey() {
    assertThat(problem(provider1("ipv6 = \"yes\"\n") + provider2("") + V4_TEST))
        .contains("providers[0].ipv6");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "ipv6_address = \"2001:db8:1::g\" | providers[0].ipv6_address must be an IPv6 address",
        "ipv6_address = \"fe80::2\" | providers[0].ipv6_address must be a global or unique local",
        "ipv6_address = \"fe80::2%eth1\" | providers[0].ipv6_address must be an IPv6 address",
        "ipv6_address = \"192.168.1.9\" | providers[0].ipv6_address must be an IPv6 address",
        "ipv6_prefix = \"2001:db8:1::1/64\" | providers[0].ipv6_prefix must be a prefix with no"
            + " host",
        "ipv6_prefix = \"2001:db8:1::\" | providers[0].ipv6_prefix must be an IPv6 prefix in CIDR",
        "ipv6_gateway = \"ff02::2\" | providers[0].ipv6_gateway must be a link-local or unicast",
        "ipv6_gateway = \"example.com\" | providers[0].ipv6_gateway must be an IPv6 address"
      })
  void parse_badIpv6Value_namesTheKeyAndTheRule(String line, String message) {
    assertThat(problem(provider1(line + "\n") + provider2("") + V4_TEST + V6_TEST))
        .contains(message);
  }

  @Test
  void parse_ipv6AddressOutsidePrefix_namesBoth() {
    assertThat(
            problem(
                provider1("ipv6_address = \"2001:db8:2::2\"\nipv6_prefix = \"2001:db8:1::/64\"\n")
                    + provider2("")
                    + V4_TEST
                    + V6_TEST))
        .contains(
            "providers[0].ipv6_address must lie inside ipv6_prefix 2001:db8:1::/64, was"
                + " 2001:db8:2::2");
  }

  @Test
  void parse_globalIpv6GatewayOutsidePrefix_namesTheGateway() {
    assertThat(
            problem(
                provider1("ipv6_prefix = \"2001:db8:1::/64\"\nipv6_gateway = \"2001:db8:9::1\"\n")
                    + provider2("")
                    + V4_TEST
                    + V6_TEST))
        .contains("providers[0].ipv6_gateway must be link-local (like fe80::1) or lie inside");
  }

  @Test
  void parse_sharedIpv6Address_namesTheSecond() {
    assertThat(
            problem(
                provider1("ipv6_address = \"2001:db8:1::2\"\n")
                    + provider2("ipv6_address = \"2001:DB8:1:0::2\"\n")
                    + V4_TEST
                    + V6_TEST))
        .contains("providers[1].ipv6_address must be unique, but providers[0] has the same");
  }

  @Test
  void parse_sameLinkLocalGatewayOnEveryProvider_isFine() throws Exception {
    FailoverConfig config =
        parse(
            provider1("ipv6_gateway = \"fe80::1\"\n")
                + provider2("ipv6_gateway = \"fe80::1\"\n")
                + V4_TEST
                + V6_TEST);

    assertThat(config.providers()).allSatisfy(p -> assertThat(p.ipv6()).isTrue());
  }

  @Test
  void parse_ipv6TestCaseWithoutIpv6Provider_namesTheTestCaseAndTheWayOut() {
    assertThat(problem(provider1("") + provider2("") + V4_TEST + V6_TEST))
        .contains(
            "test_cases[1] tests IPv6 (type \"fake\", target 2001:db8::1), but no provider has"
                + " IPv6: set ipv6 = true or an ipv6_* key on a provider, or remove the test case");
  }

  @Test
  void parse_ipv6ProviderWithoutIpv6TestCase_namesTheProvider() {
    assertThat(problem(provider1("ipv6 = true\n") + provider2("") + V4_TEST))
        .contains(
            "providers[0] ('isp1') has IPv6 but runs no IPv6 test case, so its IPv6 could never"
                + " be judged")
        .contains("or set providers[0].ipv6 = false");
  }

  @Test
  void parse_ipv4ProviderWithOnlyIpv6TestCases_namesTheProvidersIpv4() {
    assertThat(problem(provider1("ipv6 = true\n") + provider2("ipv6 = true\n") + V6_TEST))
        .contains("providers[0] ('isp1') has IPv4 but runs no IPv4 test case");
  }

  @Test
  void parse_ownIpv6TestCaseOfIpv4OnlyProvider_namesIt() {
    assertThat(
            problem(
                provider1("ipv6 = true\n")
                    + provider2(
                        "global_test_cases = true\n"
                            + "[[providers.test_cases]]\n"
                            + "type = \"fake\"\n"
                            + "target = \"2001:db8::53\"\n")
                    + V4_TEST
                    + V6_TEST))
        .contains(
            "providers[1].test_cases[0] tests IPv6 (type \"fake\", target 2001:db8::53), but"
                + " providers[1] ('isp2') has no IPv6 (ipv6 = false): it would never run");
  }

  @Test
  void parse_minTargetsUpAboveOneFamilysTestCases_namesTheFamilyAndProvider() {
    String secondV4 = "[[test_cases]]\ntype = \"fake\"\ntarget = \"198.51.100.1\"\n";

    assertThat(
            problem(
                "min_targets_up = 2\n"
                    + provider1("ipv6 = true\n")
                    + provider2("")
                    + V4_TEST
                    + secondV4
                    + V6_TEST))
        .contains(
            "min_targets_up must be at most the number of IPv6 test cases providers[0] ('isp1')"
                + " runs (1), since each family's rounds hold only its own targets, was 2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"::", "::1", "ff02::1", "fe80::1", "fec0::1", "::192.0.2.1"})
  void parse_ipv6PingTargetThatCannotBeProbed_namesTheKeyAndTheRule(String target) {
    String ping = "[[test_cases]]\ntype = \"ping\"\ntarget = \"" + target + "\"\n";

    assertThat(problem(provider1("ipv6 = true\n") + provider2("") + V4_TEST + ping))
        .contains(
            "test_cases[1].target must be an IPv6 address that a probe through a provider can"
                + " reach, not")
        .contains("was '" + target + "'");
  }

  @Test
  void parse_ipv6TcpHostLoopback_namesTheKey() {
    String tcp = "[[test_cases]]\ntype = \"tcp\"\nhost = \"::1\"\nport = 443\n";

    assertThat(problem(provider1("ipv6 = true\n") + provider2("") + V4_TEST + tcp))
        .contains("test_cases[1].host must be an IPv6 address that a probe through a provider")
        .contains("not loopback");
  }

  @Test
  void parse_documentationAndUniqueLocalTargets_areFine() throws Exception {
    String targets =
        "[[test_cases]]\ntype = \"fake\"\ntarget = \"2001:db8::1\"\n"
            + "[[test_cases]]\ntype = \"fake\"\ntarget = \"fd00::53\"\n";

    assertThat(parse(provider1("ipv6 = true\n") + provider2("") + V4_TEST + targets).testCases())
        .hasSize(3);
  }
}
