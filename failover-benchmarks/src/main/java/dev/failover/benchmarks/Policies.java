package dev.failover.benchmarks;

import dev.failover.api.ReliabilityPolicy;
import dev.failover.core.DampedPolicy;
import dev.failover.core.OriginalPolicy;

/** The policies the JMH benchmarks compare, by their config names. */
final class Policies {
  private Policies() {}

  /**
   * The policy named {@code name} with its default settings.
   *
   * @throws IllegalArgumentException if {@code name} is neither {@code original} nor {@code damped}
   */
  static ReliabilityPolicy withDefaults(String name) {
    return switch (name) {
      case OriginalPolicy.NAME -> OriginalPolicy.withDefaults();
      case DampedPolicy.NAME -> DampedPolicy.withDefaults();
      default -> throw new IllegalArgumentException(
          "policy must be 'original' or 'damped', was '" + name + "'");
    };
  }
}
