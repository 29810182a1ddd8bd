package dev.failover.api;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

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
 *   <li>The engine starts every check through {@link #start}, whose default runs {@link #check} on
 *       a thread of the engine's. A scenario that can wait for its answer without a thread, such as
 *       the built-in {@code ping} on one poll loop for all its sockets, overrides {@link #start}, so
 *       that many checks in flight do not cost a thread each.
 * </ul>
 */
public interface TestScenario {

  /**
   * A short name unique among the configured scenarios, used in logs and status, such as {@code
   * ping 192.0.2.1}.
   */
  String name();

  /**
   * The address family this check tests: an engine of that family runs it, through the providers
   * that have the family, and counts its results towards that family's verdict only.
   *
   * <p>A check that targets an IPv6 address returns {@link AddressFamily#IPV6} and sends from the
   * provider's {@linkplain Provider#address(AddressFamily) IPv6 address}. The default is {@link
   * AddressFamily#IPV4}, because every scenario written before IPv6 probes from {@link
   * Provider#ipv4Address()}: run through an IPv6-only provider, it would fail and judge a working
   * uplink down. A check that means to test both families is two scenarios, one of each, so that
   * each result is evidence about one family's path.
   */
  default AddressFamily family() {
    return AddressFamily.IPV4;
  }

  /**
   * Runs the check once through {@code provider}, giving up after {@code timeout}. The provider
   * has this scenario's {@link #family()} and is resolved for it.
   */
  TestResult check(Provider provider, Duration timeout);

  /**
   * Starts the check once through {@code provider} and returns at once with its result to come.
   *
   * <p>The default runs {@link #check} on one of {@code executor}'s threads; cancelling the future
   * interrupts that thread. An override must complete the future within about {@code timeout}
   * (with {@link TestResult#timeout} if no answer came), must stop the check and release what it
   * holds when the future is cancelled, and may complete it from any thread. A {@link
   * RuntimeException} thrown here or completing the future exceptionally means that the check is
   * broken, as for {@link #check}.
   *
   * @param provider the provider to check through
   * @param timeout how long the check may take
   * @param executor the engine's threads for checks that block
   */
  default Future<TestResult> start(Provider provider, Duration timeout, Executor executor) {
    FutureTask<TestResult> task = new FutureTask<>(() -> check(provider, timeout));
    executor.execute(task);
    return task;
  }
}
