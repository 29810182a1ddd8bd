package dev.failover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.failover.api.TestResult;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinkLossTest {

  private static double measuredLoss(LinkLoss loss, int rounds, int targets, long seed) {
    LinkLoss.Sampler sampler = loss.start(new SplittableRandom(seed));
    boolean[] lost = new boolean[targets];
    int count = 0;
    for (int i = 0; i < rounds; i++) {
      sampler.nextRound(lost);
      for (boolean l : lost) {
        count += l ? 1 : 0;
      }
    }
    return (double) count / (rounds * targets);
  }

  @Test
  void independent_longRun_losesItsShareOfProbes() {
    assertThat(measuredLoss(LinkLoss.independent(0.2), 100_000, 2, 1))
        .isCloseTo(0.2, within(0.005));
  }

  @Test
  void bursty_longRun_meanLossAsAskedAndBadStaysAsLong() {
    LinkLoss loss = LinkLoss.bursty(0.05, 0.5, 2);

    assertThat(loss.meanLoss()).isCloseTo(0.05, within(1e-12));
    assertThat(loss.stationaryBad()).isCloseTo(0.1, within(1e-12));
    assertThat(loss.pBadToGood()).isEqualTo(0.5);
    assertThat(measuredLoss(loss, 200_000, 2, 2)).isCloseTo(0.05, within(0.003));
  }

  @Test
  void bursty_probesOfARoundShareTheState() {
    // In the bad state both probes are lost with 0.5 each: P(both) = 0.1 * 0.25 = 2.5%, far
    // above the 0.25% of independent loss of the same mean.
    LinkLoss.Sampler sampler = LinkLoss.bursty(0.05, 0.5, 2).start(new SplittableRandom(3));
    boolean[] lost = new boolean[2];
    int both = 0;
    for (int i = 0; i < 100_000; i++) {
      sampler.nextRound(lost);
      both += lost[0] && lost[1] ? 1 : 0;
    }
    assertThat(both / 100_000.0).isCloseTo(0.025, within(0.003));
  }

  @Test
  void traces_oneTracePerTarget_timeoutsWhereLost() {
    List<Trace> traces =
        LinkLoss.independent(1).traces(new SplittableRandom(4), 5, 3, Traces.DEFAULT_LATENCY);

    assertThat(traces).hasSize(3);
    assertThat(traces.get(2).failures()).isEqualTo(5);
    assertThat(traces.get(2).get(0).outcome()).isEqualTo(TestResult.Outcome.TIMEOUT);
  }

  @Test
  void bursty_meanAboveLossInBad_rejectedNamingParameter() {
    assertThatThrownBy(() -> LinkLoss.bursty(0.6, 0.5, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("meanLoss must be between 0 and lossInBad (0.5), was 0.6");
  }

  @Test
  void constructor_probabilityAboveOne_rejectedNamingParameter() {
    assertThatThrownBy(() -> new LinkLoss(1.5, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pGoodToBad must be a probability between 0 and 1, was 1.5");
  }

  @Test
  void secondsToLeave_policyThatLeavesAtTheFirstLostProbe_countsTheCadence() {
    // LastRoundsPolicy(1): eligible while the newest round succeeded (every target answered).
    LossTrials trials = LossTrials.of(new LastRoundsPolicy(1));

    // Every probe lost: the first lossy round comes one normal interval (0.5 s) after the start.
    assertThat(trials.secondsToLeave(LinkLoss.independent(1), new SplittableRandom(5),
            Duration.ofSeconds(10)))
        .hasValue(0.5);
  }

  @Test
  void timesLeft_noLoss_neverLeaves() {
    LossTrials trials = LossTrials.of(new LastRoundsPolicy(1));

    assertThat(trials.timesLeft(LinkLoss.independent(0), new SplittableRandom(6),
            Duration.ofMinutes(10)))
        .isZero();
  }

  @Test
  void withCadence_fastAboveNormal_rejected() {
    assertThatThrownBy(
            () -> LossTrials.of(new LastRoundsPolicy(1))
                .withCadence(Duration.ofMillis(200), Duration.ofMillis(500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fast must be <= normal");
  }
}
