package dev.failover.testkit;

import dev.failover.api.TestResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The stock {@link TraceGenerator}s: steady success or failure, independent loss, bursty
 * (Gilbert-Elliott) loss, an outage, a latency shift, and {@link #mixed()}, which strings random
 * ones together.
 *
 * <p>A lost round is, at random with equal odds, a {@link TestResult#timeout timeout} after {@link
 * #LOSS_TIMEOUT} or a {@link TestResult#failure failure} reported after the generator's latency
 * (as an ICMP "unreachable" would be), so that policies meet both outcomes. Successes carry the
 * generator's latency, {@link #DEFAULT_LATENCY} where it has none.
 *
 * <p>Every factory validates its parameters and throws {@link IllegalArgumentException} naming the
 * parameter, the rule and the value; {@link NullPointerException} for a null. The generators are
 * immutable and thread-safe.
 */
public final class Traces {
  /** The latency of a success when a generator is not given one: a typical 20 ms round trip. */
  public static final Duration DEFAULT_LATENCY = Duration.ofMillis(20);

  /** The limit reported by a lost round that timed out: a typical 1 s probe timeout. */
  public static final Duration LOSS_TIMEOUT = Duration.ofSeconds(1);

  private Traces() {}

  /** Every round succeeds with {@code latency}. */
  public static TraceGenerator allSuccess(Duration latency) {
    checkLatency("latency", latency);
    TestResult success = TestResult.success(latency);
    return named(
        "allSuccess(latency=" + latency + ")",
        (random, results, length) -> {
          for (int i = 0; i < length; i++) {
            results.add(success);
          }
        });
  }

  /** Every round is lost. */
  public static TraceGenerator allFailure() {
    return named(
        "allFailure()",
        (random, results, length) -> {
          for (int i = 0; i < length; i++) {
            results.add(lost(random, DEFAULT_LATENCY));
          }
        });
  }

  /**
   * Each round is lost with probability {@code p}, independently of the others (Bernoulli loss);
   * the rest succeed with {@code latency}.
   *
   * @throws IllegalArgumentException if {@code p} is not between 0 and 1, or {@code latency} is
   *     negative
   */
  public static TraceGenerator independentLoss(double p, Duration latency) {
    checkProbability("p", p);
    checkLatency("latency", latency);
    TestResult success = TestResult.success(latency);
    return named(
        "independentLoss(p=" + format(p) + ", latency=" + latency + ")",
        (random, results, length) -> {
          for (int i = 0; i < length; i++) {
            results.add(random.nextDouble() < p ? lost(random, latency) : success);
          }
        });
  }

  /**
   * Bursty loss after the Gilbert-Elliott model, with successes of {@link #DEFAULT_LATENCY}.
   *
   * @see #burstyLoss(double, double, double, double, Duration)
   */
  public static TraceGenerator burstyLoss(
      double pGoodToBad, double pBadToGood, double lossInGood, double lossInBad) {
    return burstyLoss(pGoodToBad, pBadToGood, lossInGood, lossInBad, DEFAULT_LATENCY);
  }

  /**
   * Bursty loss after the Gilbert-Elliott model: a two-state Markov chain, good and bad, that
   * changes state before each round with the given probabilities and loses the round with the
   * state's loss probability.
   *
   * <p>The first state is drawn from the chain's stationary distribution (bad with probability
   * {@code pGoodToBad / (pGoodToBad + pBadToGood)}; good if both are 0), so that the long-run mean
   * loss, {@code (pBadToGood * lossInGood + pGoodToBad * lossInBad) / (pGoodToBad + pBadToGood)},
   * holds from the first round on. A bad period lasts {@code 1 / pBadToGood} rounds on average.
   *
   * @throws IllegalArgumentException if a probability is not between 0 and 1, or {@code latency}
   *     is negative
   */
  public static TraceGenerator burstyLoss(
      double pGoodToBad,
      double pBadToGood,
      double lossInGood,
      double lossInBad,
      Duration latency) {
    checkProbability("pGoodToBad", pGoodToBad);
    checkProbability("pBadToGood", pBadToGood);
    checkProbability("lossInGood", lossInGood);
    checkProbability("lossInBad", lossInBad);
    checkLatency("latency", latency);
    TestResult success = TestResult.success(latency);
    double stationaryBad =
        pGoodToBad + pBadToGood == 0 ? 0 : pGoodToBad / (pGoodToBad + pBadToGood);
    return named(
        String.format(
            Locale.ROOT,
            "burstyLoss(pGoodToBad=%s, pBadToGood=%s, lossInGood=%s, lossInBad=%s, latency=%s)",
            format(pGoodToBad),
            format(pBadToGood),
            format(lossInGood),
            format(lossInBad),
            latency),
        (random, results, length) -> {
          boolean bad = random.nextDouble() < stationaryBad;
          for (int i = 0; i < length; i++) {
            if (i > 0) {
              bad = bad ? random.nextDouble() >= pBadToGood : random.nextDouble() < pGoodToBad;
            }
            double loss = bad ? lossInBad : lossInGood;
            results.add(random.nextDouble() < loss ? lost(random, latency) : success);
          }
        });
  }

  /**
   * {@code healthyBefore} successful rounds, then {@code outageLength} lost rounds, then successes
   * again, all successes of {@link #DEFAULT_LATENCY}; a trace shorter than that is cut short.
   *
   * @throws IllegalArgumentException if a length is negative
   */
  public static TraceGenerator outage(int healthyBefore, int outageLength) {
    checkCount("healthyBefore", healthyBefore);
    checkCount("outageLength", outageLength);
    TestResult success = TestResult.success(DEFAULT_LATENCY);
    return named(
        "outage(healthyBefore=" + healthyBefore + ", outageLength=" + outageLength + ")",
        (random, results, length) -> {
          for (int i = 0; i < length; i++) {
            boolean down = i >= healthyBefore && i - healthyBefore < outageLength;
            results.add(down ? lost(random, DEFAULT_LATENCY) : success);
          }
        });
  }

  /**
   * Every round succeeds, with latency {@code before} for rounds before round {@code at} and
   * {@code after} from it on: a route change or a congested uplink.
   *
   * @throws IllegalArgumentException if {@code at} or a latency is negative
   */
  public static TraceGenerator latencyShift(int at, Duration before, Duration after) {
    checkCount("at", at);
    checkLatency("before", before);
    checkLatency("after", after);
    TestResult early = TestResult.success(before);
    TestResult late = TestResult.success(after);
    return named(
        "latencyShift(at=" + at + ", before=" + before + ", after=" + after + ")",
        (random, results, length) -> {
          for (int i = 0; i < length; i++) {
            results.add(i < at ? early : late);
          }
        });
  }

  /**
   * A trace of one to three segments, each made by one of the generators above with parameters
   * drawn at random, all from the given random source: short and long outages, light and heavy,
   * independent and bursty loss, latency shifts, steady success and steady failure.
   *
   * <p>The mix leans towards conditions that stress a policy near its thresholds (occasional loss,
   * short bursts) while still producing clean runs long enough to settle.
   */
  public static TraceGenerator mixed() {
    return MIXED;
  }

  private static final TraceGenerator MIXED =
      named(
          "mixed()",
          (random, results, length) -> {
            int segments = length < 2 ? 1 : 1 + random.nextInt(Math.min(3, length));
            int[] cuts = new int[segments + 1];
            cuts[segments] = length;
            for (int i = 1; i < segments; i++) {
              cuts[i] = random.nextInt(length + 1);
            }
            Arrays.sort(cuts, 1, segments);
            for (int i = 0; i < segments; i++) {
              int segmentLength = cuts[i + 1] - cuts[i];
              results.addAll(
                  randomGenerator(random, segmentLength)
                      .generate(random, segmentLength)
                      .results());
            }
          });

  /** One stock generator with random parameters suited to a segment of {@code length} rounds. */
  static TraceGenerator randomGenerator(SplittableRandom random, int length) {
    int span = Math.max(1, length);
    switch (random.nextInt(9)) {
      case 0:
        return allSuccess(randomLatency(random));
      case 1:
        return allFailure();
      case 2:
      case 3:
        // Squaring favours light loss, the condition where policies differ most.
        double p = random.nextDouble();
        return independentLoss(p * p, randomLatency(random));
      case 4:
      case 5:
        return burstyLoss(
            0.002 + random.nextDouble() * 0.2,
            0.05 + random.nextDouble() * 0.6,
            random.nextDouble() * 0.05,
            0.5 + random.nextDouble() * 0.5,
            randomLatency(random));
      case 6:
      case 7:
        return outage(random.nextInt(span + 1), 1 + random.nextInt(span));
      default:
        return latencyShift(random.nextInt(span + 1), randomLatency(random), randomLatency(random));
    }
  }

  private static Duration randomLatency(SplittableRandom random) {
    // Mostly ordinary round trips; sometimes a slow but successful one.
    return random.nextInt(10) == 0
        ? Duration.ofMillis(300 + random.nextInt(1200))
        : Duration.ofMillis(1 + random.nextInt(150));
  }

  private static TestResult lost(SplittableRandom random, Duration latency) {
    return random.nextBoolean()
        ? TestResult.timeout(LOSS_TIMEOUT)
        : TestResult.failure(latency, "destination unreachable");
  }

  /** Appends {@code length} results to {@code results}. */
  @FunctionalInterface
  private interface Body {
    void fill(SplittableRandom random, List<TestResult> results, int length);
  }

  private static TraceGenerator named(String description, Body body) {
    return new TraceGenerator() {
      @Override
      public Trace generate(SplittableRandom random, int length) {
        Objects.requireNonNull(random, "random");
        checkCount("length", length);
        List<TestResult> results = new ArrayList<>(length);
        body.fill(random, results, length);
        return new Trace(results);
      }

      @Override
      public String toString() {
        return description;
      }
    };
  }

  private static void checkProbability(String name, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(
          name + " must be a probability between 0 and 1, was " + format(value));
    }
  }

  private static void checkLatency(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must be >= 0, was " + value);
    }
  }

  private static void checkCount(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, was " + value);
    }
  }

  private static String format(double value) {
    return Double.toString(value);
  }
}
