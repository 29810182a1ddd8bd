package dev.failover.core;

import dev.failover.api.ReliabilityPolicy;
import dev.failover.testkit.ReliabilityPolicyConformanceTest;

/**
 * The original policy with the original's defaults ({@code max_failed_checks = 50}, {@code
 * min_consecutive_succeeded_checks = 1}, 50 rounds kept) passes the conformance suite: every
 * property over 1000 generated traces.
 */
class OriginalPolicyConformanceTest extends ReliabilityPolicyConformanceTest {

  @Override
  protected ReliabilityPolicy policy() {
    return OriginalPolicy.withDefaults();
  }
}
