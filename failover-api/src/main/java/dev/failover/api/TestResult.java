package dev.failover.api;

import java.time.Duration;

/**
 * The raw facts of one health check against one provider: what happened and how long it took.
 *
 * <p>Whether a successful but slow check counts against the provider is the policy's decision,
 * from its own threshold; the result only reports the latency.
 *
 * @param outcome what happened
 * @param latency the round-trip time for a success, the time spent for a failure, the limit for a
 *     timeout; never negative
 * @param detail a short human-readable explanation, empty when there is nothing to add
 */
public record TestResult(Outcome outcome, Duration latency, String detail) {

  /** What a health check observed. */
  public enum Outcome {
    /** The target answered through the provider. */
    SUCCESS,
    /** The target did not answer, or answered with an error, before the limit. */
    FAILURE,
    /** Nothing was heard before the limit. */
    TIMEOUT
  }

  /**
   * @throws NullPointerException if any argument is null
   * @throws IllegalArgumentException if {@code latency} is negative
   */
  public TestResult {
    Checks.checkNotNull(outcome, "outcome");
    Checks.checkNotNull(latency, "latency");
    Checks.checkNotNull(detail, "detail");
    Checks.checkArgument(!latency.isNegative(), "latency must be >= 0, was %s", latency);
  }

  /** A successful check with its round-trip time. */
  public static TestResult success(Duration latency) {
    return new TestResult(Outcome.SUCCESS, latency, "");
  }

  /** A failed check, after {@code latency}, for the reason {@code detail}. */
  public static TestResult failure(Duration latency, String detail) {
    return new TestResult(Outcome.FAILURE, latency, detail);
  }

  /** A check that heard nothing within {@code limit}. */
  public static TestResult timeout(Duration limit) {
    return new TestResult(Outcome.TIMEOUT, limit, "no answer within " + limit.toMillis() + " ms");
  }

  /** Whether the outcome is {@link Outcome#SUCCESS}. */
  public boolean succeeded() {
    return outcome == Outcome.SUCCESS;
  }
}
