package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.testkit.LinkLoss;
import dev.failover.testkit.LossTrials;
import dev.failover.testkit.PolicySimulation;
import dev.failover.testkit.SimulationResult;
import dev.failover.testkit.Trace;
import dev.failover.testkit.Traces;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figures docs/policy-damped.md states for the default {@link DampedPolicy} ("The loss test"),
 * measured by the testkit's {@link LossTrials}: the engine's default cadences (0.5 s, 0.2 s while
 * a provider is in doubt, 0.1 s while a loss test runs, 0.15 s after a silent round), two targets,
 * a clean backup. If the policy misses
 * a stated figure, a test here fails; each figure also runs once against a weakened policy to
 * show that it can fail.
 *
 * <p>Independent loss is {@link LinkLoss#independent}; bursty loss is Gilbert-Elliott, {@link
 * LinkLoss#bursty bursty(mean, 0.5, 2)}: no loss in the good state, half the probes lost in the bad
 * one, whose stays last 2 rounds on average. Seeded, so the counts are the same on every run; the
 * bounds leave room around the figures measured with other seeds and longer runs (the docs give
 * those), and the measured values are logged.
 */
class DampedPolicyLossFiguresTest {
  private static final Logger logger = LoggerFactory.getLogger(DampedPolicyLossFiguresTest.class);

  private static final LossTrials TRIALS = LossTrials.of(DampedPolicy.withDefaults());
  private static final Duration DAY = Duration.ofDays(1);

  private static LinkLoss bursty(double mean) {
    return LinkLoss.bursty(mean, 0.5, 2);
  }

  /** Mean seconds to leave the primary over {@code trials} trials, and the share within 10 s. */
  private static double[] detection(LossTrials trials, LinkLoss loss, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double sum = 0;
    int within10 = 0;
    for (int i = 0; i < count; i++) {
      OptionalDouble seconds = trials.secondsToLeave(loss, random, Duration.ofMinutes(10));
      assertThat(seconds).as("trial %s of %s left the primary", i, loss).isPresent();
      sum += seconds.getAsDouble();
      within10 += seconds.getAsDouble() <= 10 ? 1 : 0;
    }
    double mean = sum / count;
    double share = (double) within10 / count;
    logger.info(
        String.format(
            Locale.ROOT, "%s: left after %.2f s on average, within 10 s in %.1f%%",
            loss, mean, 100 * share));
    return new double[] {mean, share};
  }

  /** Times the primary is left per day of {@code loss}, over {@code duration}. */
  private static double perDay(LossTrials trials, LinkLoss loss, Duration duration, long seed) {
    int count = trials.timesLeft(loss, new SplittableRandom(seed), duration);
    double perDay = count * (double) DAY.toSeconds() / duration.toSeconds();
    logger.info(
        String.format(
            Locale.ROOT, "%s: left %d times in %s, %.2f per day", loss, count, duration, perDay));
    return perDay;
  }

  /** In how many of {@code count} minutes of {@code loss} the policy leaves the primary. */
  private static int minutesLeft(LossTrials trials, LinkLoss loss, int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int left = 0;
    for (int i = 0; i < count; i++) {
      if (trials.secondsToLeave(loss, random, Duration.ofSeconds(60)).isPresent()) {
        left++;
      }
    }
    logger.info("{}: left within 60 s in {} of {} trials", loss, left, count);
    return left;
  }

  // ---- detection of 20 % loss: documented mean 7.8 s (independent), 8.5 s (bursty) ------------

  @Test
  void assess_twentyPercentIndependentLoss_leftAfterAboutEightSeconds() {
    double[] figures = detection(TRIALS, LinkLoss.independent(0.20), 400, 11);

    assertThat(figures[0]).isBetween(7.0, 8.7);
    assertThat(figures[1]).isGreaterThan(0.70);
  }

  @Test
  void assess_twentyPercentBurstyLoss_leftAfterAboutEightAndAHalfSeconds() {
    double[] figures = detection(TRIALS, bursty(0.20), 400, 12);

    assertThat(figures[0]).isBetween(7.5, 9.5);
    assertThat(figures[1]).isGreaterThan(0.62);
  }

  @Test
  void assess_thirtySixPercentIndependentLoss_leftAfterAboutThreeSeconds() {
    double[] figures = detection(TRIALS, LinkLoss.independent(0.36), 400, 13);

    assertThat(figures[0]).isBetween(2.4, 3.2);
    assertThat(figures[1]).isEqualTo(1.0);
  }

  @Test
  void assess_twentyPercentLossOneTarget_leftAfterAboutThirteenSeconds() {
    // The config's default test_cases is one target: half the probes, documented 13.1 s.
    double[] figures = detection(TRIALS.withTargets(1), LinkLoss.independent(0.20), 200, 14);

    assertThat(figures[0]).isBetween(11.3, 15.0);
  }

  // ---- what more targets buy: docs/policy-damped.md, "What the two targets cost" -------------

  /** Four targets and a false alarm probability of 1e-5: documented 4.8 s, 98.2 % within 10 s. */
  private static final LossTrials FOUR_TARGETS_STRICTER =
      LossTrials.of(
              new DampedPolicy(
                  DampedPolicySettings.builder().lossFalseAlarmProbability(1e-5).build()))
          .withTargets(4);

  @Test
  void assess_twentyPercentLossFourTargetsStricterAlarm_leftWithinTenSecondsAlmostAlways() {
    double[] figures = detection(FOUR_TARGETS_STRICTER, LinkLoss.independent(0.20), 400, 15);

    assertThat(figures[0]).isBetween(4.0, 5.6);
    assertThat(figures[1]).isGreaterThan(0.95);
  }

  @Test
  void assess_sixtySecondsOfFivePercentLossBothWaysFourTargetsStricterAlarm_rarelyLeft() {
    // Documented: about 1 % (0.9 to 1.4 % in LossFrontier, seeds 1 to 3); this seed: 20.
    assertThat(minutesLeft(FOUR_TARGETS_STRICTER, LinkLoss.independent(0.0975), 1000, 27))
        .isLessThan(25);
  }

  @Test
  void assess_twentyPercentLossTwoTargetsStricterAlarm_notWithinTenSecondsAsOften() {
    // The same stricter alarm on the default two targets: documented 63.9 % within 10 s. The
    // probes, not the setting, are what buys the four targets' 98 %.
    LossTrials twoTargets =
        LossTrials.of(
            new DampedPolicy(
                DampedPolicySettings.builder().lossFalseAlarmProbability(1e-5).build()));

    assertThat(detection(twoTargets, LinkLoss.independent(0.20), 400, 15)[1]).isLessThan(0.75);
  }

  @Test
  void assess_sixtySecondsOfTwentyPercentLoss_leftOnceAndNeverBack() {
    // The benchmark's case: 12 s clean, then 60 s of 20 % loss on the primary, a clean backup;
    // a round every 0.2 s throughout (the most rounds, so the most chances to come back).
    PolicySimulation simulation =
        PolicySimulation.of(DampedPolicy.withDefaults()).withInterval(Duration.ofMillis(200));
    SplittableRandom random = new SplittableRandom(31);
    Trace clean = Trace.parse("+".repeat(360));
    int left = 0;
    for (int run = 0; run < 200; run++) {
      List<Trace> lossy = LinkLoss.independent(0.20).traces(random, 300, 2, Traces.DEFAULT_LATENCY);
      List<Trace> primary =
          List.of(clean.prefix(60).concat(lossy.get(0)), clean.prefix(60).concat(lossy.get(1)));
      SimulationResult result = simulation.runScenarios(List.of(primary, List.of(clean, clean)));
      assertThat(result.mainSwitches()).as("run %s: %s", run, result.timeline()).isLessThan(2);
      left += result.mainSwitches();
    }
    assertThat(left).isGreaterThanOrEqualTo(198);
  }

  @Test
  void assess_twentyPercentLoss_weakenedTestDetectsTooLate() {
    LossTrials weakened =
        LossTrials.of(
            new DampedPolicy(
                DampedPolicySettings.builder().lossFalseAlarmProbability(1e-6).build()));

    assertThatThrownBy(
            () -> assertThat(detection(weakened, LinkLoss.independent(0.20), 100, 11)[0])
                .isBetween(7.0, 8.7))
        .isInstanceOf(AssertionError.class);
  }

  // ---- false alarms per day: documented 0 (5 %, 1 %) independent; 138 and 14 bursty ---------

  @Test
  void assess_fivePercentIndependentLoss_noFalseAlarmInADay() {
    // Documented: 0 in 10 simulated days; computed, one in about 130 to 670 days.
    assertThat(perDay(TRIALS, LinkLoss.independent(0.05), DAY, 21)).isZero();
  }

  @Test
  void assess_onePercentIndependentLoss_noFalseAlarmInADay() {
    assertThat(perDay(TRIALS, LinkLoss.independent(0.01), DAY, 22)).isZero();
  }

  @Test
  void assess_fivePercentIndependentLoss_weakenedTestAlarmsOften() {
    LossTrials weakened =
        LossTrials.of(
            new DampedPolicy(
                DampedPolicySettings.builder().lossAcceptablePercent(4).build()));

    assertThat(perDay(weakened, LinkLoss.independent(0.05), Duration.ofHours(6), 21))
        .isGreaterThanOrEqualTo(4);
  }

  @Test
  void assess_fivePercentBurstyLoss_falseAlarmsAsDocumented() {
    // Documented: 138 per day (688 in 5 simulated days); 6 hours give about 34.
    assertThat(perDay(TRIALS, bursty(0.05), Duration.ofHours(6), 23)).isBetween(90.0, 190.0);
  }

  @Test
  void assess_onePercentBurstyLoss_falseAlarmsAsDocumented() {
    // Documented: 14 per day (138 in 10 simulated days).
    assertThat(perDay(TRIALS, bursty(0.01), Duration.ofDays(2), 24)).isBetween(8.0, 21.0);
  }

  @Test
  void assess_fivePercentLossBothWays_leftAboutFiftyTimesADay() {
    // 5 % each way loses 9.75 % of pings, above the acceptable 8 %: documented 50 per day.
    assertThat(perDay(TRIALS, LinkLoss.independent(0.0975), DAY, 25)).isBetween(30.0, 72.0);
  }

  @Test
  void assess_sixtySecondsOfFivePercentLossBothWays_rarelyLeft() {
    // The benchmark's window: documented 2.9 % of 4000 minutes; 1000 give about 29.
    assertThat(minutesLeft(TRIALS, LinkLoss.independent(0.0975), 1000, 26)).isLessThan(50);
  }
}
