package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.AddressFamily;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EngineSettingsTest {
  private static final Duration FIVE_S = Duration.ofSeconds(5);

  @Test
  void constructor_zeroCheckInterval_throwsNamingKey() {
    assertThatThrownBy(() -> new EngineSettings(Duration.ZERO, Duration.ofSeconds(1), 100, 50, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("check_interval must be > 0, was PT0S");
  }

  @Test
  void constructor_negativeProbeTimeout_throwsNamingKey() {
    assertThatThrownBy(() -> new EngineSettings(FIVE_S, Duration.ofSeconds(-1), 100, 50, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("probe_timeout must be > 0, was PT-1S");
  }

  @Test
  void constructor_probeTimeoutAboveInterval_throwsNamingBoth() {
    assertThatThrownBy(() -> new EngineSettings(FIVE_S, Duration.ofSeconds(6), 100, 50, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("probe_timeout must be <= check_interval (PT5S), was PT6S");
  }

  @Test
  void constructor_probeTimeoutEqualToInterval_accepted() {
    assertThat(new EngineSettings(FIVE_S, FIVE_S, 100, 50, 1).probeTimeout()).isEqualTo(FIVE_S);
  }

  @Test
  void constructor_negativeStartMetric_throwsNamingKey() {
    assertThatThrownBy(() -> new EngineSettings(FIVE_S, FIVE_S, -1, 50, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("start_metric must be >= 0, was -1");
  }

  @Test
  void constructor_zeroHistory_throwsNamingKey() {
    assertThatThrownBy(() -> new EngineSettings(FIVE_S, FIVE_S, 100, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max_stored_test_result_count must be >= 1, was 0");
  }

  @Test
  void constructor_zeroReassert_throwsNamingKey() {
    assertThatThrownBy(() -> new EngineSettings(FIVE_S, FIVE_S, 100, 50, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reassert_every_ticks must be >= 1, was 0");
  }

  @Test
  void constructor_nullInterval_throwsNamingKey() {
    assertThatThrownBy(() -> new EngineSettings(null, FIVE_S, 100, 50, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("check_interval");
  }

  private static final Duration ONE_S = Duration.ofSeconds(1);

  @Test
  void constructor_zeroFastCheckInterval_throwsNamingKey() {
    assertThatThrownBy(() -> new EngineSettings(FIVE_S, ONE_S, 100, 50, 1, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fast_check_interval must be > 0, was PT0S");
  }

  @Test
  void constructor_fastCheckIntervalAboveCheckInterval_throwsNamingBoth() {
    assertThatThrownBy(
            () -> new EngineSettings(FIVE_S, ONE_S, 100, 50, 1, Duration.ofSeconds(6)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fast_check_interval must be <= check_interval (PT5S), was PT6S");
  }

  @Test
  void constructor_probeTimeoutAboveFastCheckInterval_throwsNamingBoth() {
    assertThatThrownBy(
            () -> new EngineSettings(FIVE_S, Duration.ofSeconds(2), 100, 50, 1, ONE_S))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("probe_timeout must be <= fast_check_interval (PT1S), was PT2S");
  }

  @Test
  void constructor_nullFastCheckInterval_throwsNamingKey() {
    assertThatThrownBy(() -> new EngineSettings(FIVE_S, ONE_S, 100, 50, 1, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("fast_check_interval");
  }

  @Test
  void constructor_probeTimeoutEqualToFastCheckInterval_accepted() {
    EngineSettings settings = new EngineSettings(FIVE_S, ONE_S, 100, 50, 1, ONE_S);

    assertThat(settings.fastCheckInterval()).isEqualTo(ONE_S);
    assertThat(settings.fastCadence()).isTrue();
  }

  @Test
  void constructor_withoutFastCheckInterval_fastEqualsCheckInterval() {
    EngineSettings settings = new EngineSettings(FIVE_S, ONE_S, 100, 50, 1);

    assertThat(settings.fastCheckInterval()).isEqualTo(FIVE_S);
    assertThat(settings.fastCadence()).isFalse();
  }

  @Test
  void withFastCheckInterval_valid_replacesOnlyThat() {
    EngineSettings settings = new EngineSettings(FIVE_S, ONE_S, 100, 50, 7);

    EngineSettings fast = settings.withFastCheckInterval(Duration.ofMillis(1500));

    assertThat(fast)
        .isEqualTo(new EngineSettings(FIVE_S, ONE_S, 100, 50, 7, Duration.ofMillis(1500)));
  }

  @Test
  void withFastCheckInterval_belowProbeTimeout_throws() {
    EngineSettings settings = new EngineSettings(FIVE_S, Duration.ofSeconds(4), 100, 50, 1);

    assertThatThrownBy(() -> settings.withFastCheckInterval(ONE_S))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("probe_timeout must be <= fast_check_interval (PT1S), was PT4S");
  }

  @Test
  void defaults_originalValues() {
    EngineSettings defaults = EngineSettings.defaults();

    assertThat(defaults.checkInterval()).isEqualTo(FIVE_S);
    assertThat(defaults.startMetric()).isEqualTo(100);
    assertThat(defaults.historyCapacity()).isEqualTo(50);
    assertThat(defaults.reassertEveryTicks()).isEqualTo(12);
    assertThat(defaults.fastCheckInterval()).isEqualTo(FIVE_S);
  }

  @Test
  void ticksFor_exactMultiple_thatMany() {
    assertThat(EngineSettings.ticksFor(Duration.ofSeconds(60), FIVE_S)).isEqualTo(12);
  }

  @Test
  void ticksFor_notAMultiple_roundsUp() {
    assertThat(EngineSettings.ticksFor(Duration.ofMillis(1001), Duration.ofMillis(250)))
        .isEqualTo(5);
  }

  @Test
  void ticksFor_shorterThanInterval_one() {
    assertThat(EngineSettings.ticksFor(Duration.ofMillis(1), FIVE_S)).isEqualTo(1);
  }

  @Test
  void ticksFor_zeroInterval_throwsNamingKey() {
    assertThatThrownBy(() -> EngineSettings.ticksFor(Duration.ZERO, FIVE_S))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reassert_interval must be > 0, was PT0S");
  }

  @Test
  void withFamily_ipv6_replacesOnlyTheFamilyAndFastCadenceKeepsIt() {
    EngineSettings v4 =
        new EngineSettings(Duration.ofSeconds(5), Duration.ofSeconds(1), 100, 50, 3)
            .withFastCheckInterval(Duration.ofSeconds(2));

    EngineSettings v6 = v4.withFamily(AddressFamily.IPV6);

    assertThat(v4.family()).isEqualTo(AddressFamily.IPV4);
    assertThat(v6.family()).isEqualTo(AddressFamily.IPV6);
    assertThat(v6.withFamily(AddressFamily.IPV4)).isEqualTo(v4);
    assertThat(v6.withFastCheckInterval(Duration.ofSeconds(3)).family())
        .isEqualTo(AddressFamily.IPV6);
  }

  @Test
  void constructor_nullFamily_throwsNamingIt() {
    assertThatThrownBy(
            () ->
                new EngineSettings(
                    Duration.ofSeconds(5), Duration.ofSeconds(1), 100, 50, 3, Duration.ofSeconds(5),
                    null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("family");
  }
}
