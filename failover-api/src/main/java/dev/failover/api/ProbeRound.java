package dev.failover.api;

import java.time.Instant;
import java.util.List;

/**
 * The results of every test case run against one provider in one check round, in the order the test
 * cases are configured: the global ones first (unless the provider replaces them), then the
 * provider's own.
 *
 * <p>As in the original, a round succeeds only if every test case in it succeeded.
 *
 * @param startedAt when the round began
 * @param results one result per test case run through the provider, never empty
 */
public record ProbeRound(Instant startedAt, List<TestResult> results) {

  /**
   * @throws NullPointerException if an argument or a result is null
   * @throws IllegalArgumentException if {@code results} is empty
   */
  public ProbeRound {
    Checks.checkNotNull(startedAt, "startedAt");
    results = List.copyOf(Checks.checkNotNull(results, "results"));
    Checks.checkArgument(!results.isEmpty(), "results must not be empty");
  }

  /** A round of one test case. */
  public static ProbeRound of(Instant startedAt, TestResult result) {
    return new ProbeRound(startedAt, List.of(result));
  }

  /** Whether every test case succeeded. */
  public boolean succeeded() {
    for (TestResult result : results) {
      if (!result.succeeded()) {
        return false;
      }
    }
    return true;
  }
}
