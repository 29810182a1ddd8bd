package dev.failover.launcher.config;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The health checks one provider lists of its own ({@code [[providers.test_cases]]}), such as its
 * ISP's DNS server or the far end of a tunnel, and whether it runs them in addition to the global
 * {@code test_cases} or instead of them ({@code global_test_cases}, which the file must state).
 *
 * <p>Its results follow the global ones in the provider's rounds, so the global test cases are the
 * targets every provider that keeps them shares, and the only ones target correlation compares
 * (docs/policy-damped.md). Immutable.
 *
 * @param globalTestCases {@code global_test_cases}: {@code true} runs the global test cases too,
 *     before these; {@code false} runs only these
 * @param testCases the provider's own test cases, in order; not empty
 */
public record ProviderTestCases(boolean globalTestCases, List<TestCaseConfig> testCases) {

  /**
   * @throws IllegalArgumentException if {@code testCases} is empty
   */
  public ProviderTestCases {
    testCases = List.copyOf(checkNotNull(testCases, "test_cases"));
    checkArgument(!testCases.isEmpty(), "test_cases must hold at least one test case");
  }

  /**
   * How check-config and {@code run --dry-run} describe them: whether the provider keeps the global
   * test cases, then its own tables as written.
   */
  public String summary() {
    return (globalTestCases
            ? "global_test_cases = true: the global test cases, then its own: "
            : "global_test_cases = false: only its own test cases, instead of the global ones: ")
        + testCases.stream().map(t -> t.table().toString()).collect(Collectors.joining(", "));
  }
}
