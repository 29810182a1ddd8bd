package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;

/**
 * The {@code ping} test case: one ICMP echo to a target, sent from the provider's source address so
 * that the provider's policy rule and table carry it, whatever the main provider is.
 *
 * <p>The target's family is the scenario's {@link #family()}: an IPv4 target is pinged with ICMP
 * from the provider's IPv4 address, an IPv6 target with ICMPv6 from its IPv6 address, so each
 * result is evidence about one family's path through the provider.
 *
 * <p>The timeout is the engine's, or the scenario's own {@code timeout} setting if that is shorter.
 * Thread-safe if its {@link IcmpEchoEngine} is.
 */
public final class PingScenario implements TestScenario {
  private final InetAddress target;
  private final AddressFamily family;
  private final Optional<Duration> timeout;
  private final IcmpEchoEngine engine;

  /**
   * @param target the address to ping, IPv4 or IPv6; a literal, never resolved
   * @param timeout the scenario's own limit, if configured
   * @param engine how echoes are sent
   */
  public PingScenario(InetAddress target, Optional<Duration> timeout, IcmpEchoEngine engine) {
    this.target = checkNotNull(target, "target");
    this.family = AddressFamily.of(target);
    this.timeout = checkNotNull(timeout, "timeout");
    this.engine = checkNotNull(engine, "engine");
  }

  /** The address pinged. */
  public InetAddress target() {
    return target;
  }

  /** The engine that sends the echoes. */
  IcmpEchoEngine engine() {
    return engine;
  }

  @Override
  public String name() {
    return "ping " + AddressFamily.text(target);
  }

  /** The target's family. */
  @Override
  public AddressFamily family() {
    return family;
  }

  @Override
  public TestResult check(Provider provider, Duration limit) {
    return engine.echo(source(provider), target, effective(limit));
  }

  /** Starts the echo through the engine, which may wait for it without a thread. */
  @Override
  public Future<TestResult> start(Provider provider, Duration limit, Executor executor) {
    return engine.start(source(provider), target, effective(limit), executor);
  }

  /**
   * The provider's address of the target's family, which the echo is sent from.
   *
   * @throws IllegalArgumentException if the provider has none: the engine hands a scenario only
   *     providers resolved for its family, so this is a caller's mistake, not a provider down
   */
  private InetAddress source(Provider provider) {
    InetAddress source = provider.address(family).orElse(null);
    checkArgument(source != null, "%s has no %s address to ping %s from", provider, family, name());
    return source;
  }

  private Duration effective(Duration limit) {
    return timeout.filter(t -> t.compareTo(limit) < 0).orElse(limit);
  }

  @Override
  public String toString() {
    return name();
  }
}
