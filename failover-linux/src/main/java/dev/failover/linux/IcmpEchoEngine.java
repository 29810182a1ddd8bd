package dev.failover.linux;

import dev.failover.api.TestResult;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Sends one ICMP echo request (IPv4) or ICMPv6 echo request (IPv6) from a source address and
 * reports the reply, so that {@link PingScenario} does not care how: {@link SocketIcmpEchoEngine}
 * (the default) uses an ICMP socket of its own, {@link PingCommandEngine} runs the {@code ping}
 * program.
 *
 * <p>Implementations are thread-safe, never throw for an unreachable target (that is a {@link
 * TestResult#failure} or {@link TestResult#timeout}), and return within about {@code timeout}.
 */
public interface IcmpEchoEngine {

  /**
   * Sends one echo request to {@code target} from {@code source} (so that the source's policy rule
   * picks the provider's table) and waits at most {@code timeout} for the reply.
   *
   * @param source the provider's address, IPv4 or IPv6
   * @param target the address to ping, of the same family as {@code source}
   * @throws IllegalArgumentException if {@code source} and {@code target} are of different families
   *     (the message names both), or an implementation refuses an address it cannot send from or
   *     to, such as an IPv6 link-local one
   */
  TestResult echo(InetAddress source, InetAddress target, Duration timeout);

  /**
   * Starts {@link #echo} and returns at once with its result to come, as {@link
   * dev.failover.api.TestScenario#start} does: the default runs {@link #echo} on a thread of {@code
   * executor}'s (cancelling interrupts it); an engine that can wait without a thread overrides it.
   *
   * @throws IllegalArgumentException as {@link #echo} does, from the default only once the task
   *     runs (inside the future)
   */
  default Future<TestResult> start(
      InetAddress source, InetAddress target, Duration timeout, Executor executor) {
    FutureTask<TestResult> task = new FutureTask<>(() -> echo(source, target, timeout));
    executor.execute(task);
    return task;
  }
}
