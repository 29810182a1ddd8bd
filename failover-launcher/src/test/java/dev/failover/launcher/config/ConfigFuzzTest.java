package dev.failover.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.failover.launcher.config.TextMutations.Mutation;
import dev.failover.testkit.Property;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A valid config mutated at random (seeded, shrunk; {@link TextMutations}): every outcome is a
 * valid config or an {@link InvalidConfigException} whose every problem names a key (or says the
 * file is not TOML), is printable and bounded; never another exception, a hang or a heap that
 * grows with the input (the inputs stay a few kilobytes; {@link ConfigHeapTest} covers the
 * largest files under the unit's heap). Replay a failure with {@code
 * -Dfailover.testkit.seed=...}, as the message says.
 */
class ConfigFuzzTest {
  private static final Path BASE = Path.of("/etc/failover");

  static final String VALID =
      String.join(
          "\n",
          "check_interval = 0.5",
          "start_metric = 100",
          "max_stored_test_result_count = 50",
          "max_failed_checks = 50",
          "min_consecutive_succeeded_checks = 1",
          "sticky_provider_filename = \"sticky.provider\"",
          "policy = \"damped\"",
          "fast_check_interval = 0.2",
          "probe_timeout = 0.2",
          "adaptive_probe_timeout = true",
          "probe_timeout_min = 0.1",
          "probe_timeout_max = 1",
          "reassert_interval = 30",
          "foreign_default_routes = \"demote\"",
          "status_file = \"/run/failover/status.json\"",
          "hook_timeout = 10",
          "http_listen = \"127.0.0.1:9680\"",
          "pin_flows = true",
          "flush_flows_on_down = \"provider\"",
          "fwmark_mask = 0x0f000000",
          "down_consecutive_failures = 3",
          "up_consecutive_successes = 3",
          "loss_window_rounds = 20",
          "loss_acceptable_percent = 5",
          "loss_degraded_percent = 30",
          "min_targets_up = 1",
          "failback_dwell = 30",
          "flap_penalty = 1",
          "flap_half_life = 60",
          "",
          "[[providers]]",
          "id = \"isp1\"",
          "interface_name = \"eth1\"",
          "ipv4_address = \"192.168.1.2\"",
          "network = \"192.168.1.0/24\"",
          "gateway = \"192.168.1.1\"",
          "rt_table_name = \"isp1\"",
          "rt_table_id = 101",
          "",
          "[[providers]]",
          "id = \"isp2\"",
          "interface_name = \"eth2\"",
          "ipv4_address = \"10.0.0.2\"",
          "network = \"10.0.0.0/30\"",
          "gateway = \"10.0.0.1\"",
          "rt_table_name = \"isp2\"",
          "rt_table_id = 102",
          "",
          "[[test_cases]]",
          "type = \"fake\"",
          "target = \"192.0.2.1\"",
          "",
          "[[test_cases]]",
          "type = \"tcp\"",
          "host = \"198.51.100.7\"",
          "port = 443",
          "timeout = 1",
          "");

  private static final TextMutations MUTATIONS =
      new TextMutations(
          List.of(
              "0", "-1", "1", "1e-9", "0.000000001", "0.01", "1e308", "-0.0", "nan", "inf",
              "-inf", "2147483648", "9223372036854775807", "99999999999999999999999", "0x7fffffff",
              "0o777", "1_000", "\"\"", "\" \"", "\"0.0.0.0\"", "\"255.255.255.255\"",
              "\"127.0.0.1\"", "\"224.0.0.1\"", "\"0.0.0.0/0\"", "\"192.168.1.0/33\"",
              "\"192.168.1.2/24\"", "\"eth0\\u001b[2J\"", "\"a\\nb\"", "\"\\u0000\"", "true",
              "[]", "{}", "[1, \"a\"]", "{a = 1}", "1979-05-27T07:32:00Z", "07:32:00",
              "\"" + "x".repeat(3000) + "\"", "\"../../etc/passwd\"", "\"original\"",
              "\"ping\"", "\"tcp\"", "'''multi\nline'''", "\"\\uD800\"",
              // IPv6 (issue 16): edges of the literal, the prefix and the families.
              "\"::\"", "\"::1\"", "\"fe80::1\"", "\"fe80::1%eth0\"", "\"[2001:db8::1]\"",
              "\"::ffff:192.0.2.1\"", "\"2001:db8::1\"", "\"2001:db8::/129\"",
              "\"2001:db8::1/64\"", "\"ff02::1\"", "\"1::2::3\"", "false"),
          List.of(
              "[[providers]]\n", "[[test_cases]]\n", "[a]\n", "]", "[", "[[", "=", "\"", "'",
              "'''", "\"\"\"", "\n", "#", ",", "{", "}", ".", "\u0000", "\u001b", "\uFEFF",
              "\u202e", "\\", "\\u", "a.b.c = 1\n", "check_interval = 5\n", "x", "0"),
          lines());

  private static ScenarioFactories factories;

  /** Lines setting a known key to an edge value. */
  private static List<String> lines() {
    List<String> lines = new ArrayList<>();
    for (String key : ConfigLoader.TOP_LEVEL_KEYS) {
      lines.add(key + " = 0");
      lines.add(key + " = \"\"");
      lines.add(key + " = 0.000000001");
    }
    for (String key : ConfigLoader.PROVIDER_KEYS) {
      lines.add(key + " = \"127.0.0.1\"");
      lines.add(key + " = \"0.0.0.0/0\"");
    }
    lines.add("target = \"255.255.255.255\"");
    lines.add("type = \"ping\"");
    lines.add("type = \"unknown\"");
    lines.add("[[test_cases]]\ntype = \"ping\"\ntarget = \"0.0.0.0\"");
    lines.add("ipv6 = true");
    lines.add("ipv4 = false");
    lines.add("ipv6_gateway = \"fe80::1\"");
    lines.add("ipv6_prefix = \"2001:db8:1::/64\"");
    lines.add("[[test_cases]]\ntype = \"ping\"\ntarget = \"2001:db8::1\"");
    lines.add("[[test_cases]]\ntype = \"tcp\"\nhost = \"fe80::1\"\nport = 1");
    return lines;
  }

  /** Every key the file may hold; a problem must name one of them (or its table). */
  private static final Set<String> KEY_WORDS = keyWords();

  private static Set<String> keyWords() {
    Set<String> words = new TreeSet<>(ConfigLoader.TOP_LEVEL_KEYS);
    words.addAll(ConfigLoader.PROVIDER_KEYS);
    words.addAll(ConfigLoader.REPLACED_KEYS.keySet());
    words.addAll(List.of("type", "target", "host", "port", "timeout", "engine"));
    return words;
  }

  @BeforeAll
  static void loadFactories() {
    // The class path's types (ping, tcp, fake), loaded once; closing them is a no-op.
    factories = ScenarioFactories.load(Path.of("/nonexistent/plugins"));
  }

  @AfterAll
  static void closeFactories() throws Exception {
    factories.close();
  }

  private static ConfigLoader loader() {
    return new ConfigLoader(dir -> factories);
  }

  @Test
  void valid_isValid() throws Exception {
    assertThat(loader().parse(VALID, BASE).providerIds()).containsExactly("isp1", "isp2");
  }

  @Test
  void check_mutatedConfig_isValidOrNamesAKey() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () ->
            Property.forAll(
                "mutated config is valid or names a key",
                Property.cases(2000),
                200,
                MUTATIONS.generator(6),
                TextMutations.shrinker(),
                ConfigFuzzTest::checkOne));
  }

  private static void checkOne(List<Mutation> mutations) {
    String text = TextMutations.apply(VALID, mutations);
    try {
      loader().check(text, BASE);
    } catch (InvalidConfigException e) {
      assertThat(e.problems()).isNotEmpty();
      for (String problem : e.problems()) {
        assertThat(problem)
            .as("a problem of%n%s", text)
            .hasSizeLessThanOrEqualTo(InvalidConfigException.MAX_PROBLEM_CHARS + 16)
            .doesNotContainPattern("[\\p{Cc}\\p{Cf}]");
        boolean syntax = problem.startsWith("the file is not valid TOML");
        boolean counted = problem.startsWith("and ") && problem.endsWith("not listed");
        assertThat(syntax || counted || namesAKey(problem))
            .as("problem names a key: %s%nin%n%s", problem, text)
            .isTrue();
      }
    }
  }

  private static boolean namesAKey(String problem) {
    return KEY_WORDS.stream().anyMatch(problem::contains)
        || problem.contains("is not a known key")
        || problem.contains("more unknown keys");
  }
}
