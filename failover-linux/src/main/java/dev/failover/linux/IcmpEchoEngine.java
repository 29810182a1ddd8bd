package dev.failover.linux;

import dev.failover.api.TestResult;
import java.net.Inet4Address;
import java.time.Duration;

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
}
