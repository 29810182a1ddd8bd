package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RttEstimatorTest {
  private static final Duration INITIAL = Duration.ofMillis(200);
  private static final Duration FLOOR = Duration.ofMillis(100);
  private static final Duration CEILING = Duration.ofSeconds(1);

  private static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }

  @Test
  void timeout_noSample_isTheInitialTimeout() {
    assertThat(RttEstimator.NONE.timeout(INITIAL, FLOOR, CEILING)).isEqualTo(INITIAL);
  }

  @Test
  void update_firstSample_srttIsTheSampleAndRttvarHalfOfIt() {
    RttEstimator estimate = RttEstimator.NONE.update(ms(300));

    // RFC 6298 2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4 RTTVAR = 900 ms.
    assertThat(estimate.srtt()).isEqualTo(ms(300));
    assertThat(estimate.timeout(INITIAL, FLOOR, CEILING)).isEqualTo(ms(900));
  }

  @Test
  void update_laterSample_smoothsAsRfc6298() {
    RttEstimator estimate = RttEstimator.NONE.update(ms(20)).update(ms(340));

    // RTTVAR = 3/4 * 10 + 1/4 * |20 - 340| = 87.5; SRTT = 7/8 * 20 + 1/8 * 340 = 60.
    assertThat(estimate.srtt()).isEqualTo(ms(60));
    assertThat(estimate.rttvarNanos()).isEqualTo(ms(87).toNanos() + 500_000);
    assertThat(estimate.timeout(INITIAL, FLOOR, CEILING)).isEqualTo(ms(410));
  }

  @Test
  void timeout_steadyFastLink_isTheFloor() {
    RttEstimator estimate = RttEstimator.NONE;
    for (int i = 0; i < 50; i++) {
      estimate = estimate.update(ms(20));
    }

    assertThat(estimate.timeout(INITIAL, FLOOR, CEILING)).isEqualTo(FLOOR);
  }

  @Test
  void timeout_verySlowLink_isTheCeiling() {
    assertThat(RttEstimator.NONE.update(ms(2000)).timeout(INITIAL, FLOOR, CEILING))
        .isEqualTo(CEILING);
  }

  @Test
  void timeout_noVariation_atLeastTheGranularityAboveSrtt() {
    RttEstimator estimate = new RttEstimator(10, ms(500).toNanos(), 0);

    assertThat(estimate.timeout(INITIAL, FLOOR, CEILING)).isEqualTo(ms(501));
  }

  @Test
  void constructor_negativeValues_rejectedNamingEach() {
    assertThatThrownBy(() -> new RttEstimator(-1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("samples must be >= 0, was -1");
    assertThatThrownBy(() -> new RttEstimator(1, -1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("srttNanos must be >= 0, was -1");
    assertThatThrownBy(() -> new RttEstimator(1, 0, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rttvarNanos must be >= 0, was -1");
    assertThat(new RttEstimator(0, 0, 0)).isEqualTo(RttEstimator.NONE);
  }
}
