package dev.failover.core;

import dev.failover.api.ReliabilityPolicy;
import dev.failover.testkit.ReliabilityPolicyConformanceTest;

/**
 * The testkit's policy invariants, run against the {@link DampedPolicy} with its defaults.
 *
 * <p>Settling takes longer than for an undamped policy. With a round every second (the suite's
 * interval), a provider that flapped just before the unbroken success began may carry the capped
 * penalty, {@code flap_reuse_threshold * 2^(flap_max_hold / flap_half_life)}, which decays to the
 * reuse threshold {@code flap_max_hold} = 600 s after that flap; the window (49 rounds) and the
 * 30 s dwell fit inside it. So the 600th round of unbroken success is the last one at which the
 * provider may still be held back; two rounds more allow for the rounding of the decayed penalty.
 * Unbroken failure takes 3 rounds ({@code down_consecutive_failures}).
 */
class DampedPolicyConformanceTest extends ReliabilityPolicyConformanceTest {

  @Override
  protected ReliabilityPolicy policy() {
    return DampedPolicy.withDefaults();
  }

  @Override
  protected int settleRounds() {
    return 602;
  }
}
