package dev.failover.core;

import dev.failover.api.ProviderEvidence;

/**
 * The {@link DampedPolicy}'s two sequential tests over per-probe loss, as they stand after a round:
 * Page's CUSUM, the repeated form of Wald's sequential probability ratio test, run in both
 * directions between the acceptable loss {@code p0} and the degraded loss {@code p1}.
 *
 * <p>Each probe adds its log-likelihood ratio {@code x} of degraded against acceptable loss: {@code
 * ln(p1 / p0)} when it was lost, {@code ln((1 - p1) / (1 - p0))} (negative) when it was answered.
 * The loss score is {@code max(0, score + x)}: it stays at 0 on a clean link, and reaches {@code
 * ln(1 / loss_false_alarm_probability)} when loss is degraded. The recovery score is {@code max(0,
 * score - x)}: it reaches {@code ln(1 / loss_false_recovery_probability)} when loss is acceptable
 * again. By Wald's inequality, a run of the loss test (an excursion of its score above 0) at
 * exactly the acceptable loss reaches its threshold with probability at most {@code
 * loss_false_alarm_probability}; the same holds for the recovery test at the degraded loss. The
 * rates per day and the detection times these give are in docs/policy-damped.md, "The loss test".
 *
 * <p>Within a round, the answered probes are counted before the lost ones: that order gives the
 * highest loss score and the lowest recovery score, so it never favours the link. Both scores
 * travel from one call of the policy to the next in {@link ProviderEvidence}.
 *
 * @param lossScore the evidence of degraded loss, >= 0
 * @param recoveryScore the evidence of acceptable loss, >= 0
 */
record LossTest(double lossScore, double recoveryScore) {

  /** The tests as {@code evidence} left them (both at 0 for a policy without them). */
  static LossTest of(ProviderEvidence evidence) {
    return new LossTest(evidence.lossScore(), evidence.recoveryScore());
  }

  /** The tests after the probes of {@code evidence}'s newest round. */
  LossTest fold(DampedEvidence evidence, DampedPolicySettings settings) {
    double answered = settings.answeredProbeScore();
    double lost = settings.lostProbeScore();
    double loss = lossScore;
    double recovery = recoveryScore;
    for (int i = 0; i < evidence.newestSucceeded(); i++) {
      loss = Math.max(0, loss + answered);
      recovery = Math.max(0, recovery - answered);
    }
    for (int i = 0; i < evidence.newestLost(); i++) {
      loss = Math.max(0, loss + lost);
      recovery = Math.max(0, recovery - lost);
    }
    return new LossTest(loss, recovery);
  }

  LossTest withLossScore(double score) {
    return new LossTest(score, recoveryScore);
  }

  LossTest withRecoveryScore(double score) {
    return new LossTest(lossScore, score);
  }

  /** The figures of {@code evidence}'s window, with these scores. */
  ProviderEvidence evidence(DampedEvidence evidence) {
    return new ProviderEvidence(
        evidence.windowProbes(),
        evidence.windowLostProbes(),
        evidence.windowRounds(),
        evidence.windowFailures(),
        lossScore,
        recoveryScore);
  }
}
