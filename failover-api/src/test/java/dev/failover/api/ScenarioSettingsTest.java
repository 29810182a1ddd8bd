package dev.failover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ScenarioSettings}: typed reads, their bounds, messages that name the key's path. */
class ScenarioSettingsTest {

  private static ScenarioSettings settings(Object... keysAndValues) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      values.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return new ScenarioSettings("test_cases[1]", values);
  }

  @Test
  void path_andPathOf_nameTheTableAndKey() {
    ScenarioSettings s = settings();

    assertThat(s.path()).isEqualTo("test_cases[1]");
    assertThat(s.pathOf("port")).isEqualTo("test_cases[1].port");
  }

  @Test
  void string_present_returnsIt() {
    assertThat(settings("target", "192.0.2.1").string("target")).isEqualTo("192.0.2.1");
    assertThat(settings("target", "x").optionalString("target")).contains("x");
  }

  @Test
  void string_missing_saysRequired() {
    assertThatThrownBy(() -> settings().string("target"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("test_cases[1].target is required");
    assertThat(settings().optionalString("target")).isEmpty();
  }

  @Test
  void string_blankOrNotAString_describesTheValue() {
    assertThatThrownBy(() -> settings("target", " ").string("target"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("test_cases[1].target must be a non-empty string, was ' '");
    assertThatThrownBy(() -> settings("target", 7).string("target"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("test_cases[1].target must be a non-empty string, was 7 (number)");
    assertThatThrownBy(() -> settings("target", true).string("target"))
        .hasMessageEndingWith("was true (boolean)");
    assertThatThrownBy(() -> settings("target", List.of(1)).string("target"))
        .hasMessageEndingWith("was [1] (array)");
    assertThatThrownBy(() -> settings("target", Map.of("a", 1)).string("target"))
        .hasMessageEndingWith("was {a=1} (table)");
    assertThatThrownBy(() -> settings("target", 'c').string("target"))
        .hasMessageEndingWith("was c (Character)");
  }

  @Test
  void integer_absent_returnsTheDefault() {
    assertThat(settings().integer("port", 443, 1, 65535)).isEqualTo(443);
  }

  @Test
  void integer_atItsBounds_isAccepted() {
    assertThat(settings("port", 1).integer("port", 443, 1, 65535)).isEqualTo(1);
    assertThat(settings("port", 65535L).integer("port", 443, 1, 65535)).isEqualTo(65535);
    assertThat(settings("port", (short) 80).integer("port", 443, 1, 65535)).isEqualTo(80);
  }

  @Test
  void integer_outOfBoundsOrNotWhole_namesKeyAndBounds() {
    assertThatThrownBy(() -> settings("port", 0).integer("port", 443, 1, 65535))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "test_cases[1].port must be a whole number between 1 and 65535, was 0 (number)");
    assertThatThrownBy(() -> settings("port", 65536).integer("port", 443, 1, 65535))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> settings("port", 80.5).integer("port", 443, 1, 65535))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> settings("port", "80").integer("port", 443, 1, 65535))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("was '80'");
  }

  @Test
  void seconds_fractional_becomesADuration() {
    assertThat(settings("timeout", 0.25).seconds("timeout", Duration.ofSeconds(1)))
        .isEqualTo(Duration.ofMillis(250));
    assertThat(settings("timeout", 86_400).seconds("timeout", Duration.ofSeconds(1)))
        .isEqualTo(Duration.ofDays(1));
    assertThat(settings().seconds("timeout", Duration.ofSeconds(3)))
        .isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void seconds_zeroTooLongOrNotANumber_namesKey() {
    assertThatThrownBy(() -> settings("timeout", 0).seconds("timeout", Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("test_cases[1].timeout must be a number of seconds > 0 and <= 86400, was 0"
            + " (number)");
    assertThatThrownBy(() -> settings("timeout", 86_400.5).seconds("timeout", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> settings("timeout", "1").seconds("timeout", Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unreadKeys_afterReads_listsTheOthersSortedButNotType() {
    ScenarioSettings s = settings("type", "tcp", "zeta", 1, "host", "h", "alpha", 2);

    s.string("host");
    s.optionalString("missing");

    assertThat(s.unreadKeys()).containsExactly("alpha", "zeta");
  }

  @Test
  void new_nulls_nameTheArgument() {
    assertThatThrownBy(() -> new ScenarioSettings(null, Map.of()))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("path");
    assertThatThrownBy(() -> new ScenarioSettings("p", null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("values");
  }
}
