package dev.failover.examples.policy;

import dev.failover.api.ReliabilityPolicy;
import dev.failover.testkit.ReliabilityPolicyConformanceTest;

/**
 * Runs failover-testkit's conformance suite (determinism, purity, settling, monotonicity, capacity,
 * legal transitions) on the user's own policy: extending the suite is all it takes.
 */
class LastRoundsPolicyConformanceTest extends ReliabilityPolicyConformanceTest {

  @Override
  protected ReliabilityPolicy policy() {
    return new LastRoundsPolicy(3);
  }

  @Override
  protected int casesPerProperty() {
    return 300; // the suite's default is 1000; a user's quick run may want fewer
  }
}
