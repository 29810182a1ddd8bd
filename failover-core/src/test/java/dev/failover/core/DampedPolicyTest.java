package dev.failover.core;

import static dev.failover.api.ProviderState.DOWN;
import static dev.failover.api.ProviderState.INSUFFICIENT_DATA;
import static dev.failover.api.ProviderState.RECOVERING;
import static dev.failover.api.ProviderState.SUSPECT;
import static dev.failover.api.ProviderState.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderEvidence;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.TestResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class DampedPolicyTest {
  private static final Duration INTERVAL = Duration.ofMillis(250);

  private static DampedPolicy policy(UnaryOperator<DampedPolicySettings.Builder> change) {
    return new DampedPolicy(change.apply(DampedPolicySettings.builder()).build());
  }

  // ---- start and plain rules -------------------------------------------------------------------

  @Test
  void name_always_isDamped() {
    assertThat(DampedPolicy.withDefaults().name()).isEqualTo("damped");
  }

  @Test
  void assess_emptyHistory_insufficientData() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);

    driver.assessOnly();

    assertThat(driver.state(0)).isEqualTo(INSUFFICIENT_DATA);
  }

  @Test
  void assess_firstSuccessfulRound_up() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);

    driver.round("+");

    assertThat(driver.state(0)).isEqualTo(UP);
    assertThat(driver.status(0).reason()).contains("first successful round", "1 of 1 targets");
  }

  @Test
  void assess_fewerFailuresThanDownRuleAtStart_staysInsufficientData() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);

    driver.rounds(2, "x");

    assertThat(driver.state(0)).isEqualTo(INSUFFICIENT_DATA);
  }

  @Test
  void assess_failuresFromStart_downWithoutPenalty() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);

    driver.rounds(3, "x");

    assertThat(driver.state(0)).isEqualTo(DOWN);
    // Not a flap: the provider was never eligible.
    assertThat(driver.status(0).flapPenalty()).isZero();
  }

  @Test
  void assess_oneFailedRound_suspectAndStillEligible() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(5, "+");

    driver.round("x");

    assertThat(driver.state(0)).isEqualTo(SUSPECT);
    assertThat(driver.status(0).eligible()).isTrue();
  }

  @Test
  void assess_consecutiveFailuresReachDownRule_down() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(5, "+");

    driver.rounds(2, "x");
    assertThat(driver.state(0)).isEqualTo(SUSPECT);
    driver.round("x");

    assertThat(driver.state(0)).isEqualTo(DOWN);
    assertThat(driver.status(0).reason()).contains("3 consecutive failed rounds (down at 3)");
  }

  @Test
  void assess_twoFailuresThenSuccess_staysEligible() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(5, "+");

    driver.rounds(2, "x").round("+");

    assertThat(driver.state(0)).isEqualTo(SUSPECT);
  }

  @Test
  void assess_suspectThenEnoughSuccesses_upAgain() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(5, "+").round("x");

    driver.rounds(4, "+");
    assertThat(driver.state(0)).isEqualTo(SUSPECT);
    driver.round("+");

    assertThat(driver.state(0)).isEqualTo(UP);
  }

  @Test
  void assess_packetLossDegraded_downByTheLossTestWithoutConsecutiveFailures() {
    DampedPolicySettings settings = DampedPolicySettings.defaults();
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(50, "+");
    // One probe in 3 lost (33%): each cycle adds ln(20/8) + 2 ln(80/92) = 0.637 to the score,
    // which never falls back to 0; the lost probe that takes it to ln(10^4) = 9.21 fires.
    double perCycle = settings.lostProbeScore() + 2 * settings.answeredProbeScore();
    int cycles = (int) Math.ceil((settings.lossThreshold() - settings.lostProbeScore()) / perCycle);
    assertThat(cycles).isEqualTo(14);

    for (int i = 0; i < cycles; i++) {
      driver.round("x").rounds(2, "+");
    }
    assertThat(driver.status(0).eligible()).isTrue();
    assertThat(driver.status(0).evidence().lossScore())
        .isCloseTo(cycles * perCycle, within(1e-9));
    driver.round("x");

    assertThat(driver.state(0)).isEqualTo(DOWN);
    assertThat(driver.status(0).reason())
        .contains("packet loss degraded: loss test score 9.83 reached 9.21")
        .contains("(acceptable 8%, degraded 20%)", "15 of the last 50 probes lost (30%)");
  }

  @Test
  void assess_isolatedLostProbe_lossScoreBackToZeroAfterSevenAnswers() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(5, "+");

    driver.round("x");
    assertThat(driver.status(0).evidence().lossScore()).isCloseTo(Math.log(20.0 / 8), within(1e-9));
    // ln(20/8) = 0.916 is 6.56 answers of ln(92/80) = 0.140 each.
    driver.rounds(6, "+");
    assertThat(driver.status(0).evidence().lossScore()).isGreaterThan(0);
    driver.round("+");

    assertThat(driver.status(0).evidence().lossScore()).isZero();
  }

  @Test
  void assess_oneOfTwoTargetsLostEveryRound_roundsSucceedButLossTestFires() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(5, "++");

    // 50% packet loss: every round has an answer (reachable); the first adds ln(20/8) = 0.916,
    // each later one 0.916 - 0.140 = 0.776, so the 12th reaches 9.21.
    driver.rounds(11, "+x");
    assertThat(driver.state(0)).isEqualTo(UP);
    driver.round("+x");

    assertThat(driver.state(0)).isEqualTo(DOWN);
    assertThat(driver.status(0).reason()).contains("packet loss degraded");
  }

  @Test
  void assess_evidence_countsProbesAndRoundsOfTheWindowAsThePolicyJudgesThem() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1).capacity(10);
    driver.rounds(10, "++");

    driver.round("+x").round("xx");

    ProviderEvidence evidence = driver.status(0).evidence();
    assertThat(evidence.rounds()).isEqualTo(10);
    assertThat(evidence.failedRounds()).isEqualTo(1);
    assertThat(evidence.probes()).isEqualTo(20);
    assertThat(evidence.lostProbes()).isEqualTo(3);
    assertThat(evidence.lossPercent()).isEqualTo(15.0);
  }

  // ---- recovery: dead band and failback dwell --------------------------------------------------

  @Test
  void assess_downThenSuccesses_recoveringOnceTheRecoveryTestAccepts() {
    DampedPolicySettings settings = DampedPolicySettings.defaults();
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(5, "+").rounds(3, "x");
    // The recovery score starts at 0 when the provider goes down and gains ln(92/80) = 0.140 per
    // answered probe: ln(10^3) = 6.91 takes 50 of them, whatever the window still holds.
    int needed =
        (int) Math.ceil(settings.recoveryThreshold() / -settings.answeredProbeScore());
    assertThat(needed).isEqualTo(50);

    driver.rounds(needed - 1, "+");
    assertThat(driver.state(0)).isEqualTo(DOWN);
    driver.round("+");

    assertThat(driver.state(0)).isEqualTo(RECOVERING);
    assertThat(driver.status(0).eligible()).isFalse();
    assertThat(driver.status(0).reason())
        .contains("50 consecutive successful rounds, loss acceptable")
        .contains("failback dwell of 30 s");
  }

  @Test
  void assess_downWithLossBetweenAcceptableAndDegraded_staysDown() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(20, "+").rounds(3, "x");
    assertThat(driver.state(0)).isEqualTo(DOWN);

    // Then 1 lost probe in 6 (17%): runs of 5 successes, as up_consecutive_successes wants, but
    // each cycle takes 0.916 - 5 * 0.140 = 0.22 from the recovery score.
    for (int i = 0; i < 100; i++) {
      driver.rounds(5, "+").round("x");
    }

    List<ProviderState> afterOutage = driver.history(0).subList(22, 623);
    assertThat(afterOutage).containsOnly(DOWN);
  }

  @Test
  void assess_recovering_upExactlyWhenTheDwellHasPassed() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(5, "+").rounds(3, "x");
    driver.roundsUntil(0, RECOVERING, 100, "+");
    Instant recoveringSince = driver.status(0).since();

    // 30 s at 0.25 s per round: the 120th round after entry is the first at since + 30 s.
    driver.rounds(119, "+");
    assertThat(driver.state(0)).isEqualTo(RECOVERING);
    driver.round("+");

    assertThat(driver.state(0)).isEqualTo(UP);
    assertThat(driver.status(0).since()).isEqualTo(recoveringSince.plusSeconds(30));
    assertThat(driver.status(0).reason()).contains("healthy for 30 s (failback dwell 30 s)");
  }

  @Test
  void assess_recoveringRoundFails_backToDownAndDwellRestarts() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(5, "+").rounds(3, "x");
    driver.roundsUntil(0, RECOVERING, 100, "+");
    driver.rounds(100, "+");

    driver.round("x");

    assertThat(driver.state(0)).isEqualTo(DOWN);
    assertThat(driver.status(0).reason()).startsWith("recovery interrupted: a round failed");
    // Not a flap: the provider was not eligible.
    assertThat(driver.status(0).flapPenalty()).isLessThanOrEqualTo(1000.0);
    // Back through RECOVERING, which restarts the whole dwell.
    driver.roundsUntil(0, RECOVERING, 100, "+");
    driver.rounds(119, "+");
    assertThat(driver.state(0)).isEqualTo(RECOVERING);
    driver.round("+");
    assertThat(driver.state(0)).isEqualTo(UP);
  }

  @Test
  void assess_zeroDwellAndNoPenalty_downToUpDirectly() {
    Driver driver =
        Driver.of(policy(b -> b.failbackDwell(Duration.ZERO).flapPenalty(0)), 1);
    driver.rounds(5, "+").rounds(3, "x");

    driver.roundsUntil(0, UP, 100, "+");

    assertThat(driver.history(0)).doesNotContain(RECOVERING);
  }

  @Test
  void assess_stateUnchanged_returnsThePreviousStatusWithNewEvidence() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.round("+");
    ProviderStatus first = driver.status(0);

    driver.rounds(20, "+");

    assertThat(driver.status(0)).isEqualTo(first.withEvidence(driver.status(0).evidence()));
    assertThat(driver.status(0).evidence().rounds()).isEqualTo(21);
  }

  @Test
  void assess_sameInputs_sameStatuses() {
    DampedPolicy policy = DampedPolicy.withDefaults();
    Driver driver = Driver.of(policy, 2);
    driver.rounds(5, "+", "+").rounds(2, "x", "+");
    List<ProviderHistory> histories = driver.histories();
    Map<String, ProviderStatus> previous = driver.statuses();

    assertThat(policy.assess(histories, previous, driver.now()))
        .isEqualTo(policy.assess(histories, previous, driver.now()));
  }

  // ---- k-of-n targets and latency --------------------------------------------------------------

  @Test
  void assess_oneOfTwoTargetsFailsWithDefaultK_roundSucceeds() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);

    driver.rounds(5, "+x");

    assertThat(driver.state(0)).isEqualTo(UP);
    assertThat(driver.status(0).evidence().failedRounds()).isZero();
  }

  @Test
  void assess_oneOfTwoTargetsFailsWithKTwo_roundFails() {
    Driver driver = Driver.of(policy(b -> b.minTargetsUp(2)), 1);
    driver.rounds(5, "++");

    driver.rounds(3, "+x");

    assertThat(driver.state(0)).isEqualTo(DOWN);
    assertThat(driver.status(0).reason()).contains("1 of 2 targets answered");
  }

  @Test
  void assess_kAboveTargetCount_needsEveryTarget() {
    Driver driver = Driver.of(policy(b -> b.minTargetsUp(3)), 1);

    driver.rounds(5, "++");

    assertThat(driver.state(0)).isEqualTo(UP);
  }

  @Test
  void assess_slowSuccessWithoutLatencyRule_counts() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);

    driver.rounds(10, "s");

    assertThat(driver.state(0)).isEqualTo(UP);
  }

  @Test
  void assess_successesSlowerThanMaxLatency_countAsFailures() {
    Driver driver = Driver.of(policy(b -> b.maxLatency(Duration.ofMillis(500))), 1);
    driver.rounds(5, "+");

    driver.rounds(3, "s");

    assertThat(driver.state(0)).isEqualTo(DOWN);
    assertThat(driver.status(0).reason()).contains("0 of 1 targets answered within 0.5 s");
  }

  @Test
  void assess_latencyEqualToMaxLatency_counts() {
    Driver driver = Driver.of(policy(b -> b.maxLatency(Driver.SLOW)), 1);

    driver.rounds(10, "s");

    assertThat(driver.state(0)).isEqualTo(UP);
  }

  // ---- target correlation ----------------------------------------------------------------------

  @Test
  void assess_targetFailsOnEveryProviderWhileOtherAnswers_ignoredAndProvidersStayUp() {
    Driver driver = Driver.of(policy(b -> b.minTargetsUp(2)), 2);
    driver.rounds(5, "++", "++");

    driver.rounds(20, "+x", "+x");

    assertThat(driver.state(0)).isEqualTo(UP);
    assertThat(driver.state(1)).isEqualTo(UP);
  }

  @Test
  void assess_targetFailsEverywhereWithCorrelationOff_providersDown() {
    Driver driver = Driver.of(policy(b -> b.minTargetsUp(2).targetCorrelation(false)), 2);
    driver.rounds(5, "++", "++");

    driver.rounds(3, "+x", "+x");

    assertThat(driver.state(0)).isEqualTo(DOWN);
    assertThat(driver.state(1)).isEqualTo(DOWN);
  }

  @Test
  void assess_targetFailsOnOneProviderOnly_notIgnored() {
    Driver driver = Driver.of(policy(b -> b.minTargetsUp(2)), 2);
    driver.rounds(5, "++", "++");

    driver.rounds(3, "+x", "++");

    assertThat(driver.state(0)).isEqualTo(DOWN);
    assertThat(driver.state(1)).isEqualTo(UP);
  }

  @Test
  void assess_singleProviderWithFailingTarget_notIgnored() {
    Driver driver = Driver.of(policy(b -> b.minTargetsUp(2)), 1);
    driver.rounds(5, "++");

    driver.rounds(3, "+x");

    assertThat(driver.state(0)).isEqualTo(DOWN);
  }

  @Test
  void assess_everyTargetFailsEverywhere_nothingIgnoredAndAllDown() {
    Driver driver = Driver.of(policy(b -> b.minTargetsUp(2)), 2);
    driver.rounds(5, "++", "++");

    driver.rounds(3, "xx", "xx");

    assertThat(driver.state(0)).isEqualTo(DOWN);
    assertThat(driver.state(1)).isEqualTo(DOWN);
  }

  /**
   * Each provider adds a target of its own after the shared one (its ISP's DNS server, say): the
   * second results are different targets, so both failing is no sign of a bad target. The old
   * rule, which compared every index of rounds of equal length, ignored them.
   */
  @Test
  void assess_ownTargetsFailOnEveryProvider_notComparedAndProvidersDown() {
    Driver driver = Driver.of(policy(b -> b.minTargetsUp(2).sharedTargets(1)), 2);
    driver.rounds(5, "++", "++");

    driver.rounds(3, "+x", "+x");

    assertThat(driver.state(0)).isEqualTo(DOWN);
    assertThat(driver.state(1)).isEqualTo(DOWN);
  }

  @Test
  void assess_ownTargetAfterTwoSharedFailsEverywhere_notIgnored() {
    Driver driver = Driver.of(policy(b -> b.minTargetsUp(3).sharedTargets(2)), 2);
    driver.rounds(5, "+++", "+++");

    driver.rounds(3, "++x", "++x");

    assertThat(driver.state(0)).isEqualTo(DOWN);
    assertThat(driver.state(1)).isEqualTo(DOWN);
  }

  @Test
  void assess_sharedTargetFailsEverywhereWithOwnTargets_ignored() {
    Driver driver = Driver.of(policy(b -> b.minTargetsUp(2).sharedTargets(2)), 2);
    driver.rounds(5, "+++", "++");

    // Shared target 2 fails on both; isp1's own third target answers.
    driver.rounds(20, "+x+", "+x");

    assertThat(driver.state(0)).isEqualTo(UP);
    assertThat(driver.state(1)).isEqualTo(UP);
  }

  @Test
  void assess_uncorrelatedProviderAnswersAtSameIndex_sharedTargetStillIgnored() {
    Driver driver =
        Driver.of(
            policy(b -> b.minTargetsUp(2).sharedTargets(2).uncorrelatedProviders(Set.of("isp3"))),
            3);
    driver.rounds(5, "++", "++", "++");

    // isp3 runs only targets of its own: its second target answering says nothing of the shared
    // second target, which fails on both providers that run it.
    driver.rounds(20, "+x", "+x", "++");

    assertThat(driver.state(0)).isEqualTo(UP);
    assertThat(driver.state(1)).isEqualTo(UP);
    assertThat(driver.state(2)).isEqualTo(UP);
  }

  @Test
  void assess_uncorrelatedProviderFailsAtIgnoredIndex_notIgnoredForIt() {
    Driver driver =
        Driver.of(
            policy(b -> b.minTargetsUp(2).sharedTargets(2).uncorrelatedProviders(Set.of("isp3"))),
            3);
    driver.rounds(5, "++", "++", "++");

    driver.rounds(3, "+x", "+x", "+x");

    assertThat(driver.state(0)).isEqualTo(UP);
    assertThat(driver.state(1)).isEqualTo(UP);
    assertThat(driver.state(2)).isEqualTo(DOWN);
  }

  @Test
  void assess_deadUplinkWhileATargetFailsEverywhere_deadUplinkStillDown() {
    Driver driver = Driver.of(policy(b -> b.minTargetsUp(2)), 2);
    driver.rounds(5, "++", "++");

    // Target 2 fails everywhere (a bad target); isp1 also loses target 1 (a dead uplink).
    driver.rounds(3, "xx", "+x");

    assertThat(driver.state(0)).isEqualTo(DOWN);
    assertThat(driver.state(1)).isEqualTo(UP);
  }

  @Test
  void assess_targetFailsEverywhereButAtDifferentRounds_notIgnored() {
    Driver driver = Driver.of(policy(b -> b.minTargetsUp(2)), 2);
    driver.rounds(5, "++", "++");

    // Each provider loses target 2 in alternate rounds: never on both at the same position.
    driver.round("+x", "++").round("++", "+x").round("+x", "++").round("++", "+x");
    driver.round("+x", "++").round("++", "+x").round("+x", "++");

    assertThat(driver.history(0)).contains(SUSPECT);
    assertThat(driver.history(1)).contains(SUSPECT);
  }

  // ---- flap damping ----------------------------------------------------------------------------

  @Test
  void assess_firstFlap_penaltyIsOneFlapPenalty() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(5, "+");

    driver.rounds(3, "x");

    assertThat(driver.status(0).flapPenalty()).isEqualTo(1000.0);
  }

  @Test
  void penaltyAt_oneHalfLifeLater_halved() {
    DampedPolicy policy = DampedPolicy.withDefaults();
    ProviderStatus status = new ProviderStatus(DOWN, Driver.T0, "test", 1000);

    assertThat(policy.penaltyAt(status, Driver.T0.plusSeconds(120))).isCloseTo(500, within(1e-9));
    assertThat(policy.penaltyAt(status, Driver.T0.plusSeconds(240))).isCloseTo(250, within(1e-9));
  }

  @Test
  void penaltyAt_nowBeforeSince_noDecayAndNoGrowth() {
    DampedPolicy policy = DampedPolicy.withDefaults();
    ProviderStatus status = new ProviderStatus(DOWN, Driver.T0, "test", 1000);

    assertThat(policy.penaltyAt(status, Driver.T0.minusSeconds(600))).isEqualTo(1000);
  }

  @Test
  void assess_secondFlapSoonAfterFirst_heldByDampingBeyondTheDwell() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(5, "+").rounds(3, "x");
    driver.roundsUntil(0, UP, 300, "+");

    driver.rounds(3, "x");
    assertThat(driver.state(0)).isEqualTo(DOWN);
    assertThat(driver.status(0).flapPenalty()).isGreaterThan(1500);
    driver.roundsUntil(0, RECOVERING, 100, "+");
    ProviderStatus recovering = driver.status(0);
    double penalty = recovering.flapPenalty();
    double holdSeconds = 120 * Math.log(penalty / 1000) / Math.log(2);
    assertThat(holdSeconds).isGreaterThan(30);
    assertThat(recovering.reason()).contains("of flap damping");

    driver.roundsUntil(0, UP, 1000, "+");

    Duration waited = Duration.between(recovering.since(), driver.status(0).since());
    assertThat(waited.toMillis() / 1000.0).isBetween(holdSeconds, holdSeconds + 0.25);
  }

  @Test
  void assess_recoveringInterrupted_addsNoPenalty() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(5, "+").rounds(3, "x");
    driver.roundsUntil(0, RECOVERING, 100, "+");
    double before = driver.policy.penaltyAt(driver.status(0), driver.now());

    driver.round("x");

    assertThat(driver.state(0)).isEqualTo(DOWN);
    assertThat(driver.status(0).flapPenalty()).isCloseTo(before, within(1.0));
  }

  @Test
  void assess_flapOfAHeavilyPenalisedProvider_penaltyCappedByMaxHold() {
    DampedPolicy policy = DampedPolicy.withDefaults();
    Provider provider = Driver.provider(1);
    List<ProbeRound> failed = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      failed.add(ProbeRound.of(Driver.T0, TestResult.failure(Duration.ZERO, "unreachable")));
    }
    ProviderStatus up = new ProviderStatus(UP, Driver.T0, "test", 31_500);

    ProviderStatus down =
        policy
            .assess(
                List.of(ProviderHistory.of(provider, 50, failed)), Map.of("isp1", up), Driver.T0)
            .get("isp1");

    // reuse * 2^(flap_max_hold / flap_half_life) = 1000 * 2^(600 / 120), not 31500 + 1000.
    assertThat(down.state()).isEqualTo(DOWN);
    assertThat(down.flapPenalty()).isEqualTo(32_000.0);
  }

  @Test
  void assess_flapPenaltyZero_noDampingBeyondTheDwell() {
    Driver driver = Driver.of(policy(b -> b.flapPenalty(0)), 1);
    driver.rounds(5, "+");
    for (int i = 0; i < 3; i++) {
      driver.rounds(3, "x");
      driver.roundsUntil(0, RECOVERING, 100, "+");
      Instant since = driver.status(0).since();
      driver.roundsUntil(0, UP, 1000, "+");
      assertThat(driver.status(0).since()).isEqualTo(since.plusSeconds(30));
    }
  }

  // ---- history resets, inputs ------------------------------------------------------------------

  @Test
  void assess_historyResetWhileDown_staysDown() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(5, "+").rounds(3, "x");
    ProviderStatus down = driver.status(0);

    driver.resetHistory(0).assessOnly();

    assertThat(driver.status(0)).isEqualTo(down.withEvidence(ProviderEvidence.NONE));
  }

  @Test
  void assess_historyResetWhileRecovering_downSoTheDwellIsNotSkipped() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(5, "+").rounds(3, "x");
    driver.roundsUntil(0, RECOVERING, 100, "+");

    driver.resetHistory(0).assessOnly();
    assertThat(driver.state(0)).isEqualTo(DOWN);
    driver.rounds(49, "+");
    assertThat(driver.state(0)).isEqualTo(DOWN);
    driver.round("+");

    assertThat(driver.state(0)).isEqualTo(RECOVERING);
  }

  @Test
  void assess_historyResetWhileUp_insufficientData() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 1);
    driver.rounds(5, "+");

    driver.resetHistory(0).assessOnly();

    assertThat(driver.state(0)).isEqualTo(INSUFFICIENT_DATA);
    assertThat(driver.status(0).reason()).contains("history was reset");
  }

  @Test
  void assess_duplicateProviderIds_rejected() {
    Provider provider = Driver.provider(1);
    ProviderHistory history = ProviderHistory.empty(provider, 50);

    assertThatThrownBy(
            () ->
                DampedPolicy.withDefaults()
                    .assess(List.of(history, history), Map.of(), Driver.T0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void assess_providerMissingFromPrevious_startsFromInitial() {
    Driver driver = Driver.of(DampedPolicy.withDefaults(), 2);
    driver.rounds(5, "+", "+");

    Map<String, ProviderStatus> statuses =
        driver.policy.assess(driver.histories(), Map.of(), driver.now());

    assertThat(statuses.get("isp1").state()).isEqualTo(UP);
    assertThat(statuses.get("isp1").since()).isEqualTo(driver.now());
  }

  /**
   * Feeds a policy one round per provider at a time, the way the engine does, and remembers every
   * status it returned.
   */
  static final class Driver {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Duration FAST = Duration.ofMillis(20);
    static final Duration SLOW = Duration.ofMillis(800);

    final DampedPolicy policy;
    private final List<Provider> providers;
    private final List<List<ProbeRound>> rounds = new ArrayList<>();
    private final List<List<ProviderStatus>> seen = new ArrayList<>();
    private int capacity = 50;
    private Instant now = T0;
    private Map<String, ProviderStatus> statuses = Map.of();

    private Driver(DampedPolicy policy, int providerCount) {
      this.policy = policy;
      List<Provider> list = new ArrayList<>();
      for (int i = 1; i <= providerCount; i++) {
        list.add(provider(i));
        rounds.add(new ArrayList<>());
        seen.add(new ArrayList<>());
      }
      this.providers = List.copyOf(list);
    }

    static Driver of(DampedPolicy policy, int providerCount) {
      return new Driver(policy, providerCount);
    }

    static Provider provider(int i) {
      return Provider.of(
          "isp" + i, "eth" + i, "10.0." + i + ".2", "10.0." + i + ".0/24", "10.0." + i + ".1",
          "isp" + i, 100 + i);
    }

    Driver capacity(int capacity) {
      this.capacity = capacity;
      return this;
    }

    /**
     * Records one round per provider, each given as its targets: {@code +} success in 20 ms,
     * {@code s} success in 800 ms, {@code x} failure, {@code t} timeout; then assesses at the
     * round's time, and moves the time on by one interval.
     */
    Driver round(String... targetsPerProvider) {
      if (targetsPerProvider.length != providers.size()) {
        throw new IllegalArgumentException("one pattern per provider");
      }
      for (int p = 0; p < providers.size(); p++) {
        rounds.get(p).add(new ProbeRound(now, results(targetsPerProvider[p])));
      }
      assessOnly();
      now = now.plus(INTERVAL);
      return this;
    }

    Driver rounds(int count, String... targetsPerProvider) {
      for (int i = 0; i < count; i++) {
        round(targetsPerProvider);
      }
      return this;
    }

    /** Single-provider rounds of {@code targets} until provider {@code p} is in {@code state}. */
    Driver roundsUntil(int p, ProviderState state, int maxRounds, String targets) {
      for (int i = 0; i < maxRounds; i++) {
        round(targets);
        if (state(p) == state) {
          return this;
        }
      }
      throw new AssertionError(
          "isp" + (p + 1) + " not " + state + " after " + maxRounds + " rounds: " + status(p));
    }

    Driver assessOnly() {
      statuses = policy.assess(histories(), statuses, now);
      for (int p = 0; p < providers.size(); p++) {
        seen.get(p).add(statuses.get(providers.get(p).id()));
      }
      return this;
    }

    Driver resetHistory(int p) {
      rounds.get(p).clear();
      return this;
    }

    List<ProviderHistory> histories() {
      List<ProviderHistory> histories = new ArrayList<>();
      for (int p = 0; p < providers.size(); p++) {
        histories.add(ProviderHistory.of(providers.get(p), capacity, rounds.get(p)));
      }
      return histories;
    }

    Map<String, ProviderStatus> statuses() {
      return statuses;
    }

    ProviderStatus status(int p) {
      return statuses.get(providers.get(p).id());
    }

    ProviderState state(int p) {
      return status(p).state();
    }

    /** The states provider {@code p} went through, one per assessment. */
    List<ProviderState> history(int p) {
      return seen.get(p).stream().map(ProviderStatus::state).toList();
    }

    List<ProviderStatus> statusesOverTime(int p) {
      return List.copyOf(seen.get(p));
    }

    /** The time of the next round. */
    Instant now() {
      return now;
    }

    private static List<TestResult> results(String targets) {
      List<TestResult> results = new ArrayList<>();
      for (char c : targets.toCharArray()) {
        switch (c) {
          case '+':
            results.add(TestResult.success(FAST));
            break;
          case 's':
            results.add(TestResult.success(SLOW));
            break;
          case 'x':
            results.add(TestResult.failure(Duration.ofMillis(3), "unreachable"));
            break;
          case 't':
            results.add(TestResult.timeout(Duration.ofSeconds(1)));
            break;
          default:
            throw new IllegalArgumentException("unknown target result '" + c + "'");
        }
      }
      return results;
    }
  }
}
