package dev.failover.api;

import java.time.Instant;

/**
 * A policy's verdict on one provider, and the memory it carries from one decision to the next.
 *
 * <p>Policies are pure functions, so anything they must remember (since when a provider has been in
 * its state, how much it has flapped) travels in this value: the engine hands each policy the
 * statuses it returned last time.
 *
 * @param state the provider's state
 * @param since when the provider entered {@code state}, on the timeline of the {@code now} the
 *     policy was given (the engine's monotonic time; see {@link ReliabilityPolicy#assess})
 * @param reason why, in words an operator reads in the log, such as {@code "3 consecutive
 *     failures"}
 * @param flapPenalty a damping penalty, as in route flap damping (RFC 2439): grows on each flap and
 *     decays with time; 0 for policies that do not damp
 * @param evidence the figures the verdict rests on, as the policy counts them (shown by {@code
 *     failover status}); {@link ProviderEvidence#NONE} for a policy that reports none
 */
public record ProviderStatus(
    ProviderState state,
    Instant since,
    String reason,
    double flapPenalty,
    ProviderEvidence evidence) {

  /**
   * @throws IllegalArgumentException if {@code flapPenalty} is negative or not finite
   */
  public ProviderStatus {
    Checks.checkNotNull(state, "state");
    Checks.checkNotNull(since, "since");
    Checks.checkNotNull(reason, "reason");
    Checks.checkNotNull(evidence, "evidence");
    Checks.checkArgument(
        flapPenalty >= 0 && Double.isFinite(flapPenalty),
        "flapPenalty must be finite and >= 0, was %s",
        flapPenalty);
  }

  /**
   * A status without figures ({@link ProviderEvidence#NONE}), as before policies reported them.
   *
   * @throws IllegalArgumentException if {@code flapPenalty} is negative or not finite
   */
  public ProviderStatus(ProviderState state, Instant since, String reason, double flapPenalty) {
    this(state, since, reason, flapPenalty, ProviderEvidence.NONE);
  }

  /** The status of a provider nothing is known about yet. */
  public static ProviderStatus initial(Instant now) {
    return new ProviderStatus(ProviderState.INSUFFICIENT_DATA, now, "no results yet", 0);
  }

  /** A status in {@code state} since {@code since}, without a penalty. */
  public static ProviderStatus of(ProviderState state, Instant since, String reason) {
    return new ProviderStatus(state, since, reason, 0);
  }

  /** This status with {@code evidence} instead of its own figures. */
  public ProviderStatus withEvidence(ProviderEvidence evidence) {
    return new ProviderStatus(state, since, reason, flapPenalty, evidence);
  }

  /** Whether the provider may carry the main default route. */
  public boolean eligible() {
    return state.eligible();
  }
}
