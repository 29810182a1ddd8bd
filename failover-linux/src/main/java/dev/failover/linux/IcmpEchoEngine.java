package dev.failover.linux;

import dev.failover.api.TestResult;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Sends one ICMP echo request from a source address and reports the reply, so that {@link
 * PingScenario} does not care how: {@link SocketIcmpEchoEngine} (the default) uses an ICMP socket
 * of its own, {@link PingCommandEngine} runs the {@code ping} program.
 *
 * <p>Implementations are thread-safe, never throw for an unreachable target (that is a {@link
 * TestResult#failure} or {@link TestResult#timeout}), and return within about {@code timeout}.
 */
public interface IcmpEchoEngine {

  /**
   * Sends one echo request to {@code target} from {@code source} (so that the source's policy rule
   * picks the provider's table) and waits at most {@code timeout} for the reply.
   */
  TestResult echo(Inet4Address source, Inet4Address target, Duration timeout);

  /**
   * Starts {@link #echo} and returns at once with its result to come, as {@link
   * dev.failover.api.TestScenario#start} does: the default runs {@link #echo} on a thread of {@code
   * executor}'s (cancelling interrupts it); an engine that can wait without a thread overrides it.
   */
  default Future<TestResult> start(
      Inet4Address source, Inet4Address target, Duration timeout, Executor executor) {
    FutureTask<TestResult> task = new FutureTask<>(() -> echo(source, target, timeout));
    executor.execute(task);
    return task;
  }
}
