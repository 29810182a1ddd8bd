package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.testkit.PolicySimulation;
import dev.failover.testkit.Property;
import dev.failover.testkit.SimulationResult;
import dev.failover.testkit.Trace;
import dev.failover.testkit.Traces;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The benchmark's random-loss scenarios of issue 5, simulated with the default {@link
 * DampedPolicy}: 60 s of independent random loss on the primary's link, after 12 s of clean
 * rounds, with a clean backup; two targets per provider; a round every 0.2 s (the faster of the
 * expected check intervals, so the most rounds and the most chances of a false alarm per minute).
 *
 * <p>A link that drops a share {@code l} of the packets in both directions loses a ping with
 * probability {@code 1 - (1 - l)^2}; one that drops them in one direction only, with probability
 * {@code l}. Both cases are run. Seeded, so the counts are the same on every run; the bounds
 * asserted leave room above the rates measured (docs/policy-damped.md lists them; {@code
 * -Dfailover.testkit.cases=40} reruns them with 40 times as many runs, and the rates are logged).
 */
class DampedPolicyRandomLossTest {
  private static final Logger logger = LoggerFactory.getLogger(DampedPolicyRandomLossTest.class);

  private static final Duration INTERVAL = Duration.ofMillis(200);
  private static final int WARM_UP_ROUNDS = 60;
  private static final int LOSSY_ROUNDS = 300; // 60 s
  private static final int RUNS = Property.cases(500);

  /**
   * What happened in the runs of one scenario; with two providers, any switch after the first is
   * a switch back to the primary.
   */
  private record Outcome(int runs, int switched, int switchedBack) {
    double percent(int count) {
      return 100.0 * count / runs;
    }
  }

  private static Outcome simulate(String scenario, double probeLoss, long seed) {
    PolicySimulation simulation =
        PolicySimulation.of(DampedPolicy.withDefaults()).withInterval(INTERVAL);
    SplittableRandom random = new SplittableRandom(seed);
    Trace clean = Trace.parse("+".repeat(WARM_UP_ROUNDS + LOSSY_ROUNDS));
    Trace warmUp = clean.prefix(WARM_UP_ROUNDS);
    int switched = 0;
    int back = 0;
    for (int run = 0; run < RUNS; run++) {
      List<Trace> primary =
          List.of(
              warmUp.concat(
                  Traces.independentLoss(probeLoss, Traces.DEFAULT_LATENCY)
                      .generate(random, LOSSY_ROUNDS)),
              warmUp.concat(
                  Traces.independentLoss(probeLoss, Traces.DEFAULT_LATENCY)
                      .generate(random, LOSSY_ROUNDS)));
      SimulationResult result = simulation.runScenarios(List.of(primary, List.of(clean, clean)));
      int switches = result.mainSwitches();
      switched += switches > 0 ? 1 : 0;
      back += switches > 1 ? 1 : 0;
    }
    Outcome outcome = new Outcome(RUNS, switched, back);
    logger.info(
        "{} (probe loss {}): {} runs of 60 s, switched in {}%, switched back in {}%",
        scenario,
        probeLoss,
        RUNS,
        outcome.percent(switched),
        outcome.percent(back));
    return outcome;
  }

  @Test
  void assess_fivePercentLossOneWay_neverSwitches() {
    Outcome outcome = simulate("5% one way", 0.05, 1);

    assertThat(outcome.switched()).isZero();
  }

  @Test
  void assess_fivePercentLossBothWays_switchesInFewerThanOnePercentOfMinutes() {
    Outcome outcome = simulate("5% both ways", 1 - 0.95 * 0.95, 2);

    assertThat(outcome.percent(outcome.switched())).isLessThan(1.0);
  }

  @Test
  void assess_twentyPercentLossOneWay_switchesBackInFewerThanOnePercentOfMinutes() {
    Outcome outcome = simulate("20% one way", 0.20, 3);

    assertThat(outcome.percent(outcome.switchedBack())).isLessThan(1.0);
  }

  @Test
  void assess_twentyPercentLossBothWays_switchesOnceAndNeverBack() {
    Outcome outcome = simulate("20% both ways", 1 - 0.8 * 0.8, 4);

    // Round loss 0.36^2 = 13%: the window rule fires within the minute in almost every run.
    assertThat(outcome.percent(outcome.switched())).isGreaterThan(99.0);
    assertThat(outcome.switchedBack()).isZero();
  }
}
