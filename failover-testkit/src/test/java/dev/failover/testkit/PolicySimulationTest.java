package dev.failover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.ProbeRound;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicySimulationTest {
  private static final Instant START = FakeClock.DEFAULT_START;

  private final PolicySimulation lastThree = PolicySimulation.of(new LastRoundsPolicy(3));

  private final SimulationResult twoProviders =
      lastThree.run(List.of(Trace.parse("++++xx+++++"), Trace.parse("+++++++++++")));

  @Test
  void run_twoProviders_recordsEveryStatus() {
    assertThat(twoProviders.steps()).isEqualTo(11);
    assertThat(twoProviders.timeline())
        .isEqualTo("isp1: IIUUDDDDUUU\nisp2: IIUUUUUUUUU");
    assertThat(twoProviders.stateAt(4, 0)).isEqualTo(ProviderState.DOWN);
    assertThat(twoProviders.eligibleAt(8, 0)).isTrue();
    assertThat(twoProviders.statusAt(5, 0).since()).isEqualTo(START.plusSeconds(4));
  }

  @Test
  void mainAt_firstEligibleInPriorityOrder_orThePreviousMain() {
    List<Integer> mains = new ArrayList<>();
    for (int step = 0; step < twoProviders.steps(); step++) {
      mains.add(twoProviders.mainAt(step));
    }

    assertThat(mains).containsExactly(0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0);
    assertThat(twoProviders.mainSwitches()).isEqualTo(2);
    assertThat(twoProviders.mainProviderAt(5).id()).isEqualTo("isp2");
  }

  @Test
  void mainAt_noneEligible_keepsThePreviousMain() {
    SimulationResult run = lastThree.run(List.of(Trace.parse("+++xxxx"), Trace.parse("xxx+++x")));

    // isp1 is main until step 3; isp2 becomes eligible at step 5 and takes over; at step 6 nobody
    // is eligible and isp2 stays main.
    assertThat(run.timeline()).isEqualTo("isp1: IIUDDDD\nisp2: DDDDDUD");
    assertThat(run.mainAt(4)).isZero();
    assertThat(run.mainAt(5)).isEqualTo(1);
    assertThat(run.mainAt(6)).isEqualTo(1);
  }

  @Test
  void eligibilityHelpers_twoProviders_countAndFindChanges() {
    assertThat(twoProviders.eligibilityChanges(0)).isEqualTo(3);
    assertThat(twoProviders.eligibilityChanges(1)).isEqualTo(1);
    assertThat(twoProviders.firstStepNotEligible(0, 2)).hasValue(4);
    assertThat(twoProviders.firstStepEligible(0, 4)).hasValue(8);
    assertThat(twoProviders.firstStepNotEligible(1, 2)).isEmpty();
    assertThat(twoProviders.firstStepEligible(0, 0)).hasValue(2);
  }

  @Test
  void previousAt_eachStep_isWhatThePolicyReturnedTheStepBefore() {
    assertThat(twoProviders.previousAt(0)).isEmpty();
    for (int step = 1; step < twoProviders.steps(); step++) {
      assertThat(twoProviders.previousAt(step)).isEqualTo(twoProviders.statusesAt(step - 1));
    }
  }

  @Test
  void historyAt_smallCapacity_keepsTheNewestRoundsAtTheirTimes() {
    SimulationResult run =
        lastThree
            .withHistoryCapacity(4)
            .withInterval(Duration.ofSeconds(5))
            .withStart(Instant.parse("2030-01-01T00:00:00Z"))
            .run(List.of(Trace.parse("++++xx+++++")));

    ProviderHistory last = run.historyAt(10, 0);
    assertThat(last.capacity()).isEqualTo(4);
    assertThat(last.rounds())
        .extracting(ProbeRound::startedAt)
        .containsExactly(
            Instant.parse("2030-01-01T00:00:35Z"),
            Instant.parse("2030-01-01T00:00:40Z"),
            Instant.parse("2030-01-01T00:00:45Z"),
            Instant.parse("2030-01-01T00:00:50Z"));
    assertThat(run.historyAt(4, 0).consecutiveFailures()).isEqualTo(1);
    assertThat(run.historyAt(5, 0).failedCount()).isEqualTo(2);
    assertThat(run.timeAt(10)).isEqualTo(Instant.parse("2030-01-01T00:00:50Z"));
  }

  @Test
  void runScenarios_twoScenarios_aRoundFailsWhenEitherFails() {
    SimulationResult run =
        PolicySimulation.of(new LastRoundsPolicy(1))
            .runScenarios(List.of(List.of(Trace.parse("+++"), Trace.parse("+x+"))));

    assertThat(run.historyAt(2, 0).rounds()).allSatisfy(r -> assertThat(r.results()).hasSize(2));
    assertThat(run.timeline()).isEqualTo("isp1: UDU");
  }

  @Test
  void run_policy_getsUnmodifiableInputsInPriorityOrder() {
    List<String> problems = new ArrayList<>();
    ReliabilityPolicy probing =
        new ReliabilityPolicy() {
          private final ReliabilityPolicy delegate = new LastRoundsPolicy(1);

          @Override
          public String name() {
            return "probing";
          }

          @Override
          public Map<String, ProviderStatus> assess(
              List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
            try {
              previous.clear();
              problems.add("previous is modifiable");
            } catch (UnsupportedOperationException expected) {
              // as documented
            }
            try {
              histories.clear();
              problems.add("histories are modifiable");
            } catch (UnsupportedOperationException expected) {
              // as documented
            }
            if (!previous.isEmpty() && !List.copyOf(previous.keySet()).equals(List.of("isp1", "isp2", "isp3"))) {
              problems.add("previous out of order: " + previous.keySet());
            }
            return delegate.assess(histories, previous, now);
          }
        };

    PolicySimulation.of(probing)
        .run(List.of(Trace.parse("+x+x"), Trace.parse("++++"), Trace.parse("xxxx")));

    assertThat(problems).isEmpty();
  }

  @Test
  void run_policyOmittingAProvider_failsNamingIt() {
    ReliabilityPolicy forgetful =
        new ReliabilityPolicy() {
          @Override
          public String name() {
            return "forgetful";
          }

          @Override
          public Map<String, ProviderStatus> assess(
              List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now) {
            return Map.of("isp1", ProviderStatus.initial(now));
          }
        };

    assertThatThrownBy(
            () -> PolicySimulation.of(forgetful).run(List.of(Trace.parse("+"), Trace.parse("+"))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("policy 'forgetful' returned no status for provider 'isp2' at step 0");
  }

  @Test
  void run_invalidTraces_throw() {
    assertThatThrownBy(() -> lastThree.run(List.of(Trace.parse("++"), Trace.parse("+"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("all traces must have the same length");
    assertThatThrownBy(() -> lastThree.run(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one provider");
    assertThatThrownBy(
            () -> lastThree.withProviders(TestProviders.of(3)).run(List.of(Trace.parse("+"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one entry per provider (3), had 1");
    assertThatThrownBy(() -> lastThree.runScenarios(List.of(List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has none");
  }

  @Test
  void withProviders_sharedGateway_areTheOnesSimulated() {
    SimulationResult run =
        lastThree
            .withProviders(TestProviders.withSharedGateway(2))
            .run(List.of(Trace.parse("+"), Trace.parse("+")));

    assertThat(run.providers()).isEqualTo(TestProviders.withSharedGateway(2));
    assertThat(run.historyAt(0, 1).provider()).isEqualTo(TestProviders.withSharedGateway(2).get(1));
  }

  @Test
  void withSettings_invalidValues_throw() {
    assertThatThrownBy(() -> lastThree.withHistoryCapacity(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacity must be > 0, was 0");
    assertThatThrownBy(() -> lastThree.withInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interval must be > 0, was PT0S");
  }
}
