package dev.failover.core;

import dev.failover.api.ReliabilityPolicy;
import dev.failover.testkit.ReliabilityPolicyConformanceTest;

/**
 * The original policy with tight settings, where the failed-count half of the rule does fire
 * ({@code max_failed_checks = 5}, {@code min_consecutive_succeeded_checks = 2}, 20 rounds kept),
 * passes the conformance suite. From a history of 20 failures it takes 15 successes to be
 * eligible again, within the default settle bound of one history capacity.
 */
class OriginalPolicyTightConformanceTest extends ReliabilityPolicyConformanceTest {

  @Override
  protected ReliabilityPolicy policy() {
    return new OriginalPolicy(5, 2);
  }

  @Override
  protected int historyCapacity() {
    return 20;
  }
}
