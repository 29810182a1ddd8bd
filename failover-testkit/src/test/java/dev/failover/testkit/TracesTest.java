package dev.failover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.failover.api.TestResult;
import dev.failover.api.TestResult.Outcome;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class TracesTest {
  private static final Duration MS_30 = Duration.ofMillis(30);

  private static final List<TraceGenerator> GENERATORS =
      List.of(
          Traces.allSuccess(MS_30),
          Traces.allFailure(),
          Traces.independentLoss(0.3, MS_30),
          Traces.burstyLoss(0.05, 0.25, 0.01, 0.8),
          Traces.outage(10, 20),
          Traces.latencyShift(15, MS_30, Duration.ofMillis(300)),
          Traces.mixed());

  @Test
  void generate_sameSeed_sameTrace() {
    for (TraceGenerator generator : GENERATORS) {
      for (long seed = 0; seed < 20; seed++) {
        assertThat(generator.generate(new SplittableRandom(seed), 200))
            .as("%s with seed %s", generator, seed)
            .isEqualTo(generator.generate(new SplittableRandom(seed), 200));
      }
    }
  }

  @Test
  void generate_anyLength_givesExactlyThatManyRounds() {
    for (TraceGenerator generator : GENERATORS) {
      for (int length : new int[] {0, 1, 2, 3, 7, 150}) {
        assertThat(generator.generate(new SplittableRandom(length), length).size())
            .as("%s", generator)
            .isEqualTo(length);
      }
    }
  }

  @Test
  void generate_negativeLength_throwsNamingLength() {
    assertThatThrownBy(() -> Traces.mixed().generate(new SplittableRandom(1), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("length must be >= 0, was -1");
  }

  @Test
  void independentLoss_100kRounds_lossRateWithinTolerance() {
    Trace trace =
        Traces.independentLoss(0.2, MS_30).generate(new SplittableRandom(42), 100_000);

    // The standard deviation of the rate is sqrt(0.2 * 0.8 / 100000) = 0.00126; 0.01 is 8 of them.
    assertThat(trace.failures() / 100_000.0).isCloseTo(0.2, within(0.01));
    // Consecutive rounds are independent: the loss rate right after a loss is the same.
    assertThat(conditionalLossAfterLoss(trace)).isCloseTo(0.2, within(0.02));
  }

  @Test
  void independentLoss_lostRounds_areFailuresAndTimeoutsSuccessesCarryTheLatency() {
    Trace trace = Traces.independentLoss(0.5, MS_30).generate(new SplittableRandom(7), 1000);

    Set<Outcome> outcomes = EnumSet.noneOf(Outcome.class);
    for (TestResult result : trace.results()) {
      outcomes.add(result.outcome());
      if (result.succeeded()) {
        assertThat(result.latency()).isEqualTo(MS_30);
      } else if (result.outcome() == Outcome.TIMEOUT) {
        assertThat(result.latency()).isEqualTo(Traces.LOSS_TIMEOUT);
      }
    }
    assertThat(outcomes).containsExactlyInAnyOrder(Outcome.values());
  }

  @Test
  void burstyLoss_100kRounds_meanLossMatchesTheStationaryDistribution() {
    double pGoodToBad = 0.05;
    double pBadToGood = 0.25;
    double lossInGood = 0.01;
    double lossInBad = 0.8;
    Trace trace =
        Traces.burstyLoss(pGoodToBad, pBadToGood, lossInGood, lossInBad)
            .generate(new SplittableRandom(42), 100_000);

    double expected =
        (pBadToGood * lossInGood + pGoodToBad * lossInBad) / (pGoodToBad + pBadToGood);
    assertThat(expected).isCloseTo(0.1417, within(0.0001));
    // Bursts correlate rounds, widening the spread about 6-fold over independent loss; 0.01 keeps
    // several standard deviations of margin.
    assertThat(trace.failures() / 100_000.0).isCloseTo(expected, within(0.01));
    // Bursty: a loss is far more likely right after a loss than on average.
    assertThat(conditionalLossAfterLoss(trace)).isGreaterThan(0.5);
  }

  @Test
  void burstyLoss_averageSeed_startsFromTheStationaryState() {
    // Over many short traces the first round's loss rate is the long-run mean, not the good
    // state's: the chain starts in its stationary distribution.
    TraceGenerator generator = Traces.burstyLoss(0.1, 0.1, 0.0, 1.0);
    int firstLost = 0;
    for (long seed = 0; seed < 20_000; seed++) {
      if (generator.generate(new SplittableRandom(seed), 1).failed(0)) {
        firstLost++;
      }
    }
    assertThat(firstLost / 20_000.0).isCloseTo(0.5, within(0.02));
  }

  @Test
  void outage_shape_healthyThenLostThenHealthy() {
    Trace trace = Traces.outage(3, 4).generate(new SplittableRandom(1), 10);

    assertThat(pattern(trace)).isEqualTo("+++xxxx+++");
    assertThat(trace.get(0).latency()).isEqualTo(Traces.DEFAULT_LATENCY);
  }

  @Test
  void latencyShift_shape_everyRoundSucceedsWithTheShiftedLatency() {
    Trace trace =
        Traces.latencyShift(2, MS_30, Duration.ofMillis(300)).generate(new SplittableRandom(1), 4);

    assertThat(trace.failures()).isZero();
    assertThat(trace.results())
        .extracting(TestResult::latency)
        .containsExactly(MS_30, MS_30, Duration.ofMillis(300), Duration.ofMillis(300));
  }

  @Test
  void allSuccessAndAllFailure_anySeed_areUniform() {
    assertThat(Traces.allSuccess(MS_30).generate(new SplittableRandom(3), 50).failures()).isZero();
    assertThat(Traces.allFailure().generate(new SplittableRandom(3), 50).failures()).isEqualTo(50);
  }

  @Test
  void mixed_manySeeds_coversCleanLossyAndDeadTraces() {
    int clean = 0;
    int lossy = 0;
    int dead = 0;
    for (long seed = 0; seed < 500; seed++) {
      Trace trace = Traces.mixed().generate(new SplittableRandom(seed), 100);
      if (trace.failures() == 0) {
        clean++;
      } else if (trace.failures() == trace.size()) {
        dead++;
      } else {
        lossy++;
      }
    }
    assertThat(clean).isGreaterThan(25);
    assertThat(lossy).isGreaterThan(250);
    assertThat(dead).isGreaterThan(5);
  }

  @Test
  void mixed_differentSeeds_differentTraces() {
    long distinct =
        java.util.stream.LongStream.range(0, 50)
            .mapToObj(seed -> Traces.mixed().generate(new SplittableRandom(seed), 60))
            .distinct()
            .count();
    assertThat(distinct).isGreaterThan(45);
  }

  @Test
  void factories_invalidParameters_throwNamingParameterRuleAndValue() {
    assertInvalid(() -> Traces.independentLoss(1.5, MS_30), "p must be a probability between 0 and 1, was 1.5");
    assertInvalid(() -> Traces.independentLoss(Double.NaN, MS_30), "p must be a probability between 0 and 1, was NaN");
    assertInvalid(() -> Traces.independentLoss(0.1, Duration.ofMillis(-1)), "latency must be >= 0, was PT-0.001S");
    assertInvalid(() -> Traces.allSuccess(Duration.ofSeconds(-2)), "latency must be >= 0, was PT-2S");
    assertInvalid(() -> Traces.burstyLoss(-0.1, 0.2, 0, 1), "pGoodToBad must be a probability between 0 and 1, was -0.1");
    assertInvalid(() -> Traces.burstyLoss(0.1, 2, 0, 1), "pBadToGood must be a probability between 0 and 1, was 2.0");
    assertInvalid(() -> Traces.burstyLoss(0.1, 0.2, 1.01, 1), "lossInGood must be a probability between 0 and 1, was 1.01");
    assertInvalid(() -> Traces.burstyLoss(0.1, 0.2, 0, -1), "lossInBad must be a probability between 0 and 1, was -1.0");
    assertInvalid(() -> Traces.outage(-1, 3), "healthyBefore must be >= 0, was -1");
    assertInvalid(() -> Traces.outage(1, -3), "outageLength must be >= 0, was -3");
    assertInvalid(() -> Traces.latencyShift(-4, MS_30, MS_30), "at must be >= 0, was -4");
    assertInvalid(() -> Traces.latencyShift(4, MS_30, Duration.ofMillis(-5)), "after must be >= 0, was PT-0.005S");
  }

  @Test
  void toString_generator_namesItsParameters() {
    assertThat(Traces.burstyLoss(0.05, 0.25, 0.01, 0.8))
        .hasToString(
            "burstyLoss(pGoodToBad=0.05, pBadToGood=0.25, lossInGood=0.01, lossInBad=0.8,"
                + " latency=PT0.02S)");
    assertThat(Traces.outage(3, 4)).hasToString("outage(healthyBefore=3, outageLength=4)");
  }

  private static void assertInvalid(ThrowingCallable factory, String message) {
    assertThatThrownBy(factory).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  private static double conditionalLossAfterLoss(Trace trace) {
    int losses = 0;
    int lossAfterLoss = 0;
    for (int i = 1; i < trace.size(); i++) {
      if (trace.failed(i - 1)) {
        losses++;
        if (trace.failed(i)) {
          lossAfterLoss++;
        }
      }
    }
    return (double) lossAfterLoss / losses;
  }

  private static String pattern(Trace trace) {
    StringBuilder text = new StringBuilder();
    for (TestResult result : trace.results()) {
      text.append(result.succeeded() ? '+' : 'x');
    }
    return text.toString();
  }
}
