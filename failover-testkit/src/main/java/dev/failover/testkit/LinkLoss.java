package dev.failover.testkit;

import dev.failover.api.TestResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Per-probe loss on one provider's link: a Gilbert-Elliott chain, good and bad, that changes state
 * once per round and loses each probe of the round (one per target) independently with the state's
 * loss probability. The probes of one round share the link's state, as they share the link: bursty
 * loss takes several targets at once, independent loss ({@link #independent}) does not.
 *
 * <p>The first state is drawn from the chain's stationary distribution, so the long-run mean loss
 * per probe, {@link #meanLoss()}, holds from the first round on. Immutable and thread-safe; {@link
 * #start} gives a stateful {@link Sampler} for one run.
 *
 * @param pGoodToBad the probability of moving from good to bad before a round
 * @param pBadToGood the probability of moving from bad to good before a round
 * @param lossInGood the probability that a probe is lost in the good state
 * @param lossInBad the probability that a probe is lost in the bad state
 */
public record LinkLoss(
    double pGoodToBad, double pBadToGood, double lossInGood, double lossInBad) {

  /**
   * @throws IllegalArgumentException if a value is not a probability between 0 and 1
   */
  public LinkLoss {
    checkProbability("pGoodToBad", pGoodToBad);
    checkProbability("pBadToGood", pBadToGood);
    checkProbability("lossInGood", lossInGood);
    checkProbability("lossInBad", lossInBad);
  }

  /**
   * Each probe lost with probability {@code p}, independently of every other probe.
   *
   * @throws IllegalArgumentException if {@code p} is not between 0 and 1
   */
  public static LinkLoss independent(double p) {
    return new LinkLoss(0, 1, p, p);
  }

  /**
   * Bursty loss of mean {@code meanLoss} per probe: no loss in the good state, {@code lossInBad} in
   * the bad one, whose stays last {@code meanBadRounds} rounds on average.
   *
   * @throws IllegalArgumentException if {@code meanLoss} is not between 0 and {@code lossInBad},
   *     {@code lossInBad} is not a probability, or {@code meanBadRounds} is below 1
   */
  public static LinkLoss bursty(double meanLoss, double lossInBad, double meanBadRounds) {
    checkProbability("lossInBad", lossInBad);
    if (!(meanLoss >= 0 && meanLoss <= lossInBad)) {
      throw new IllegalArgumentException(
          "meanLoss must be between 0 and lossInBad (" + lossInBad + "), was " + meanLoss);
    }
    if (!(meanBadRounds >= 1)) {
      throw new IllegalArgumentException("meanBadRounds must be >= 1, was " + meanBadRounds);
    }
    double bad = lossInBad == 0 ? 0 : meanLoss / lossInBad;
    double pBadToGood = 1 / meanBadRounds;
    double pGoodToBad = bad >= 1 ? 1 : Math.min(1, pBadToGood * bad / (1 - bad));
    return new LinkLoss(pGoodToBad, bad >= 1 ? 0 : pBadToGood, 0, lossInBad);
  }

  /** The share of time in the bad state, in the long run. */
  public double stationaryBad() {
    double sum = pGoodToBad + pBadToGood;
    return sum == 0 ? 0 : pGoodToBad / sum;
  }

  /** The long-run loss per probe. */
  public double meanLoss() {
    double bad = stationaryBad();
    return (1 - bad) * lossInGood + bad * lossInBad;
  }

  /** A run of this chain drawing from {@code random}. */
  public Sampler start(SplittableRandom random) {
    return new Sampler(this, Objects.requireNonNull(random, "random"));
  }

  /**
   * One trace per target, {@code rounds} long, for {@link PolicySimulation#runScenarios}: a lost
   * probe is a {@link TestResult#timeout} after {@link Traces#LOSS_TIMEOUT}, an answered one a
   * success after {@code latency}.
   */
  public List<Trace> traces(SplittableRandom random, int rounds, int targets, Duration latency) {
    Sampler sampler = start(random);
    List<List<TestResult>> results = new ArrayList<>();
    for (int t = 0; t < targets; t++) {
      results.add(new ArrayList<>(rounds));
    }
    TestResult success = TestResult.success(latency);
    TestResult lost = TestResult.timeout(Traces.LOSS_TIMEOUT);
    boolean[] round = new boolean[targets];
    for (int i = 0; i < rounds; i++) {
      sampler.nextRound(round);
      for (int t = 0; t < targets; t++) {
        results.get(t).add(round[t] ? lost : success);
      }
    }
    List<Trace> traces = new ArrayList<>(targets);
    for (List<TestResult> list : results) {
      traces.add(new Trace(list));
    }
    return traces;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "LinkLoss[mean %.4f: good->bad %.4f, bad->good %.4f, loss good %.4f, bad %.4f]",
        meanLoss(),
        pGoodToBad,
        pBadToGood,
        lossInGood,
        lossInBad);
  }

  private static void checkProbability(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(
          name + " must be a probability between 0 and 1, was " + value);
    }
  }

  /** One run of a {@link LinkLoss} chain. Not thread-safe. */
  public static final class Sampler {
    private final LinkLoss loss;
    private final SplittableRandom random;
    private boolean bad;
    private boolean started;

    private Sampler(LinkLoss loss, SplittableRandom random) {
      this.loss = loss;
      this.random = random;
    }

    /** Draws the next round: {@code lost[t]} says whether target {@code t}'s probe was lost. */
    public void nextRound(boolean[] lost) {
      if (!started) {
        bad = random.nextDouble() < loss.stationaryBad();
        started = true;
      } else {
        bad = bad ? random.nextDouble() >= loss.pBadToGood : random.nextDouble() < loss.pGoodToBad;
      }
      double p = bad ? loss.lossInBad : loss.lossInGood;
      for (int t = 0; t < lost.length; t++) {
        lost[t] = random.nextDouble() < p;
      }
    }
  }
}
