package dev.failover.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keepalived_track_file_ipv6} (issue 16): the IPv6 engine's track file, for keepalived's
 * IPv6 instance. One test per rule; each message names the key, the rule and the value.
 */
class KeepalivedTrackFileIpv6ConfigTest {
  private static final Path BASE = Path.of("/etc/failover");

  private static final String IPV4_PROVIDER =
      "[[providers]]\n"
          + "id = \"isp1\"\n"
          + "interface_name = \"eth1\"\n"
          + "ipv4_address = \"192.168.1.2\"\n"
          + "network = \"192.168.1.0/24\"\n"
          + "gateway = \"192.168.1.1\"\n"
          + "rt_table_name = \"isp1\"\n"
          + "rt_table_id = 101\n";

  private static final String DUAL_STACK_PROVIDER =
      IPV4_PROVIDER
          + "ipv6_address = \"2001:db8:1::2\"\n"
          + "ipv6_prefix = \"2001:db8:1::/64\"\n"
          + "ipv6_gateway = \"fe80::1\"\n";

  private static final String V4_TEST = "[[test_cases]]\ntype = \"fake\"\ntarget = \"192.0.2.1\"\n";
  private static final String V6_TEST =
      "[[test_cases]]\ntype = \"fake\"\ntarget = \"2001:db8::1\"\n";

  @TempDir Path dir;

  private final ConfigLoader loader = new ConfigLoader(folder -> FakeScenarioFactory.factories());

  private FailoverConfig dualStack(String topLevel) throws InvalidConfigException {
    return loader.parse(topLevel + "\n" + DUAL_STACK_PROVIDER + V4_TEST + V6_TEST, BASE);
  }

  private String problem(String topLevel, String providersAndTests) {
    return assertThrows(
            InvalidConfigException.class,
            () -> loader.parse(topLevel + "\n" + providersAndTests, BASE))
        .getMessage();
  }

  @Test
  void parse_dualStack_keepsBothTrackFiles() throws Exception {
    FailoverConfig config =
        dualStack(
            "keepalived_track_file = \"/run/failover/uplink\"\n"
                + "keepalived_track_file_ipv6 = \"/run/failover/uplink6\"");

    assertThat(config.keepalivedTrackFile()).contains(Path.of("/run/failover/uplink"));
    assertThat(config.keepalivedTrackFileIpv6()).contains(Path.of("/run/failover/uplink6"));
  }

  @Test
  void parse_keyLeftOut_writesNoIpv6TrackFile() throws Exception {
    assertThat(dualStack("").keepalivedTrackFileIpv6()).isEmpty();
  }

  @Test
  void parse_relativePath_isResolvedAgainstTheConfigsFolder() throws Exception {
    assertThat(dualStack("keepalived_track_file_ipv6 = \"uplink6\"").keepalivedTrackFileIpv6())
        .contains(BASE.resolve("uplink6"));
  }

  @Test
  void parse_noProviderHasIpv6_isRefused() {
    assertThat(
            problem(
                "keepalived_track_file_ipv6 = \"/run/failover/uplink6\"",
                IPV4_PROVIDER + V4_TEST))
        .contains("keepalived_track_file_ipv6 needs a provider with IPv6")
        .contains("no provider has IPv6")
        .contains("was /run/failover/uplink6");
  }

  @Test
  void parse_systemFile_isRefused() {
    assertThat(
            problem(
                "keepalived_track_file_ipv6 = \"/etc/hostname\"",
                DUAL_STACK_PROVIDER + V4_TEST + V6_TEST))
        .contains("keepalived_track_file_ipv6 must lie in one of failover's folders")
        .contains("was /etc/hostname");
  }

  @Test
  void parse_sameFileAsTheIpv4TrackFile_isRefused() {
    assertThat(
            problem(
                "keepalived_track_file = \"/run/failover/uplink\"\n"
                    + "keepalived_track_file_ipv6 = \"/run/failover/uplink\"",
                DUAL_STACK_PROVIDER + V4_TEST + V6_TEST))
        .contains(
            "keepalived_track_file_ipv6 must name another file than keepalived_track_file, was"
                + " /run/failover/uplink");
  }

  @Test
  void load_fileHoldsSomethingElse_isRefused() throws Exception {
    Path track = Files.writeString(dir.resolve("uplink6"), "important data\n");
    Path file =
        Files.writeString(
            dir.resolve("failover.toml"),
            "status_file = \""
                + dir.resolve("status.json")
                + "\"\nkeepalived_track_file_ipv6 = \""
                + track
                + "\"\n"
                + DUAL_STACK_PROVIDER
                + V4_TEST
                + V6_TEST);

    assertThat(assertThrows(InvalidConfigException.class, () -> loader.load(file)).getMessage())
        .contains("keepalived_track_file_ipv6 must name a track file failover wrote (0 or 1)")
        .contains("was " + track);
  }
}
