package dev.failover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.failover.api.ProbeRound;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite catches deliberately broken policies: each property method, run
 * programmatically on a suite over a broken policy, throws an AssertionError that names the seed.
 */
class ReliabilityPolicyConformanceTestTest {
  private final SystemProperties properties = new SystemProperties();

  @BeforeEach
  void clearProperties() {
    properties.clear(Property.SEED_PROPERTY, Property.CASES_PROPERTY);
  }

  @AfterEach
  void restoreProperties() {
    properties.restore();
  }

  /** A suite over {@code policy} with the defaults but fewer cases (a broken policy fails fast). */
  static final class Suite extends ReliabilityPolicyConformanceTest {
    private final ReliabilityPolicy policy;

    Suite(ReliabilityPolicy policy) {
      this.policy = policy;
    }

    @Override
    protected ReliabilityPolicy policy() {
      return policy;
    }

    @Override
    protected int casesPerProperty() {
      return 200;
    }
  }

  /**
   * A policy that derives each provider's state from its history alone, with the correct handling
   * of previous statuses (since kept while the state stays).
   */
  private static ReliabilityPolicy statelessPolicy(
      String name, Function<ProviderHistory, ProviderState> rule) {
    return new ReliabilityPolicy() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Map<String, ProviderStatus> assess(
          List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
        Map<String, ProviderStatus> result = new LinkedHashMap<>();
        for (ProviderHistory history : histories) {
          ProviderState state = rule.apply(history);
          ProviderStatus before = previous.get(history.provider().id());
          result.put(
              history.provider().id(),
              before != null && before.state() == state
                  ? before
                  : ProviderStatus.of(state, now, "by rule"));
        }
        return result;
      }
    };
  }

  private static ProviderState lastThree(ProviderHistory history) {
    return new LastRoundsPolicy(3).assess(List.of(history), Map.of(), Instant.EPOCH)
        .get(history.provider().id())
        .state();
  }

  private static void assertFailsWithSeed(ThrowingCallable property, String why) {
    assertThatThrownBy(property)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("property '")
        .hasMessageContaining("with seed ")
        .hasMessageContaining("-Dfailover.testkit.seed=")
        .hasMessageContaining("shrunk")
        .hasMessageContaining(why)
        .hasCauseInstanceOf(AssertionError.class);
  }

  @Test
  void correctPolicy_everyProperty_passes() {
    Suite suite = new Suite(new LastRoundsPolicy(2));

    suite.assess_sameInputs_sameStatuses();
    suite.assess_anyCall_leavesInputsUnchangedAndCoversExactlyTheGivenProviders();
    suite.assess_unbrokenSuccessAfterAnyPrefix_eligibleWithinSettleRounds();
    suite.assess_unbrokenFailureAfterAnyPrefix_notEligibleWithinSettleRounds();
    suite.assess_failureTurnedIntoSuccess_neverMakesAProviderIneligible();
    suite.simulation_anyTraces_policySeesTheNewestRoundsWithinCapacity();
    suite.assess_stateChanges_areAllowedByTheTransitionTable();
    suite.assess_unchangedState_keepsSince();
  }

  @Test
  void determinism_policyWithHiddenCounter_fails() {
    AtomicLong calls = new AtomicLong();
    ReliabilityPolicy counting =
        statelessPolicy(
            "counting",
            history ->
                calls.incrementAndGet() % 101 == 0 ? ProviderState.DOWN : lastThree(history));

    assertFailsWithSeed(
        () -> new Suite(counting).assess_sameInputs_sameStatuses(), "counting");
  }

  @Test
  void monotonicity_policyCountingFlaps_failsWithASmallCounterexample() {
    // "More than two changes between success and failure means flapping": turning a failure
    // inside a run of failures into a success adds changes, so a better history looks worse.
    ReliabilityPolicy flapCounting =
        statelessPolicy(
            "flap-counting",
            history -> {
              int changes = 0;
              List<ProbeRound> rounds = history.rounds();
              for (int i = 1; i < rounds.size(); i++) {
                if (rounds.get(i).succeeded() != rounds.get(i - 1).succeeded()) {
                  changes++;
                }
              }
              return changes > 2 || !history.latest().orElseThrow().succeeded()
                  ? ProviderState.DOWN
                  : ProviderState.UP;
            });
    Suite suite = new Suite(flapCounting);

    Throwable failure =
        catchThrowable(
            suite::assess_failureTurnedIntoSuccess_neverMakesAProviderIneligible);

    assertThat(failure)
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("-Dfailover.testkit.seed=")
        .hasMessageContaining("turning one failed result");
    // The shrunk case is one provider with one short trace: showing it takes a run of at least
    // three failures (one flipped in its middle) and a success, such as xxx+.
    String shrunk = failure.getMessage().split("shrunk", 2)[1];
    assertThat(shrunk).contains("1 provider(s) x 1 scenario(s)");
    int rounds =
        Integer.parseInt(shrunk.replaceAll("(?s).*scenario\\(s\\), (\\d+) rounds.*", "$1"));
    assertThat(rounds).isLessThanOrEqualTo(6);
  }

  @Test
  void since_policyResettingSince_fails() {
    ReliabilityPolicy forgetful =
        new ReliabilityPolicy() {
          @Override
          public String name() {
            return "forgetful";
          }

          @Override
          public Map<String, ProviderStatus> assess(
              List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
            Map<String, ProviderStatus> result = new LinkedHashMap<>();
            for (ProviderHistory history : histories) {
              result.put(history.provider().id(), ProviderStatus.of(lastThree(history), now, "x"));
            }
            return result;
          }
        };

    assertFailsWithSeed(
        () -> new Suite(forgetful).assess_unchangedState_keepsSince(), "its since moved");
  }

  @Test
  void transitions_policyGoingFromDownToSuspect_fails() {
    // SUSPECT is for an eligible provider that starts failing; DOWN -> SUSPECT is not allowed,
    // but this rule goes there when a down provider succeeds again in a lossy window.
    ReliabilityPolicy skipping =
        statelessPolicy(
            "skipping",
            history ->
                history.consecutiveFailures() >= 3
                    ? ProviderState.DOWN
                    : history.consecutiveFailures() >= 1 || history.failedCount() > 5
                        ? ProviderState.SUSPECT
                        : ProviderState.UP);

    assertFailsWithSeed(
        () -> new Suite(skipping).assess_stateChanges_areAllowedByTheTransitionTable(),
        "which ProviderState does not allow");
  }

  @Test
  void settling_policyThatNeverRecovers_fails() {
    // The bug: DOWN latches, so a provider that ever went down never comes back.
    ReliabilityPolicy grudging =
        new ReliabilityPolicy() {
          @Override
          public String name() {
            return "grudging";
          }

          @Override
          public Map<String, ProviderStatus> assess(
              List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
            Map<String, ProviderStatus> result = new LinkedHashMap<>();
            for (ProviderHistory history : histories) {
              ProviderStatus before = previous.get(history.provider().id());
              ProviderState state =
                  before != null && before.state() == ProviderState.DOWN
                      ? ProviderState.DOWN
                      : lastThree(history);
              result.put(
                  history.provider().id(),
                  before != null && before.state() == state
                      ? before
                      : ProviderStatus.of(state, now, "latched"));
            }
            return result;
          }
        };

    assertFailsWithSeed(
        () ->
            new Suite(grudging).assess_unbrokenSuccessAfterAnyPrefix_eligibleWithinSettleRounds(),
        "rounds of unbroken success");
  }

  @Test
  void settling_policyThatIgnoresFailures_fails() {
    ReliabilityPolicy optimistic = statelessPolicy("optimistic", history -> ProviderState.UP);

    assertFailsWithSeed(
        () ->
            new Suite(optimistic)
                .assess_unbrokenFailureAfterAnyPrefix_notEligibleWithinSettleRounds(),
        "rounds of unbroken failure");
  }

  @Test
  void purity_policyEchoingStaleProviders_fails() {
    ReliabilityPolicy echoing =
        new ReliabilityPolicy() {
          @Override
          public String name() {
            return "echoing";
          }

          @Override
          public Map<String, ProviderStatus> assess(
              List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
            // The bug: starting from previous keeps providers that are no longer configured.
            Map<String, ProviderStatus> result = new HashMap<>(previous);
            result.putAll(new LastRoundsPolicy(3).assess(histories, previous, now));
            return result;
          }
        };

    assertFailsWithSeed(
        () ->
            new Suite(echoing)
                .assess_anyCall_leavesInputsUnchangedAndCoversExactlyTheGivenProviders(),
        "must return a status for exactly");
  }

  @Test
  void purity_policyMutatingPrevious_fails() {
    ReliabilityPolicy mutating =
        new ReliabilityPolicy() {
          @Override
          public String name() {
            return "mutating";
          }

          @Override
          public Map<String, ProviderStatus> assess(
              List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
            Map<String, ProviderStatus> result = new LastRoundsPolicy(3).assess(histories, previous, now);
            if (previous instanceof HashMap) {
              previous.keySet().retainAll(result.keySet()); // "tidying up" the caller's map
            }
            return result;
          }
        };

    assertFailsWithSeed(
        () ->
            new Suite(mutating)
                .assess_anyCall_leavesInputsUnchangedAndCoversExactlyTheGivenProviders(),
        "changed its previous argument");
  }
}
