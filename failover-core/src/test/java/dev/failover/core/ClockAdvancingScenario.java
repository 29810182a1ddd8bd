package dev.failover.core;

import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import dev.failover.testkit.FakeClock;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/** A scenario that succeeds after advancing the fake clock by {@code cost}: a probe that takes time. */
final class ClockAdvancingScenario implements TestScenario {
  private final FakeClock clock;
  private final Duration cost;
  private final @Nullable TestResult result;

  ClockAdvancingScenario(FakeClock clock, Duration cost) {
    this(clock, cost, null);
  }

  /** Each check costs {@code cost} and returns {@code result} (null: a success after the cost). */
  ClockAdvancingScenario(FakeClock clock, Duration cost, @Nullable TestResult result) {
    this.clock = clock;
    this.cost = cost;
    this.result = result;
  }

  @Override
  public String name() {
    return "slow";
  }

  @Override
  public TestResult check(Provider provider, Duration timeout) {
    clock.advance(cost);
    return result != null ? result : TestResult.success(cost);
  }
}
