package dev.failover.testkit;

import dev.failover.api.ReliabilityPolicy;

/** The conformance suite passes on a simple correct policy, with the suite's defaults. */
class LastRoundsPolicyConformanceTest extends ReliabilityPolicyConformanceTest {
  @Override
  protected ReliabilityPolicy policy() {
    return new LastRoundsPolicy(3);
  }
}
