package dev.failover.core;

import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import dev.failover.testkit.FakeClock;
import java.time.Duration;

/** A scenario that succeeds after advancing the fake clock by {@code cost}: a probe that takes time. */
final class ClockAdvancingScenario implements TestScenario {
  private final FakeClock clock;
  private final Duration cost;

  ClockAdvancingScenario(FakeClock clock, Duration cost) {
    this.clock = clock;
    this.cost = cost;
  }

  @Override
  public String name() {
    return "slow";
  }

  @Override
  public TestResult check(Provider provider, Duration timeout) {
    clock.advance(cost);
    return TestResult.success(cost);
  }
}
