package dev.failover.api;

import java.time.Duration;

/**
 * A health check that runs through one provider, such as a ping of a well-known address bound to
 * the provider's source address.
 *
 * <p>The contract:
 *
 * <ul>
 *   <li>{@link #check} is synchronous and should return within about {@code timeout}. The engine
 *       runs it on its own threads and stops waiting at the timeout, so a hung check never stalls
 *       the loop, but a check that ignores its timeout holds a thread.
 *   <li>A provider that is down is a <em>result</em> ({@link TestResult#failure} or {@link
 *       TestResult#timeout}), not an exception. An exception means that the check itself is broken:
 *       the engine records it as a failure and logs a warning naming the provider and the scenario.
 *   <li>Implementations must be safe to call from several threads at once, for different
 *       providers.
 * </ul>
 */
public interface TestScenario {

  /**
   * A short name unique among the configured scenarios, used in logs and status, such as {@code
   * ping 192.0.2.1}.
   */
  String name();

  /** Runs the check once through {@code provider}, giving up after {@code timeout}. */
  TestResult check(Provider provider, Duration timeout);
}
