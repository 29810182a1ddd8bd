package dev.failover.testkit;

import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.api.TestResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The properties every {@link ReliabilityPolicy} must keep, as JUnit Jupiter tests that a subclass
 * inherits: {@code class MyPolicyConformanceTest extends ReliabilityPolicyConformanceTest { protected
 * ReliabilityPolicy policy() { return new MyPolicy(...); } }}.
 *
 * <p>Each property runs {@link #casesPerProperty()} cases through {@link Property#forAll}: 1 to 3
 * providers, one scenario each (two in about one case in five), and traces of 1 to {@link
 * #maxTraceLength()} rounds from {@link Traces#mixed()}, fed to the policy by a {@link
 * PolicySimulation}. A failure is shrunk and reported with its seed; {@code
 * -Dfailover.testkit.seed=...} replays it and {@code -Dfailover.testkit.cases=0.1} runs a tenth of
 * the cases. The properties:
 *
 * <ul>
 *   <li>determinism: two runs over the same traces give equal statuses, and replaying any single
 *       call gives the same answer;
 *   <li>purity of the call: {@code assess} leaves its arguments as they were and returns a status
 *       for exactly the providers it was given, even when {@code previous} lacks one or names one
 *       that is gone;
 *   <li>settling: after any prefix, {@link #settleRounds()} rounds of unbroken success make every
 *       provider eligible, and unbroken failure makes it not eligible, for as long as it lasts;
 *   <li>monotonicity: at any step, from the same previous statuses, turning one failed result of
 *       an eligible provider's history into a success keeps that provider eligible;
 *   <li>capacity: the histories the policy sees hold exactly the newest {@link #historyCapacity()}
 *       rounds, with correct counts;
 *   <li>every state change is allowed by {@link ProviderState}'s table;
 *   <li>a provider whose state does not change keeps its {@code since}, which is never in the
 *       future.
 * </ul>
 *
 * <p>The methods are public so that a test can also run one programmatically. {@link #policy()} is
 * called once per property; the instance it returns is used for all of that property's cases, so
 * a policy that hides state in its fields is caught.
 */
public abstract class ReliabilityPolicyConformanceTest {

  /** A stale entry handed in {@code previous} for a provider no longer configured. */
  private static final String RETIRED_ID = "retired-provider";

  /** The policy under test. */
  protected abstract ReliabilityPolicy policy();

  /** How many rounds the simulated history keeps per provider; 50 unless overridden. */
  protected int historyCapacity() {
    return PolicySimulation.DEFAULT_HISTORY_CAPACITY;
  }

  /** How many cases each property runs: 1000, scaled by {@code failover.testkit.cases}. */
  protected int casesPerProperty() {
    return Property.cases(1000);
  }

  /**
   * How many rounds of unbroken success make any provider eligible, and of unbroken failure make it
   * not eligible, whatever came before; {@link #historyCapacity()} unless overridden (a policy
   * with flap damping may need longer).
   */
  protected int settleRounds() {
    return historyCapacity();
  }

  /** The time between two rounds; 1 s unless overridden. */
  protected Duration roundInterval() {
    return PolicySimulation.DEFAULT_INTERVAL;
  }

  /** The latency of the successes used to settle a provider; 20 ms unless overridden. */
  protected Duration healthyLatency() {
    return Traces.DEFAULT_LATENCY;
  }

  /** The longest generated trace; three history capacities unless overridden. */
  protected int maxTraceLength() {
    return 3 * historyCapacity();
  }

  /**
   * One generated case: a trace per provider and scenario, all of one length, and a seed for the
   * choices a property makes within the case (which step to perturb, which failure to flip).
   *
   * @param traces one row per provider, in priority order, one trace per scenario
   * @param choiceSeed the seed of the property's own choices
   */
  public record PolicyCase(List<List<Trace>> traces, long choiceSeed) {
    /**
     * @throws IllegalArgumentException if there is no provider or a provider has no trace
     */
    public PolicyCase {
      traces = traces.stream().map(List::copyOf).collect(Collectors.toUnmodifiableList());
      if (traces.isEmpty() || traces.stream().anyMatch(List::isEmpty)) {
        throw new IllegalArgumentException(
            "traces must have at least one provider with at least one trace each, were " + traces);
      }
    }

    /** How many rounds each trace has. */
    public int length() {
      return traces.get(0).get(0).size();
    }

    /** Every trace followed by {@code suffix}. */
    public List<List<Trace>> followedBy(Trace suffix) {
      return traces.stream()
          .map(row -> row.stream().map(t -> t.concat(suffix)).collect(Collectors.toList()))
          .collect(Collectors.toList());
    }

    @Override
    public String toString() {
      StringBuilder text =
          new StringBuilder()
              .append(traces.size())
              .append(" provider(s) x ")
              .append(traces.get(0).size())
              .append(" scenario(s), ")
              .append(length())
              .append(" rounds, choice seed ")
              .append(choiceSeed);
      for (int p = 0; p < traces.size(); p++) {
        for (Trace trace : traces.get(p)) {
          text.append("\n    isp").append(p + 1).append(": ").append(trace);
        }
      }
      return text.toString();
    }
  }

  /** A case as the properties generate it; a subclass may use it for properties of its own. */
  protected PolicyCase generateCase(SplittableRandom random) {
    int providers = 1 + random.nextInt(3);
    int scenarios = random.nextInt(5) == 0 ? 2 : 1;
    int length = 1 + random.nextInt(maxTraceLength());
    List<List<Trace>> traces = new ArrayList<>(providers);
    for (int p = 0; p < providers; p++) {
      List<Trace> row = new ArrayList<>(scenarios);
      for (int s = 0; s < scenarios; s++) {
        row.add(Traces.mixed().generate(random, length));
      }
      traces.add(row);
    }
    return new PolicyCase(traces, random.nextLong());
  }

  /** Shrinks a case as {@link Shrinkers#traceMatrix()} does, keeping its choice seed. */
  protected Shrinker<PolicyCase> caseShrinker() {
    Shrinker<List<List<Trace>>> matrix = Shrinkers.traceMatrix();
    return value ->
        matrix.candidates(value.traces()).map(m -> new PolicyCase(m, value.choiceSeed()));
  }

  /** The simulation the properties run: the subclass's capacity and interval. */
  protected PolicySimulation simulation(ReliabilityPolicy policy) {
    return PolicySimulation.of(policy)
        .withHistoryCapacity(historyCapacity())
        .withInterval(roundInterval());
  }

  private void check(String property, Consumer<PolicyCase> check) {
    Property.forAll(
        getClass().getName() + "#" + property,
        casesPerProperty(),
        this::generateCase,
        caseShrinker(),
        check);
  }

  @Test
  public void assess_sameInputs_sameStatuses() {
    ReliabilityPolicy policy = policy();
    check(
        "determinism",
        c -> {
          SimulationResult first = simulation(policy).runScenarios(c.traces());
          SimulationResult second = simulation(policy).runScenarios(c.traces());
          for (int step = 0; step < first.steps(); step++) {
            if (!first.statusesAt(step).equals(second.statusesAt(step))) {
              throw failure(
                  "two runs over the same traces differ at step " + step + ": first "
                      + first.statusesAt(step) + ", then " + second.statusesAt(step),
                  first);
            }
          }
          // Replaying single calls, newest first, catches state hidden in the policy.
          for (int step = first.steps() - 1; step >= 0; step--) {
            Map<String, ProviderStatus> again =
                policy.assess(first.historiesAt(step), first.previousAt(step), first.timeAt(step));
            for (Provider provider : first.providers()) {
              ProviderStatus expected = first.statusesAt(step).get(provider.id());
              if (again == null || !expected.equals(again.get(provider.id()))) {
                throw failure(
                    "replaying the call of step " + step + " gave "
                        + (again == null ? null : again.get(provider.id())) + " for " + provider
                        + " instead of " + expected,
                    first);
              }
            }
          }
        });
  }

  @Test
  public void assess_anyCall_leavesInputsUnchangedAndCoversExactlyTheGivenProviders() {
    ReliabilityPolicy policy = policy();
    check(
        "purity",
        c -> {
          SimulationResult run = simulation(policy).runScenarios(c.traces());
          SplittableRandom choices = new SplittableRandom(c.choiceSeed());
          for (int step = 0; step < run.steps(); step++) {
            Instant now = run.timeAt(step);
            List<ProviderHistory> histories = new ArrayList<>(run.historiesAt(step));
            Map<String, ProviderStatus> previous = new LinkedHashMap<>(run.previousAt(step));
            if (!previous.isEmpty() && choices.nextInt(4) == 0) {
              // A provider added to the config since the last decision.
              previous.remove(run.providers().get(choices.nextInt(run.providers().size())).id());
            }
            if (choices.nextInt(4) == 0) {
              // A provider removed from the config since the last decision.
              previous.put(
                  RETIRED_ID,
                  ProviderStatus.of(ProviderState.UP, now.minus(roundInterval()), "retired"));
            }
            List<ProviderHistory> historiesBefore = List.copyOf(histories);
            List<Map.Entry<String, ProviderStatus>> previousBefore =
                List.copyOf(previous.entrySet());
            Map<String, ProviderStatus> result = policy.assess(histories, previous, now);
            if (!histories.equals(historiesBefore)) {
              throw failure("assess changed its histories argument at step " + step, run);
            }
            if (!List.copyOf(previous.entrySet()).equals(previousBefore)) {
              throw failure(
                  "assess changed its previous argument at step " + step + ": from "
                      + previousBefore + " to " + previous.entrySet(),
                  run);
            }
            Set<String> expected =
                histories.stream().map(h -> h.provider().id()).collect(Collectors.toSet());
            if (result == null || !result.keySet().equals(expected)) {
              throw failure(
                  "assess must return a status for exactly " + expected + " at step " + step
                      + " (previous " + previous.keySet() + "), returned "
                      + (result == null ? null : result.keySet()),
                  run);
            }
            if (result.values().stream().anyMatch(Objects::isNull)) {
              throw failure("assess returned a null status at step " + step + ": " + result, run);
            }
          }
        });
  }

  @Test
  public void assess_unbrokenSuccessAfterAnyPrefix_eligibleWithinSettleRounds() {
    ReliabilityPolicy policy = policy();
    int settle = settleRounds();
    Trace successes = Traces.allSuccess(healthyLatency()).generate(new SplittableRandom(0), 2 * settle);
    check(
        "settlesUp",
        c -> {
          SimulationResult run = simulation(policy).runScenarios(c.followedBy(successes));
          int from = c.length() + settle - 1;
          for (int p = 0; p < run.providers().size(); p++) {
            int provider = p;
            run.firstStepNotEligible(p, from)
                .ifPresent(
                    step -> {
                      throw failure(
                          run.providers().get(provider) + " is " + run.statusAt(step, provider)
                              + " at step " + step + ", after " + (step - c.length() + 1)
                              + " rounds of unbroken success; it must be eligible from "
                              + settle + " such rounds on (settleRounds())",
                          run);
                    });
          }
        });
  }

  @Test
  public void assess_unbrokenFailureAfterAnyPrefix_notEligibleWithinSettleRounds() {
    ReliabilityPolicy policy = policy();
    int settle = settleRounds();
    check(
        "settlesDown",
        c -> {
          Trace failures =
              Traces.allFailure().generate(new SplittableRandom(c.choiceSeed()), 2 * settle);
          SimulationResult run = simulation(policy).runScenarios(c.followedBy(failures));
          int from = c.length() + settle - 1;
          for (int p = 0; p < run.providers().size(); p++) {
            int provider = p;
            run.firstStepEligible(p, from)
                .ifPresent(
                    step -> {
                      throw failure(
                          run.providers().get(provider) + " is " + run.statusAt(step, provider)
                              + " at step " + step + ", after " + (step - c.length() + 1)
                              + " rounds of unbroken failure; it must not be eligible from "
                              + settle + " such rounds on (settleRounds())",
                          run);
                    });
          }
        });
  }

  @Test
  public void assess_failureTurnedIntoSuccess_neverMakesAProviderIneligible() {
    ReliabilityPolicy policy = policy();
    check(
        "monotonicity",
        c -> {
          SimulationResult run = simulation(policy).runScenarios(c.traces());
          SplittableRandom choices = new SplittableRandom(c.choiceSeed());
          for (int step = 0; step < run.steps(); step++) {
            for (int p = 0; p < run.providers().size(); p++) {
              if (!run.eligibleAt(step, p)) {
                continue;
              }
              ProviderHistory history = run.historyAt(step, p);
              List<Integer> failed = new ArrayList<>();
              for (int i = 0; i < history.size(); i++) {
                if (!history.rounds().get(i).succeeded()) {
                  failed.add(i);
                }
              }
              if (failed.isEmpty()) {
                continue;
              }
              int index = failed.get(choices.nextInt(failed.size()));
              ProviderHistory better = withOneFailureFlipped(history, index);
              List<ProviderHistory> histories = new ArrayList<>(run.historiesAt(step));
              histories.set(p, better);
              Map<String, ProviderStatus> result =
                  policy.assess(List.copyOf(histories), run.previousAt(step), run.timeAt(step));
              ProviderStatus status = result == null ? null : result.get(history.provider().id());
              if (status == null || !status.eligible()) {
                throw failure(
                    history.provider() + " is eligible at step " + step + " ("
                        + run.statusAt(step, p) + "), but turning one failed result of its round "
                        + index + " of " + history.size() + " into a success makes it " + status
                        + "; history before: " + describe(history) + ", after: "
                        + describe(better),
                    run);
              }
            }
          }
        });
  }

  @Test
  public void simulation_anyTraces_policySeesTheNewestRoundsWithinCapacity() {
    ReliabilityPolicy policy = policy();
    int capacity = historyCapacity();
    check(
        "capacity",
        c -> {
          List<List<ProviderHistory>> seen = new ArrayList<>();
          ReliabilityPolicy recording =
              new ReliabilityPolicy() {
                @Override
                public String name() {
                  return policy.name();
                }

                @Override
                public Map<String, ProviderStatus> assess(
                    List<ProviderHistory> histories,
                    Map<String, ProviderStatus> previous,
                    Instant now) {
                  seen.add(List.copyOf(histories));
                  return policy.assess(histories, previous, now);
                }
              };
          SimulationResult run = simulation(recording).runScenarios(c.traces());
          if (seen.size() != run.steps()) {
            throw failure(
                "the policy was called " + seen.size() + " times in " + run.steps() + " steps", run);
          }
          for (int step = 0; step < run.steps(); step++) {
            for (int p = 0; p < run.providers().size(); p++) {
              checkHistory(run, c, step, p, seen.get(step).get(p), capacity);
            }
          }
        });
  }

  @Test
  public void assess_stateChanges_areAllowedByTheTransitionTable() {
    ReliabilityPolicy policy = policy();
    check(
        "transitions",
        c -> {
          SimulationResult run = simulation(policy).runScenarios(c.traces());
          for (int p = 0; p < run.providers().size(); p++) {
            ProviderState from = ProviderState.INSUFFICIENT_DATA;
            for (int step = 0; step < run.steps(); step++) {
              ProviderState to = run.stateAt(step, p);
              if (!from.canTransitionTo(to)) {
                throw failure(
                    run.providers().get(p) + " went from " + from + " to " + to + " at step "
                        + step + ", which ProviderState does not allow",
                    run);
              }
              from = to;
            }
          }
        });
  }

  @Test
  public void assess_unchangedState_keepsSince() {
    ReliabilityPolicy policy = policy();
    check(
        "since",
        c -> {
          SimulationResult run = simulation(policy).runScenarios(c.traces());
          for (int p = 0; p < run.providers().size(); p++) {
            for (int step = 0; step < run.steps(); step++) {
              ProviderStatus now = run.statusAt(step, p);
              if (now.since().isAfter(run.timeAt(step))) {
                throw failure(
                    run.providers().get(p) + " is " + now + " at step " + step + " ("
                        + run.timeAt(step) + "): since must not be in the future",
                    run);
              }
              if (step > 0) {
                ProviderStatus before = run.statusAt(step - 1, p);
                if (before.state() == now.state() && !before.since().equals(now.since())) {
                  throw failure(
                      run.providers().get(p) + " stayed " + now.state() + " at step " + step
                          + " but its since moved from " + before.since() + " to " + now.since(),
                      run);
                }
              }
            }
          }
        });
  }

  private void checkHistory(
      SimulationResult run, PolicyCase c, int step, int p, ProviderHistory seen, int capacity) {
    Provider provider = run.providers().get(p);
    String where = provider + " at step " + step + ": ";
    if (!seen.provider().equals(provider)) {
      throw failure(where + "the history is that of " + seen.provider(), run);
    }
    if (seen.capacity() != capacity || seen.size() > capacity) {
      throw failure(
          where + "the history has capacity " + seen.capacity() + " and " + seen.size()
              + " rounds; the simulation's capacity is " + capacity,
          run);
    }
    // The model: every round so far in a plain list, of which the newest `capacity` are kept.
    int first = Math.max(0, step + 1 - capacity);
    if (seen.size() != step + 1 - first) {
      throw failure(
          where + "the history holds " + seen.size() + " rounds, not the newest "
              + (step + 1 - first),
          run);
    }
    int failed = 0;
    for (int i = 0; i < seen.size(); i++) {
      int modelStep = first + i;
      ProbeRound round = seen.rounds().get(i);
      List<TestResult> expected = new ArrayList<>();
      for (Trace trace : c.traces().get(p)) {
        expected.add(trace.get(modelStep));
      }
      if (!round.results().equals(expected) || !round.startedAt().equals(run.timeAt(modelStep))) {
        throw failure(
            where + "round " + i + " of the history is " + round + ", not step " + modelStep
                + "'s " + expected + " at " + run.timeAt(modelStep),
            run);
      }
      failed += round.succeeded() ? 0 : 1;
    }
    int successRun = 0;
    while (successRun < seen.size() && seen.rounds().get(seen.size() - 1 - successRun).succeeded()) {
      successRun++;
    }
    int failureRun = 0;
    while (failureRun < seen.size()
        && !seen.rounds().get(seen.size() - 1 - failureRun).succeeded()) {
      failureRun++;
    }
    if (seen.failedCount() != failed
        || seen.consecutiveSuccesses() != successRun
        || seen.consecutiveFailures() != failureRun) {
      throw failure(
          where + "the history counts " + seen.failedCount() + " failed, "
              + seen.consecutiveSuccesses() + " consecutive successes and "
              + seen.consecutiveFailures() + " consecutive failures; recounting gives " + failed
              + ", " + successRun + " and " + failureRun,
          run);
    }
  }

  /** {@code history} with the first failed result of round {@code index} turned into a success. */
  private static ProviderHistory withOneFailureFlipped(ProviderHistory history, int index) {
    Duration best = null;
    for (ProbeRound round : history.rounds()) {
      for (TestResult result : round.results()) {
        if (result.succeeded() && (best == null || result.latency().compareTo(best) < 0)) {
          best = result.latency();
        }
      }
    }
    // Never slower than what the history already shows, so it cannot look worse to a
    // latency-aware policy than the failure it replaces.
    TestResult success = TestResult.success(best == null ? Traces.DEFAULT_LATENCY : best);
    ProbeRound round = history.rounds().get(index);
    List<TestResult> results = new ArrayList<>(round.results());
    for (int i = 0; i < results.size(); i++) {
      if (!results.get(i).succeeded()) {
        results.set(i, success);
        break;
      }
    }
    List<ProbeRound> rounds = new ArrayList<>(history.rounds());
    rounds.set(index, new ProbeRound(round.startedAt(), results));
    return ProviderHistory.of(history.provider(), history.capacity(), rounds);
  }

  private static String describe(ProviderHistory history) {
    StringBuilder text = new StringBuilder();
    for (ProbeRound round : history.rounds()) {
      text.append(round.succeeded() ? '+' : 'x');
    }
    return text.toString();
  }

  private AssertionError failure(String message, SimulationResult run) {
    return new AssertionError(
        "policy '" + run.policyName() + "': " + message + "\n  states (I/U/S/D/R per step):\n"
            + run.timeline().indent(4).stripTrailing());
  }
}
