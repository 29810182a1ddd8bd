package dev.failover.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Durations for people, the countdown and the wrapping of the demo's lines. */
class ForPeopleTest {

  @Test
  void duration_eachRange_isRoundedToWhatAPersonReads() {
    assertThat(ForPeople.duration(Duration.ofNanos(30_040_781_798L))).isEqualTo("30 s");
    assertThat(ForPeople.duration(Duration.ofMillis(4_249))).isEqualTo("4.2 s");
    assertThat(ForPeople.duration(Duration.ofMillis(856))).isEqualTo("0.86 s");
    assertThat(ForPeople.duration(Duration.ZERO)).isEqualTo("0.00 s");
    assertThat(ForPeople.duration(Duration.ofMillis(996))).isEqualTo("1.0 s");
    assertThat(ForPeople.duration(Duration.ofMillis(9_960))).isEqualTo("10 s");
  }

  @Test
  void roundSeconds_longDecimals_areRoundedAndTheRestKept() {
    assertThat(
            ForPeople.roundSeconds(
                "healthy for 30.040781798 s (failback dwell 30 s), probe_timeout 0.2 s"))
        .isEqualTo("healthy for 30 s (failback dwell 30 s), probe_timeout 0.2 s");
  }

  @Test
  void countdown_roundsUpToFiveSecondSteps() {
    assertThat(Demo.countdown(Duration.ofMillis(24_100))).isEqualTo("in about 25 s");
    assertThat(Demo.countdown(Duration.ofSeconds(25))).isEqualTo("in about 25 s");
    assertThat(Demo.countdown(Duration.ofMillis(300))).isEqualTo("in about 5 s");
    assertThat(Demo.countdown(Duration.ofSeconds(-2))).isEqualTo("any moment now");
  }

  @Test
  void wrap_longText_breaksBetweenWordsWithinTheWidth() {
    assertThat(Demo.wrap("expected: one two three four", 16, "   "))
        .containsExactly("   expected: one", "   two three", "   four");
  }
}
