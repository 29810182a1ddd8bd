package dev.failover.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.core.DampedPolicySettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The example config shipped in the jar loads, and it and the reference document every key. */
class ExampleConfigTest {

  private static String example() throws IOException {
    try (InputStream in = ExampleConfigTest.class.getResourceAsStream("/failover.example.toml")) {
      assertThat(in).as("failover.example.toml on the class path").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void example_loadsWithTheStockTestCaseTypes() throws Exception {
    // The real factories of failover-linux (ping, tcp), found through ServiceLoader.
    FailoverConfig config = new ConfigLoader().parse(example(), Path.of("/etc/failover"));

    assertThat(config.providerIds()).containsExactly("isp1", "isp2");
    assertThat(config.testCases()).hasSize(2);
    assertThat(config.policy()).isEqualTo(Policies.DEFAULT);
    assertThat(config.stickyProviderFilename()).isEqualTo(Path.of("/etc/failover/sticky.provider"));
  }

  @Test
  void example_setsEveryKeyToItsDefault() throws Exception {
    FailoverConfig example = new ConfigLoader().parse(example(), Path.of("/etc/failover"));
    FailoverConfig defaults =
        FailoverConfig.builder()
            .providers(example.providers())
            .testCases(example.testCases())
            .stickyProviderFilename(Path.of("/etc/failover/sticky.provider"))
            .build();

    assertThat(example).isEqualTo(defaults);
  }

  @Test
  void example_checked_notesNothing() throws Exception {
    LoadedConfig checked = new ConfigLoader().check(example(), Path.of("/etc/failover"));

    assertThat(checked.notes()).isEmpty();
    assertThat(checked.config().policy()).isEqualTo("damped");
    assertThat(checked.config().checkInterval()).isEqualTo(java.time.Duration.ofMillis(500));
  }

  /**
   * The numbers the comments derive from the settings are what the loader and the damped policy
   * make of them, so that a changed default cannot leave a comment behind.
   */
  @Test
  void example_commentsStateWhatTheLoaderDoes() throws Exception {
    String example = example();
    String comments = comments(example);
    FailoverConfig config = new ConfigLoader().parse(example, Path.of("/etc/failover"));
    DampedPolicySettings damped = config.dampedPolicy();

    assertThat(config.policy()).isEqualTo("damped");
    // The round rule, as check-config words it ("1 of 2 targets must answer").
    String roundRule = "a round succeeds when at least min_targets_up of them \\((\\d+) by";
    assertThat(number(comments, roundRule)).isEqualTo(damped.minTargetsUp());
    assertThat(comments).doesNotContain("succeeds only if every one");
    // Down after N failed rounds in a row: N times the fast cadence.
    Duration downAfter =
        config.fastCheckInterval().multipliedBy(damped.downConsecutiveFailures());
    assertThat(comments).contains("(" + Durations.format(downAfter) + " at the fast cadence)");
    // The loss test's figures quoted in the comments are the documented ones for these defaults.
    assertThat(damped.lossAcceptablePercent()).isEqualTo(8.0);
    assertThat(damped.lossDegradedPercent()).isEqualTo(20.0);
    assertThat(comments).contains("20% loss is left after about 8 s");
    int needed =
        (int) Math.ceil(damped.recoveryThreshold() / -damped.answeredProbeScore());
    assertThat(comments).contains(needed + " answered probes after an outage");
    // "Default: 0.2" of the two cadence keys.
    assertThat(number(comments, "Default: ([0-9.]+), or check_interval if"))
        .isEqualTo(seconds(config.fastCheckInterval()));
    assertThat(number(comments, "Default: ([0-9.]+), or fast_check_interval if"))
        .isEqualTo(seconds(config.probeTimeout()));
  }

  /** Every key the example leaves commented out shows its default, but max_latency (off). */
  @Test
  void example_commentedOutKeys_showTheirDefaults() throws Exception {
    String example = example();
    FailoverConfig plain = new ConfigLoader().parse(example, Path.of("/etc/failover"));
    Matcher commented = Pattern.compile("(?m)^# ([a-z_]+) = (\\S+)$").matcher(example);
    List<String> keys = new java.util.ArrayList<>();
    while (commented.find()) {
      String key = commented.group(1);
      keys.add(key);
      if (key.equals("max_latency")) {
        continue;
      }
      String uncommented = example.replace(commented.group(), key + " = " + commented.group(2));

      assertThat(new ConfigLoader().parse(uncommented, Path.of("/etc/failover")))
          .as("the example with %s uncommented", key)
          .isEqualTo(plain);
    }
    assertThat(keys)
        .containsExactly("max_failed_checks", "min_consecutive_succeeded_checks", "max_latency");
  }

  /** The text of the comment lines, joined by spaces, without their {@code #}. */
  private static String comments(String toml) {
    return toml.lines()
        .filter(line -> line.startsWith("#"))
        .map(line -> line.replaceFirst("^#+\\s*", ""))
        .collect(Collectors.joining(" "));
  }

  private static double seconds(Duration duration) {
    return Double.parseDouble(Durations.seconds(duration));
  }

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("the example matches %s", regex).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void example_mentionsEveryKey() throws Exception {
    String example = example();

    for (String key : allKeys()) {
      assertThat(example).as("the example config documents %s", key).contains(key);
    }
  }

  @Test
  void configurationReference_documentsEveryKeyWithItsConfigPyName() throws Exception {
    Path reference = Path.of("..", "docs", "configuration.md");
    String text = Files.readString(reference, StandardCharsets.UTF_8);

    for (String key : allKeys()) {
      assertThat(text).as("docs/configuration.md documents %s", key).contains("`" + key + "`");
    }
    for (String key : ConfigLoader.TOP_LEVEL_KEYS.subList(0, 6)) {
      assertThat(text).contains(key.toUpperCase(java.util.Locale.ROOT));
    }
  }

  private static List<String> allKeys() {
    List<String> keys = new java.util.ArrayList<>(ConfigLoader.TOP_LEVEL_KEYS);
    keys.addAll(ConfigLoader.PROVIDER_KEYS);
    return keys;
  }
}
