package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProbeTimeoutsTest {
  @Test
  void adaptiveDefaults_always_tenthOfASecondToOneSecond() {
    ProbeTimeouts timeouts = ProbeTimeouts.adaptiveDefaults();

    assertThat(timeouts.adaptive()).isTrue();
    assertThat(timeouts.min()).isEqualTo(Duration.ofMillis(100));
    assertThat(timeouts.max()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void constructor_minZero_rejectedNamingKey() {
    assertThatThrownBy(() -> new ProbeTimeouts(true, Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("probe_timeout_min must be > 0 s, was 0 s");
  }

  @Test
  void constructor_maxBelowMin_rejectedNamingBothKeys() {
    assertThatThrownBy(
            () -> new ProbeTimeouts(true, Duration.ofMillis(500), Duration.ofMillis(400)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("probe_timeout_max must be >= probe_timeout_min (0.5 s)")
        .hasMessageContaining("was 0.4 s");
  }

  @Test
  void constructor_maxAboveAMinute_rejected() {
    assertThatThrownBy(
            () -> new ProbeTimeouts(true, Duration.ofMillis(100), Duration.ofSeconds(61)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("<= 60 s");
  }

  @Test
  void constructor_maxEqualToMinAndMaxAMinute_accepted() {
    assertThat(new ProbeTimeouts(true, Duration.ofMillis(300), Duration.ofMillis(300)).max())
        .isEqualTo(Duration.ofMillis(300));
    assertThat(new ProbeTimeouts(true, Duration.ofMillis(100), Duration.ofSeconds(60)).max())
        .isEqualTo(Duration.ofSeconds(60));
  }
}
