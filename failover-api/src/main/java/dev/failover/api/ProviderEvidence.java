package dev.failover.api;

/**
 * The figures a policy judged one provider by, as it counts them: packet loss counted per probe,
 * reachability counted per round, and the state of a sequential loss test. A policy returns them in
 * its {@link ProviderStatus}, so that {@code failover status} shows the policy's own figures and no
 * second count disagrees with the verdict.
 *
 * <p>The two measures, one definition each:
 *
 * <ul>
 *   <li><b>packet loss</b>: of the {@code probes} the policy counted (one per usable target and
 *       round in its window), {@code lostProbes} went unanswered (or, with a latency limit,
 *       answered too late);
 *   <li><b>reachability</b>: of the {@code rounds} in its window, {@code failedRounds} had too few
 *       targets answer (k of n).
 * </ul>
 *
 * <p>A policy that runs a sequential test over the probes carries its statistics here from one
 * call to the next: {@code lossScore} is the evidence that loss is degraded (0 while there is
 * none), {@code recoveryScore} the evidence that loss is acceptable again. The engine probes at its
 * faster cadence while a test is running: a loss score above 0, or a recovery score above 0 on a
 * {@link ProviderState#DOWN DOWN} provider. A policy without such a test leaves both at 0; {@link
 * #NONE} says the policy reports no figures at all.
 *
 * @param probes how many probes the policy counted in its window
 * @param lostProbes how many of them were lost
 * @param rounds how many rounds the policy counted in its window
 * @param failedRounds how many of them failed
 * @param lossScore the sequential test's evidence of degraded loss, finite and >= 0
 * @param recoveryScore the sequential test's evidence of acceptable loss, finite and >= 0
 */
public record ProviderEvidence(
    int probes,
    int lostProbes,
    int rounds,
    int failedRounds,
    double lossScore,
    double recoveryScore) {

  /** No figures: a policy that reports none. */
  public static final ProviderEvidence NONE = new ProviderEvidence(0, 0, 0, 0, 0, 0);

  /**
   * @throws IllegalArgumentException if a count is negative, a part exceeds its whole, or a score
   *     is negative or not finite
   */
  public ProviderEvidence {
    Checks.checkArgument(probes >= 0, "probes must be >= 0, was %s", probes);
    Checks.checkArgument(
        lostProbes >= 0 && lostProbes <= probes,
        "lostProbes must be between 0 and probes (%s), was %s",
        probes,
        lostProbes);
    Checks.checkArgument(rounds >= 0, "rounds must be >= 0, was %s", rounds);
    Checks.checkArgument(
        failedRounds >= 0 && failedRounds <= rounds,
        "failedRounds must be between 0 and rounds (%s), was %s",
        rounds,
        failedRounds);
    Checks.checkArgument(
        lossScore >= 0 && Double.isFinite(lossScore),
        "lossScore must be finite and >= 0, was %s",
        lossScore);
    Checks.checkArgument(
        recoveryScore >= 0 && Double.isFinite(recoveryScore),
        "recoveryScore must be finite and >= 0, was %s",
        recoveryScore);
  }

  /** Whether the policy reported figures (it counted at least one probe or round). */
  public boolean reported() {
    return probes > 0 || rounds > 0;
  }

  /** The packet loss in percent, 0 to 100: lost probes of those counted; 0 with none counted. */
  public double lossPercent() {
    return probes == 0 ? 0 : 100.0 * lostProbes / probes;
  }

  /** The share of failed rounds in percent, 0 to 100; 0 with none counted. */
  public double failedRoundPercent() {
    return rounds == 0 ? 0 : 100.0 * failedRounds / rounds;
  }
}
