package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class DampedPolicySettingsTest {

  private static DampedPolicySettings with(UnaryOperator<DampedPolicySettings.Builder> change) {
    return change.apply(DampedPolicySettings.builder()).build();
  }

  private static void assertRejected(
      UnaryOperator<DampedPolicySettings.Builder> change, String... fragments) {
    assertThatThrownBy(() -> with(change))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(fragments);
  }

  @Test
  void defaults_always_matchTheDocumentedValues() {
    DampedPolicySettings settings = DampedPolicySettings.defaults();

    assertThat(settings.downConsecutiveFailures()).isEqualTo(3);
    assertThat(settings.upConsecutiveSuccesses()).isEqualTo(5);
    assertThat(settings.lossWindowRounds()).isEqualTo(50);
    assertThat(settings.lossAcceptablePercent()).isEqualTo(8.0);
    assertThat(settings.lossDegradedPercent()).isEqualTo(20.0);
    assertThat(settings.lossFalseAlarmProbability()).isEqualTo(1e-4);
    assertThat(settings.lossFalseRecoveryProbability()).isEqualTo(1e-3);
    assertThat(settings.minTargetsUp()).isEqualTo(1);
    assertThat(settings.maxLatency()).isEmpty();
    assertThat(settings.failbackDwell()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.flapPenalty()).isEqualTo(1000.0);
    assertThat(settings.flapReuseThreshold()).isEqualTo(1000.0);
    assertThat(settings.flapHalfLife()).isEqualTo(Duration.ofSeconds(120));
    assertThat(settings.flapMaxHold()).isEqualTo(Duration.ofSeconds(600));
    assertThat(settings.targetCorrelation()).isTrue();
  }

  @Test
  void toBuilder_unchanged_buildsEqualSettings() {
    DampedPolicySettings settings =
        with(b -> b.maxLatency(Duration.ofMillis(500)).targetCorrelation(false).minTargetsUp(2));

    assertThat(settings.toBuilder().build()).isEqualTo(settings);
  }

  @Test
  void maxPenalty_defaults_reuseTimesTwoToTheFifth() {
    // 600 s of hold at a 120 s half-life is 5 half-lives: 1000 * 2^5.
    assertThat(DampedPolicySettings.defaults().maxPenalty()).isEqualTo(32_000.0);
  }

  @Test
  void constructor_downConsecutiveFailuresZero_rejectedNamingKey() {
    assertRejected(
        b -> b.downConsecutiveFailures(0), "down_consecutive_failures", "between 1 and", "was 0");
  }

  @Test
  void constructor_upConsecutiveSuccessesZero_rejectedNamingKey() {
    assertRejected(b -> b.upConsecutiveSuccesses(0), "up_consecutive_successes", "was 0");
  }

  @Test
  void constructor_lossWindowRoundsNegative_rejectedNamingKey() {
    assertRejected(b -> b.lossWindowRounds(-5), "loss_window_rounds", "was -5");
  }

  @Test
  void constructor_lossAcceptablePercentZero_rejectedNamingKey() {
    assertRejected(
        b -> b.lossAcceptablePercent(0), "loss_acceptable_percent must be > 0", "was 0.0");
  }

  @Test
  void constructor_lossAcceptablePercentNaN_rejectedNamingKey() {
    assertRejected(b -> b.lossAcceptablePercent(Double.NaN), "loss_acceptable_percent", "was NaN");
  }

  @Test
  void constructor_lossDegradedPercentEqualToAcceptable_rejectedNamingBoth() {
    assertRejected(
        b -> b.lossAcceptablePercent(10).lossDegradedPercent(10),
        "loss_degraded_percent must be above loss_acceptable_percent (10.0)",
        "was 10.0");
  }

  @Test
  void constructor_lossDegradedPercent100_rejectedNamingKey() {
    assertRejected(b -> b.lossDegradedPercent(100), "loss_degraded_percent", "< 100", "was 100.0");
  }

  @Test
  void constructor_lossFalseAlarmProbabilityZero_rejectedNamingKey() {
    assertRejected(
        b -> b.lossFalseAlarmProbability(0),
        "loss_false_alarm_probability must be > 0 and < 0.5",
        "was 0.0");
  }

  @Test
  void constructor_lossFalseRecoveryProbabilityHalf_rejectedNamingKey() {
    assertRejected(
        b -> b.lossFalseRecoveryProbability(0.5), "loss_false_recovery_probability", "was 0.5");
  }

  @Test
  void scores_defaults_areTheLogLikelihoodRatiosAndWaldThresholds() {
    DampedPolicySettings settings = DampedPolicySettings.defaults();

    assertThat(settings.lostProbeScore()).isCloseTo(Math.log(20.0 / 8), within(1e-12));
    assertThat(settings.answeredProbeScore()).isCloseTo(Math.log(80.0 / 92), within(1e-12));
    assertThat(settings.lossThreshold()).isCloseTo(Math.log(1e4), within(1e-12));
    assertThat(settings.recoveryThreshold()).isCloseTo(Math.log(1e3), within(1e-12));
  }

  @Test
  void constructor_minTargetsUpZero_rejectedNamingKey() {
    assertRejected(b -> b.minTargetsUp(0), "min_targets_up", "was 0");
  }

  @Test
  void constructor_maxLatencyZero_rejectedNamingKeyInSeconds() {
    assertRejected(b -> b.maxLatency(Duration.ZERO), "max_latency must be > 0 s", "was 0 s");
  }

  @Test
  void constructor_maxLatencyEmpty_acceptedAsOff() {
    assertThat(with(b -> b.maxLatency(Optional.empty())).maxLatency()).isEmpty();
  }

  @Test
  void constructor_failbackDwellNegative_rejectedNamingKey() {
    assertRejected(
        b -> b.failbackDwell(Duration.ofMillis(-1500)), "failback_dwell must be >= 0 s",
        "was -1.5 s");
  }

  @Test
  void constructor_failbackDwellZero_accepted() {
    assertThat(with(b -> b.failbackDwell(Duration.ZERO)).failbackDwell()).isZero();
  }

  @Test
  void constructor_failbackDwellAboveOneDay_rejectedNamingKey() {
    assertRejected(b -> b.failbackDwell(Duration.ofDays(2)), "failback_dwell", "was 172800 s");
  }

  @Test
  void constructor_flapPenaltyNegative_rejectedNamingKey() {
    assertRejected(b -> b.flapPenalty(-1), "flap_penalty must be >= 0", "was -1.0");
  }

  @Test
  void constructor_flapPenaltyInfinite_rejectedNamingKey() {
    assertRejected(b -> b.flapPenalty(Double.POSITIVE_INFINITY), "flap_penalty", "Infinity");
  }

  @Test
  void constructor_flapReuseThresholdZero_rejectedNamingKey() {
    assertRejected(b -> b.flapReuseThreshold(0), "flap_reuse_threshold must be > 0", "was 0.0");
  }

  @Test
  void constructor_flapHalfLifeZero_rejectedNamingKey() {
    assertRejected(b -> b.flapHalfLife(Duration.ZERO), "flap_half_life must be > 0 s", "was 0 s");
  }

  @Test
  void constructor_flapMaxHoldZero_rejectedNamingKey() {
    assertRejected(b -> b.flapMaxHold(Duration.ZERO), "flap_max_hold must be > 0 s", "was 0 s");
  }

  @Test
  void constructor_flapMaxHoldBeyond64HalfLives_rejectedNamingBothKeys() {
    assertRejected(
        b -> b.flapHalfLife(Duration.ofSeconds(1)).flapMaxHold(Duration.ofSeconds(65)),
        "flap_max_hold must be at most 64 times flap_half_life (1 s)",
        "was 65 s");
  }

  @Test
  void constructor_nullDuration_rejectedNamingKey() {
    assertThatThrownBy(() -> with(b -> b.failbackDwell(null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("failback_dwell");
  }

  @Test
  void checkFits_providerWithTooFewTestCases_rejectedNamingProvider() {
    assertThatThrownBy(
            () ->
                with(b -> b.minTargetsUp(2))
                    .checkFits(50, java.util.Map.of("isp-a", 3, "tunnel", 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("min_targets_up", "provider 'tunnel'", "runs 1", "was 2");
  }

  @Test
  void checkFits_everyProviderRunsEnough_accepted() {
    assertThatCode(
            () ->
                with(b -> b.minTargetsUp(2))
                    .checkFits(50, java.util.Map.of("isp-a", 3, "tunnel", 2)))
        .doesNotThrowAnyException();
  }

  @Test
  void sharedTargets_negative_rejected() {
    assertRejected(b -> b.sharedTargets(-1), "sharedTargets", "was OptionalInt[-1]");
  }

  @Test
  void defaults_sharedTargetsAllAndEveryProviderCorrelated() {
    assertThat(DampedPolicySettings.defaults().sharedTargets()).isEmpty();
    assertThat(DampedPolicySettings.defaults().uncorrelatedProviders()).isEmpty();
  }

  @Test
  void checkFits_defaultsWithOriginalHistoryAndTwoTargets_accepted() {
    assertThatCode(() -> DampedPolicySettings.defaults().checkFits(50, 2))
        .doesNotThrowAnyException();
  }

  @Test
  void checkFits_windowLongerThanHistory_rejectedNamingBothKeys() {
    assertThatThrownBy(() -> DampedPolicySettings.defaults().checkFits(40, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll(
            "loss_window_rounds must be at most max_stored_test_result_count (40)", "was 50");
  }

  @Test
  void checkFits_successRunLongerThanHistory_rejectedNamingKey() {
    assertThatThrownBy(
            () -> with(b -> b.upConsecutiveSuccesses(60).lossWindowRounds(10)).checkFits(50, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("up_consecutive_successes", "(50)", "was 60");
  }

  @Test
  void checkFits_failureRunLongerThanHistory_rejectedNamingKey() {
    assertThatThrownBy(
            () -> with(b -> b.downConsecutiveFailures(20).lossWindowRounds(10)).checkFits(10, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("down_consecutive_failures", "(10)", "was 20");
  }

  @Test
  void checkFits_moreTargetsRequiredThanConfigured_rejectedNamingKey() {
    assertThatThrownBy(() -> with(b -> b.minTargetsUp(3)).checkFits(50, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("min_targets_up must be at most the number of test_cases (2)",
            "was 3");
  }
}
