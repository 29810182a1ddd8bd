package dev.failover.linux;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;

/**
 * The {@code ping} test case: one ICMP echo to a target, sent from the provider's source address so
 * that the provider's policy rule and table carry it, whatever the main provider is.
 *
 * <p>The timeout is the engine's, or the scenario's own {@code timeout} setting if that is shorter.
 * Thread-safe if its {@link IcmpEchoEngine} is.
 */
public final class PingScenario implements TestScenario {
  private final Inet4Address target;
  private final Optional<Duration> timeout;
  private final IcmpEchoEngine engine;

  /**
   * @param target the address to ping; an IPv4 literal, never resolved
   * @param timeout the scenario's own limit, if configured
   * @param engine how echoes are sent
   */
  public PingScenario(Inet4Address target, Optional<Duration> timeout, IcmpEchoEngine engine) {
    this.target = checkNotNull(target, "target");
    this.timeout = checkNotNull(timeout, "timeout");
    this.engine = checkNotNull(engine, "engine");
  }

  /** The address pinged. */
  public Inet4Address target() {
    return target;
  }

  /** The engine that sends the echoes. */
  IcmpEchoEngine engine() {
    return engine;
  }

  @Override
  public String name() {
    return "ping " + target.getHostAddress();
  }

  @Override
  public TestResult check(Provider provider, Duration limit) {
    return engine.echo(provider.ipv4Address(), target, effective(limit));
  }

  /** Starts the echo through the engine, which may wait for it without a thread. */
  @Override
  public Future<TestResult> start(Provider provider, Duration limit, Executor executor) {
    return engine.start(provider.ipv4Address(), target, effective(limit), executor);
  }

  private Duration effective(Duration limit) {
    return timeout.filter(t -> t.compareTo(limit) < 0).orElse(limit);
  }

  @Override
  public String toString() {
    return name();
  }
}
