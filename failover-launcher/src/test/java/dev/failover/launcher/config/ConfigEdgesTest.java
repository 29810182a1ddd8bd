package dev.failover.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.failover.linux.NoFollowFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edges the config loader accepted before issue 15 (intervals of 1 ns, a 0.0.0.0/0 network,
 * loopback and multicast providers, unusable ping targets, a config that is a FIFO or huge, raw
 * control characters and the values of unknown keys in messages): each is refused with the key,
 * the rule and the value.
 */
class ConfigEdgesTest {
  private static final Path BASE = Path.of("/etc/failover");

  private final ConfigLoader loader = new ConfigLoader(dir -> FakeScenarioFactory.factories());

  private static String provider(String id, int index, String address, String network,
      String gateway) {
    return "[[providers]]\n"
        + "id = \"" + id + "\"\n"
        + "interface_name = \"eth" + index + "\"\n"
        + "ipv4_address = \"" + address + "\"\n"
        + "network = \"" + network + "\"\n"
        + "gateway = \"" + gateway + "\"\n"
        + "rt_table_name = \"" + id + "\"\n"
        + "rt_table_id = " + (100 + index) + "\n";
  }

  private static final String PROVIDERS =
      provider("isp1", 1, "192.168.1.2", "192.168.1.0/24", "192.168.1.1")
          + provider("isp2", 2, "192.168.1.3", "192.168.1.0/24", "192.168.1.1");

  private static final String TEST_CASE =
      "[[test_cases]]\ntype = \"fake\"\ntarget = \"192.0.2.1\"\n";

  private String problem(String toml) {
    return assertThrows(InvalidConfigException.class, () -> loader.parse(toml, BASE))
        .getMessage();
  }

  @Test
  void parse_checkIntervalOfOneNanosecond_isBelowTheFloor() {
    assertThat(problem("check_interval = 0.000000001\n" + PROVIDERS + TEST_CASE))
        .contains("check_interval must be at least 0.01 s")
        .contains("was 1E-9 (float)");
  }

  @Test
  void parse_everyDurationKeyBelowTheFloor_isRefused() {
    for (String key :
        List.of(
            "fast_check_interval",
            "probe_timeout",
            "probe_timeout_min",
            "probe_timeout_max",
            "reassert_interval",
            "hook_timeout",
            "max_latency",
            "flap_half_life",
            "flap_max_hold")) {
      assertThat(problem(key + " = 0.001\n" + PROVIDERS + TEST_CASE))
          .as(key)
          .contains(key + " must be at least 0.01 s");
    }
  }

  @Test
  void parse_pingTimeoutOfOneNanosecond_isBelowTheFloor() {
    assertThat(
            problem(
                PROVIDERS
                    + "[[test_cases]]\ntype = \"ping\"\ntarget = \"192.0.2.1\"\n"
                    + "timeout = 0.000000001\n"))
        .contains("test_cases[0].timeout must be at least 0.01 s")
        .contains("was 1E-9 (float)");
  }

  @Test
  void parse_failbackDwellBelowTheFloor_mayBeZeroButNotTiny() throws Exception {
    assertThat(loader.parse("failback_dwell = 0\n" + PROVIDERS + TEST_CASE, BASE)).isNotNull();
    assertThat(problem("failback_dwell = 0.000001\n" + PROVIDERS + TEST_CASE))
        .contains("failback_dwell must be 0 or at least 0.01 s");
  }

  @Test
  void parse_intervalAtTheFloor_isAccepted() throws Exception {
    FailoverConfig config =
        loader.parse(
            "check_interval = 0.01\nfast_check_interval = 0.01\nprobe_timeout = 0.01\n"
                + "policy = \"original\"\n"
                + PROVIDERS
                + TEST_CASE,
            BASE);

    assertThat(config.checkInterval()).isEqualTo(Duration.ofMillis(10));
  }

  @Test
  void parse_networkOfTheWholeInternet_isRefused() {
    assertThat(
            problem(
                provider("isp1", 1, "192.168.1.2", "0.0.0.0/0", "192.168.1.1") + TEST_CASE))
        .contains("providers[0].network must have a prefix length of at least /8")
        .contains("was '0.0.0.0/0'");
  }

  @Test
  void parse_loopbackProvider_isRefused() {
    assertThat(problem(provider("lo", 1, "127.0.0.2", "127.0.0.0/8", "127.0.0.1") + TEST_CASE))
        .contains("providers[0].ipv4_address must be a unicast address, not loopback")
        .contains("was '127.0.0.2'")
        .contains("providers[0].gateway must be a unicast address, not loopback")
        .contains("providers[0].network must be a unicast network, not loopback");
  }

  @Test
  void parse_multicastProvider_isRefused() {
    assertThat(
            problem(provider("mc", 1, "224.0.0.2", "224.0.0.0/24", "224.0.0.1") + TEST_CASE))
        .contains("providers[0].ipv4_address must be a unicast address, not multicast")
        .contains("was '224.0.0.2'")
        .contains("providers[0].gateway must be a unicast address, not multicast");
  }

  @Test
  void parse_pingTargetUnspecifiedOrBroadcast_isRefused() {
    assertThat(problem(PROVIDERS + "[[test_cases]]\ntype = \"ping\"\ntarget = \"0.0.0.0\"\n"))
        .contains("test_cases[0].target must be a unicast address that a probe through a provider"
            + " can reach, not in 0.0.0.0/8")
        .contains("was '0.0.0.0'");
    assertThat(
            problem(
                PROVIDERS + "[[test_cases]]\ntype = \"ping\"\ntarget = \"255.255.255.255\"\n"))
        .contains("test_cases[0].target must be a unicast address")
        .contains("not the limited broadcast address")
        .contains("was '255.255.255.255'");
    assertThat(
            problem(
                PROVIDERS + "[[test_cases]]\ntype = \"tcp\"\nhost = \"127.0.0.1\"\nport = 80\n"))
        .contains("test_cases[0].host must be a unicast address")
        .contains("not loopback");
  }

  @Test
  void load_configThatIsAFifo_isRefusedWithoutBlocking(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("failover.toml");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();

    InvalidConfigException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () -> assertThrows(InvalidConfigException.class, () -> loader.load(fifo)));

    assertThat(e.getMessage())
        .isEqualTo("config file " + fifo + " must be a regular file, was a FIFO (named pipe)");
  }

  /** The open itself, for a FIFO that replaced the file after it was looked at. */
  @Test
  void readFollowingLinks_fifo_opensWithoutBlockingAndIsRefused(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("swapped.toml");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

    java.io.IOException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () ->
                assertThrows(
                    java.io.IOException.class,
                    () -> NoFollowFiles.readFollowingLinks(fifo, 100)));

    assertThat(e).hasMessageContaining("is not a regular file (a FIFO, socket or device)");
  }

  @Test
  void readFollowingLinks_regularFileOrALinkToOne_readsAtMostTheLimitAndOneByte(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a.toml"), "0123456789");

    // At most the limit and one byte more, so that a caller can tell "too large".
    assertThat(NoFollowFiles.readFollowingLinks(file, 4))
        .isEqualTo("01234".getBytes(StandardCharsets.UTF_8));
    assertThat(NoFollowFiles.readFollowingLinks(file, 100)).hasSize(10);
    Path link = Files.createSymbolicLink(dir.resolve("link.toml"), file);
    assertThat(NoFollowFiles.readFollowingLinks(link, 100)).hasSize(10);
    assertThatThrownBy(() -> NoFollowFiles.readFollowingLinks(dir.resolve("absent"), 4))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
  }

  @Test
  void load_configThatIsAFolderOrADevice_isRefused(@TempDir Path dir) {
    assertThatThrownBy(() -> loader.load(dir))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("config file " + dir + " must be a regular file, was a folder");
    assertThatThrownBy(() -> loader.load(Path.of("/dev/zero")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("config file /dev/zero must be a regular file, was a character device");
  }

  @Test
  void load_hugeConfig_isRefusedBeforeParsing(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("failover.toml");
    // 12 MB, as in the finding; only the first MAX_CONFIG_BYTES + 1 are read.
    byte[] line = "# a comment line of a config that is far too large for one\n"
        .getBytes(StandardCharsets.UTF_8);
    try (var out = Files.newOutputStream(file)) {
      for (int written = 0; written < 12 * 1024 * 1024; written += line.length) {
        out.write(line);
      }
    }

    assertThatThrownBy(() -> loader.load(file))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "config file " + file + " must be at most " + ConfigLoader.MAX_CONFIG_BYTES
                + " bytes (a config is a few kilobytes), was larger");
  }

  @Test
  void load_configAtTheSizeBound_isParsed(@TempDir Path dir) throws Exception {
    String valid = PROVIDERS + TEST_CASE;
    String padding = "#".repeat(ConfigLoader.MAX_CONFIG_BYTES - valid.length() - 1) + "\n";
    Path file = Files.writeString(dir.resolve("failover.toml"), padding + valid);

    assertThat(Files.size(file)).isEqualTo(ConfigLoader.MAX_CONFIG_BYTES);
    assertThat(loader.load(file).providerIds()).containsExactly("isp1", "isp2");
  }

  @Test
  void load_notUtf8_namesTheFile(@TempDir Path dir) throws Exception {
    Path file = Files.write(dir.resolve("failover.toml"), new byte[] {'a', '=', (byte) 0xff});

    assertThatThrownBy(() -> loader.load(file))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("config file " + file + " must be UTF-8 text");
  }

  @Test
  void parse_controlCharactersInAValue_areEscaped() {
    String message =
        problem("policy = \"evil\\u001b[2J\\r\\nInvalid: nothing\"\n" + PROVIDERS + TEST_CASE);

    assertThat(message)
        .contains("\\u001b[2J\\r\\nInvalid: nothing")
        .doesNotContain("\u001b")
        .doesNotContain("\r")
        .doesNotContain("\n");
  }

  @Test
  void parse_controlCharactersInAnUnknownKeyName_areEscaped() {
    String message = problem("\"bad\\u001bkey\" = 1\n" + PROVIDERS + TEST_CASE);

    assertThat(message).contains("bad\\u001bkey is not a known key").doesNotContain("\u001b");
  }

  @Test
  void parse_unknownKeysValue_isNotEchoed() {
    String secret = "s3cr3t-" + "x".repeat(5000);

    String message = problem("password = \"" + secret + "\"\n" + PROVIDERS + TEST_CASE);

    assertThat(message).contains("password is not a known key").doesNotContain("s3cr3t");
  }

  @Test
  void parse_longValueOfAKnownKey_isCut() {
    String message =
        problem(
            "foreign_default_routes = \"" + "p".repeat(100_000) + "\"\n" + PROVIDERS + TEST_CASE);

    assertThat(message).contains("(100000 characters)").hasSizeLessThan(1_000);
  }

  @Test
  void parse_longValueInAnotherRecordsMessage_isCutToo() {
    String message =
        problem("policy = \"" + "p".repeat(100_000) + "\"\n" + PROVIDERS + TEST_CASE);

    assertThat(message).endsWith("... (cut)").hasSizeLessThan(2_100);
  }

  @Test
  void parse_manyUnknownKeys_listsABoundedNumberOfThem() {
    StringBuilder toml = new StringBuilder();
    for (int i = 0; i < 10_000; i++) {
      toml.append("unknown_").append(i).append(" = ").append(i).append('\n');
    }

    InvalidConfigException e =
        assertThrows(
            InvalidConfigException.class,
            () -> loader.parse(toml + PROVIDERS + TEST_CASE, BASE));

    assertThat(e.problems()).hasSize(ConfigLoader.MAX_UNKNOWN_KEYS_LISTED + 1);
    assertThat(e.problems().get(ConfigLoader.MAX_UNKNOWN_KEYS_LISTED))
        .isEqualTo(
            "and " + (10_000 - ConfigLoader.MAX_UNKNOWN_KEYS_LISTED) + " more unknown keys, not"
                + " listed");
  }

  @Test
  void parse_manyProblems_listsABoundedNumber() {
    String toml = "[[providers]]\n".repeat(1_000) + TEST_CASE;

    InvalidConfigException e =
        assertThrows(InvalidConfigException.class, () -> loader.parse(toml, BASE));

    assertThat(e.problems()).hasSize(ConfigLoader.MAX_PROBLEMS + 1);
    assertThat(e.problems().get(ConfigLoader.MAX_PROBLEMS))
        // An empty provider misses its four required keys (the other three may be learned).
        .isEqualTo("and " + (4 * 1_000 - ConfigLoader.MAX_PROBLEMS) + " more problems, not listed");
  }

  @Test
  void parse_unknownKeyOfATestCaseType_doesNotEchoItsValue() {
    String message =
        problem(PROVIDERS + TEST_CASE.replace("target = ", "token = \"hidden\"\ntarget = "));

    assertThat(message)
        .contains("test_cases[0].token is not a key that test case type 'fake' knows")
        .doesNotContain("hidden");
  }

  /** Found by {@link ConfigFuzzTest}: an InvalidPathException escaped the loader. */
  @Test
  void parse_pathWithANulCharacter_namesTheKey() {
    assertThat(problem("status_file = \"/run/a\\u0000b\"\n" + PROVIDERS + TEST_CASE))
        .contains("status_file must be a path without NUL characters")
        .contains("\\u0000");
  }

  @Test
  void messagesEscape_keepsPrintableTextAndEscapesControls() {
    assertThat(Messages.escape("plain ü € text")).isEqualTo("plain ü € text");
    assertThat(Messages.escape("a\tb\u0007c\u202ed\u0085"))
        .isEqualTo("a\\tb\\u0007c\\u202ed\\u0085");
    assertThat(Map.of("k", Messages.shorten("x".repeat(300))).get("k"))
        .startsWith("x".repeat(Messages.MAX_VALUE_CHARS) + "...")
        .endsWith("(300 characters)");
  }
}
