package dev.failover.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
