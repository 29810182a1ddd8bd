package dev.failover.core;

import static dev.failover.api.ProviderState.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.ProviderStatus;
import dev.failover.api.TestResult;
import dev.failover.testkit.PolicySimulation;
import dev.failover.testkit.Property;
import dev.failover.testkit.Shrinker;
import dev.failover.testkit.Shrinkers;
import dev.failover.testkit.SimulationResult;
import dev.failover.testkit.Trace;
import dev.failover.testkit.TraceGenerator;
import dev.failover.testkit.Traces;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Properties of the {@link DampedPolicy} with its default settings, over long generated traces
 * run by the testkit's {@link PolicySimulation}: two providers (the primary first), two targets
 * each, a round every 0.25 s, a history of 50 rounds. Each property also runs once against a
 * deliberately weakened policy, to show that it can fail.
 *
 * <p>The bound on loss that the first property uses, for the defaults ({@code
 * down_consecutive_failures = 3}, {@code min_targets_up = 1}, the loss test between 6% and 20% at
 * a false alarm probability of 1e-4): a round fails when both targets are lost; <b>no 3
 * consecutive rounds fail, and a reference CUSUM over the probes, written here independently of
 * the policy ({@link #bounded}), stays below ln(10^4)</b>. Under that bound the down rule can
 * never fire, so a primary whose first round succeeds is never switched away from. The generators
 * make loss at random and then repair the trace to keep within the bound, so that the traces hug
 * it: runs of 2 failed rounds and scores just below the threshold are common.
 */
class DampedPolicyPropertyTest {
  private static final Duration INTERVAL = Duration.ofMillis(250);
  private static final int CAPACITY = 50;
  private static final int TARGETS = 2;
  private static final DampedPolicySettings DEFAULTS = DampedPolicySettings.defaults();
  private static final Duration DWELL = DEFAULTS.failbackDwell();

  /** The most failed rounds in a row and in any loss window that keep the down rule silent. */
  private static final int MAX_FAILURE_RUN = DEFAULTS.downConsecutiveFailures() - 1;

  /** The reference model's score per lost and per answered probe, and its threshold. */
  private static final double LOST = Math.log(20.0 / 8);

  private static final double ANSWERED = Math.log(80.0 / 92);
  private static final double THRESHOLD = Math.log(1e4);

  /** Rounds of unbroken success after which a down provider surely fails back (once damped). */
  private static final int FAILBACK_ROUNDS =
      DEFAULTS.lossWindowRounds() + (int) (DWELL.toMillis() / INTERVAL.toMillis()) + 1;

  private static final TestResult SUCCESS = TestResult.success(Traces.DEFAULT_LATENCY);

  private static PolicySimulation simulation(DampedPolicy policy) {
    return PolicySimulation.of(policy).withHistoryCapacity(CAPACITY).withInterval(INTERVAL);
  }

  // ---- no switch at all for bounded random loss ----------------------------------------------

  @Test
  void assess_randomLossWithinBoundOverLongTraces_neverSwitches() {
    noSwitchUnderBoundedLoss(DampedPolicy.withDefaults(), Property.cases(200), 1000);
  }

  @Test
  void assess_randomLossWithinBound_weakenedThresholdSwitches() {
    // A false alarm probability of 1e-3 (threshold 6.9): scores just below 9.21 fire.
    DampedPolicy weakened =
        new DampedPolicy(DEFAULTS.toBuilder().lossFalseAlarmProbability(1e-3).build());

    assertThatThrownBy(() -> noSwitchUnderBoundedLoss(weakened, 20, 5))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("switched");
  }

  private static void noSwitchUnderBoundedLoss(DampedPolicy policy, int cases, int shrinkSteps) {
    Property.forAll(
        "damped: no switch under bounded loss, " + policy.settings(),
        cases,
        shrinkSteps,
        random -> {
          int length = 2400 + random.nextInt(2401); // 10 to 20 minutes of rounds
          List<Trace> primary = bounded(randomLoss(random, length), new boolean[length]);
          List<Trace> backup = randomLoss(random, length);
          return List.of(primary, backup);
        },
        Shrinkers.traceMatrix(),
        traces -> {
          List<Trace> primary = traces.get(0);
          assumeTrue(withinBound(primary), "shrinking left the bound");
          SimulationResult run = simulation(policy).runScenarios(traces);
          if (run.mainSwitches() != 0) {
            int step = run.firstStepNotEligible(0, 0).orElse(-1);
            throw new AssertionError(
                "switched " + run.mainSwitches() + " times; the primary was first not eligible at"
                    + " step " + step + ": " + (step < 0 ? "-" : run.statusAt(step, 0)));
          }
        });
  }

  // ---- a hard outage is always detected within its bound -------------------------------------

  @Test
  void assess_hardOutageAfterAnyHistory_notEligibleFromItsThirdRound() {
    outageDetected(DampedPolicy.withDefaults(), Property.cases(500), 1000);
  }

  @Test
  void assess_hardOutage_weakenedDownRuleDetectsTooLate() {
    DampedPolicy weakened =
        new DampedPolicy(DEFAULTS.toBuilder().downConsecutiveFailures(4).build());

    assertThatThrownBy(() -> outageDetected(weakened, 20, 5))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("still eligible");
  }

  /**
   * After any history of 1 to 3 providers (mixed conditions, one or two targets), the primary
   * loses every target for at least 3 rounds: from the 3rd lost round on, for as long as the
   * outage lasts, it is not eligible, whatever the other providers do.
   */
  private static void outageDetected(DampedPolicy policy, int cases, int shrinkSteps) {
    int bound = DEFAULTS.downConsecutiveFailures();
    Property.forAll(
        "damped: hard outage detected within " + bound + " rounds, " + policy.settings(),
        cases,
        shrinkSteps,
        random -> {
          int providers = 1 + random.nextInt(3);
          int targets = 1 + random.nextInt(2);
          int prefix = 1 + random.nextInt(600);
          int outage = bound + random.nextInt(30);
          List<List<Trace>> traces = new ArrayList<>();
          for (int p = 0; p < providers; p++) {
            List<Trace> row = new ArrayList<>();
            for (int t = 0; t < targets; t++) {
              Trace before = Traces.mixed().generate(random, prefix);
              Trace during =
                  p == 0
                      ? Traces.allFailure().generate(random, outage)
                      : Traces.mixed().generate(random, outage);
              row.add(before.concat(during));
            }
            traces.add(row);
          }
          return new OutageCase(traces, prefix);
        },
        outageCase -> Stream.empty(),
        c -> {
          SimulationResult run = simulation(policy).runScenarios(c.traces());
          for (int step = c.outageStart() + bound - 1; step < run.steps(); step++) {
            if (run.eligibleAt(step, 0)) {
              throw new AssertionError(
                  "the primary is still eligible at step " + step + ", "
                      + (step - c.outageStart() + 1) + " rounds into a hard outage: "
                      + run.statusAt(step, 0));
            }
          }
        });
  }

  /** Traces whose primary loses every target from step {@code outageStart} to the end. */
  record OutageCase(List<List<Trace>> traces, int outageStart) {}

  // ---- failback exactly once, and not before the dwell ---------------------------------------

  @Test
  void assess_outageThenRecovery_failsBackExactlyOnceAfterTheDwell() {
    failbackOnceAfterDwell(DampedPolicy.withDefaults(), DWELL, Property.cases(200), 1000);
  }

  @Test
  void assess_outageThenRecovery_weakenedZeroDwellFailsBackTooEarly() {
    DampedPolicy weakened =
        new DampedPolicy(DEFAULTS.toBuilder().failbackDwell(Duration.ZERO).build());

    assertThatThrownBy(() -> failbackOnceAfterDwell(weakened, DWELL, 20, 5))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("before the dwell");
  }

  /**
   * Both providers have random loss within the bound; the primary also has one hard outage, and
   * after it, somewhere among bounded loss, a stretch of unbroken success long enough to recover.
   * Then the main provider switches exactly twice (away, and back), and at the failback the
   * primary has answered every round for at least {@code dwell}, counted from the end of the
   * outage or from its last failed round, whichever is later.
   */
  private static void failbackOnceAfterDwell(
      DampedPolicy policy, Duration dwell, int cases, int shrinkSteps) {
    Property.forAll(
        "damped: failback exactly once after the dwell, " + policy.settings(),
        cases,
        shrinkSteps,
        random -> {
          int before = 40 + random.nextInt(400);
          int outage = DEFAULTS.downConsecutiveFailures() + random.nextInt(400);
          int noisy = random.nextInt(400);
          int clean = FAILBACK_ROUNDS + random.nextInt(200);
          int tail = random.nextInt(400);
          int length = before + outage + noisy + clean + tail;
          int outageEnd = before + outage;
          List<Trace> raw = randomLoss(random, length);
          boolean[] fixed = new boolean[length];
          List<Trace> primary = new ArrayList<>();
          for (Trace trace : raw) {
            List<TestResult> results = new ArrayList<>(trace.results());
            for (int i = before; i < outageEnd; i++) {
              results.set(i, TestResult.timeout(Traces.LOSS_TIMEOUT));
              fixed[i] = true;
            }
            for (int i = outageEnd + noisy; i < outageEnd + noisy + clean; i++) {
              results.set(i, SUCCESS);
            }
            primary.add(new Trace(results));
          }
          List<Trace> backup = bounded(randomLoss(random, length), new boolean[length]);
          return new FailbackCase(List.of(bounded(primary, fixed), backup), outageEnd);
        },
        failbackCase -> Stream.empty(),
        c -> {
          SimulationResult run = simulation(policy).runScenarios(c.traces());
          if (run.mainSwitches() != 2) {
            throw new AssertionError(
                "the main provider switched " + run.mainSwitches() + " times, not twice (away and"
                    + " back)");
          }
          int failback = c.outageEnd();
          while (failback < run.steps() - 1 && run.mainAt(failback) != 0) {
            failback++;
          }
          Instant at = run.timeAt(failback);
          int lastFailed = c.outageEnd() - 1;
          for (int step = c.outageEnd(); step <= failback; step++) {
            // With min_targets_up = 1 a round fails only when no target answered.
            boolean answered =
                run.historyAt(step, 0).latest().orElseThrow().results().stream()
                    .anyMatch(TestResult::succeeded);
            if (!answered) {
              lastFailed = step;
            }
          }
          Duration healthy = Duration.between(run.timeAt(lastFailed), at).minus(INTERVAL);
          if (healthy.compareTo(dwell) < 0) {
            throw new AssertionError(
                "failed back at step " + failback + " after " + healthy.toMillis()
                    + " ms of unbroken success, before the dwell of " + dwell.toMillis() + " ms;"
                    + " the outage ended at step " + c.outageEnd());
          }
        });
  }

  /** Traces whose primary has a hard outage that ends before step {@code outageEnd}. */
  record FailbackCase(List<List<Trace>> traces, int outageEnd) {}

  // ---- flapping providers wait longer --------------------------------------------------------

  @Test
  void assess_providerFlappingAtAFixedRhythm_waitsLongerEachTime() {
    flappersWaitLonger(DampedPolicy.withDefaults(), Property.cases(200), 1000);
  }

  @Test
  void assess_providerFlapping_weakenedWithoutPenaltyWaitsTheSame() {
    DampedPolicy weakened = new DampedPolicy(DEFAULTS.toBuilder().flapPenalty(0).build());

    assertThatThrownBy(() -> flappersWaitLonger(weakened, 20, 5))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no longer than");
  }

  /**
   * A provider that goes down for {@code outage} rounds, fails back, stays up for {@code gap}
   * rounds (at most 60 s, half the default half-life), and goes down again, {@code cycles} times:
   * its second wait for failback (from the end of an outage to being eligible) is longer than its
   * first, and no later wait is shorter than the one before, give or take one round (the penalty
   * is checked once per round).
   *
   * <p>The traces depend on when the policy fails the provider back, so this property drives the
   * policy round by round rather than through a {@link PolicySimulation}.
   */
  private static void flappersWaitLonger(DampedPolicy policy, int cases, int shrinkSteps) {
    Property.forAll(
        "damped: flapping providers wait longer, " + policy.settings(),
        cases,
        shrinkSteps,
        random ->
            new FlapCase(
                DEFAULTS.downConsecutiveFailures() + random.nextInt(38),
                random.nextInt(241),
                2 + random.nextInt(5)),
        FlapCase.SHRINKER,
        c -> {
          DampedPolicyTest.Driver driver = DampedPolicyTest.Driver.of(policy, 1);
          driver.rounds(5, "++");
          List<Duration> waits = new ArrayList<>();
          for (int cycle = 0; cycle < c.cycles(); cycle++) {
            driver.rounds(c.outage(), "xx");
            Instant outageEnd = driver.now();
            driver.roundsUntil(0, UP, 4 * 3600, "++");
            ProviderStatus up = driver.status(0);
            waits.add(Duration.between(outageEnd, up.since()));
            driver.rounds(c.gap(), "++");
          }
          if (waits.get(1).compareTo(waits.get(0)) <= 0) {
            throw new AssertionError(
                "the second wait " + waits.get(1) + " is no longer than the first " + waits.get(0)
                    + "; waits: " + waits);
          }
          for (int i = 2; i < waits.size(); i++) {
            if (waits.get(i).plus(INTERVAL).compareTo(waits.get(i - 1)) < 0) {
              throw new AssertionError(
                  "wait " + (i + 1) + " is shorter than the one before by more than a round;"
                      + " waits: " + waits);
            }
          }
        });
  }

  /**
   * A provider flapping at a fixed rhythm.
   *
   * @param outage rounds of each outage
   * @param gap rounds it stays up after each failback
   * @param cycles how many outages
   */
  record FlapCase(int outage, int gap, int cycles) {
    static final Shrinker<FlapCase> SHRINKER =
        c ->
            Stream.of(
                    Shrinkers.integer(2)
                        .candidates(c.cycles())
                        .map(n -> new FlapCase(c.outage(), c.gap(), n)),
                    Shrinkers.integer(DEFAULTS.downConsecutiveFailures())
                        .candidates(c.outage())
                        .map(n -> new FlapCase(n, c.gap(), c.cycles())),
                    Shrinkers.integer(0)
                        .candidates(c.gap())
                        .map(n -> new FlapCase(c.outage(), n, c.cycles())))
                .flatMap(s -> s);
  }

  // ---- generators ------------------------------------------------------------------------------

  /**
   * One trace per target of {@code length} rounds: independent loss of up to 40% or bursty loss,
   * each target on its own.
   */
  private static List<Trace> randomLoss(SplittableRandom random, int length) {
    List<Trace> traces = new ArrayList<>(TARGETS);
    for (int t = 0; t < TARGETS; t++) {
      TraceGenerator generator =
          random.nextBoolean()
              ? Traces.independentLoss(0.4 * random.nextDouble(), Traces.DEFAULT_LATENCY)
              : Traces.burstyLoss(
                  0.001 + 0.05 * random.nextDouble(),
                  0.05 + 0.5 * random.nextDouble(),
                  0.1 * random.nextDouble(),
                  0.5 + 0.5 * random.nextDouble());
      traces.add(generator.generate(random, length));
    }
    return traces;
  }

  /**
   * {@code targets} repaired to keep within the bound: the first round succeeds, no run of more
   * than {@link #MAX_FAILURE_RUN} failed rounds, and the reference loss score stays below {@link
   * #THRESHOLD}; a round that would break it has its lost probes answered, target by target, until
   * it keeps within. Rounds marked {@code fixed} (an outage) are kept as they are and count; the
   * score restarts at 0 after them, as the policy's does when a provider leaves DOWN (later, so
   * that its score is never above the model's: the score only grows from a higher start).
   *
   * <p>The reference score: each probe of a round adds {@code ln(20/6)} if lost and {@code
   * ln(80/94)} if answered, answered probes first, and the score never goes below 0.
   */
  private static List<Trace> bounded(List<Trace> targets, boolean[] fixed) {
    int length = targets.get(0).size();
    List<List<TestResult>> results = new ArrayList<>();
    for (Trace trace : targets) {
      results.add(new ArrayList<>(trace.results()));
    }
    int run = 0;
    double score = 0;
    for (int i = 0; i < length; i++) {
      if (i > 0 && fixed[i - 1] && !fixed[i]) {
        score = 0;
      }
      int next = 0;
      while (true) {
        int lost = 0;
        for (List<TestResult> target : results) {
          lost += target.get(i).succeeded() ? 0 : 1;
        }
        boolean fails = lost == results.size();
        double after = fold(score, results.size() - lost, lost);
        boolean breaksBound = (i == 0 && fails) || (fails && run + 1 > MAX_FAILURE_RUN)
            || after >= THRESHOLD;
        if (fixed[i] || !breaksBound) {
          run = fails ? run + 1 : 0;
          score = after;
          break;
        }
        while (results.get(next).get(i).succeeded()) {
          next++;
        }
        results.get(next).set(i, SUCCESS);
      }
    }
    List<Trace> repaired = new ArrayList<>();
    for (List<TestResult> target : results) {
      repaired.add(new Trace(target));
    }
    return repaired;
  }

  private static double fold(double score, int answered, int lost) {
    for (int k = 0; k < answered; k++) {
      score = Math.max(0, score + ANSWERED);
    }
    for (int k = 0; k < lost; k++) {
      score = Math.max(0, score + LOST);
    }
    return score;
  }

  /** Whether {@code targets} keep within the bound, with a successful first round. */
  private static boolean withinBound(List<Trace> targets) {
    if (targets.isEmpty() || targets.get(0).size() == 0) {
      return false;
    }
    int length = targets.get(0).size();
    int run = 0;
    double score = 0;
    for (int i = 0; i < length; i++) {
      int lost = 0;
      for (Trace target : targets) {
        lost += target.failed(i) ? 1 : 0;
      }
      boolean fails = lost == targets.size();
      run = fails ? run + 1 : 0;
      score = fold(score, targets.size() - lost, lost);
      if ((i == 0 && fails) || run > MAX_FAILURE_RUN || score >= THRESHOLD) {
        return false;
      }
    }
    return true;
  }

  @Test
  void bounded_randomLoss_keepsWithinTheBoundAndStillLosesRounds() {
    SplittableRandom random = new SplittableRandom(7);
    List<Trace> traces =
        List.of(
            Traces.independentLoss(0.5, Traces.DEFAULT_LATENCY).generate(random, 2000),
            Traces.independentLoss(0.5, Traces.DEFAULT_LATENCY).generate(random, 2000));

    List<Trace> repaired = bounded(traces, new boolean[2000]);

    assertThat(withinBound(traces)).isFalse();
    assertThat(withinBound(repaired)).isTrue();
    // The repair keeps the trace near the bound: still many lost probes (the loss test's
    // indifference point is 11.8% per probe).
    int lostProbes = 0;
    for (int i = 0; i < 2000; i++) {
      lostProbes += (repaired.get(0).failed(i) ? 1 : 0) + (repaired.get(1).failed(i) ? 1 : 0);
    }
    assertThat(lostProbes).isGreaterThan(400);
  }
}
