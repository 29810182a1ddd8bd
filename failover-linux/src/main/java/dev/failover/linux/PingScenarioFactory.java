package dev.failover.linux;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Ticker;
import dev.failover.api.Ipv4;
import dev.failover.api.ScenarioSettings;
import dev.failover.api.TestScenario;
import dev.failover.api.TestScenarioFactory;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.Optional;

/**
 * Makes {@link PingScenario}s from {@code [[test_cases]] type = "ping"} entries: {@code target} (an
 * IPv4 address, required) and {@code timeout} (seconds, optional).
 *
 * <p>The first {@link #create} checks that {@code ping} exists and may open an ICMP socket, and
 * throws {@link IllegalStateException} if not: a startup error, not a provider that fails every
 * check. Found by {@link java.util.ServiceLoader}. Thread-safe.
 */
public final class PingScenarioFactory implements TestScenarioFactory {
  private final PingCommandEngine engine;
  private volatile boolean checked;

  /** A factory that runs {@code ping} from the PATH. */
  public PingScenarioFactory() {
    this(new PingCommandEngine("ping", new CommandRunner(), Ticker.systemTicker()));
  }

  /** A factory whose scenarios use {@code engine}. */
  public PingScenarioFactory(PingCommandEngine engine) {
    this.engine = checkNotNull(engine, "engine");
  }

  @Override
  public String type() {
    return "ping";
  }

  /**
   * @throws IllegalArgumentException if {@code target} is missing or not an IPv4 address, or
   *     {@code timeout} is not a positive number of seconds
   * @throws IllegalStateException if {@code ping} is missing or lacks privilege
   */
  @Override
  public TestScenario create(ScenarioSettings settings) {
    Inet4Address target = address(settings, "target");
    Optional<Duration> timeout = optionalTimeout(settings);
    if (!checked) {
      engine.checkUsable();
      checked = true;
    }
    return new PingScenario(target, timeout, engine);
  }

  static Inet4Address address(ScenarioSettings settings, String key) {
    String text = settings.string(key);
    try {
      return Ipv4.parse(text);
    } catch (IllegalArgumentException e) {
      // Never resolved: a name would be looked up through whichever provider is main.
      throw new IllegalArgumentException(settings.pathOf(key) + " " + e.getMessage(), e);
    }
  }

  static Optional<Duration> optionalTimeout(ScenarioSettings settings) {
    Duration none = Duration.ZERO;
    Duration timeout = settings.seconds("timeout", none);
    return timeout.equals(none) ? Optional.empty() : Optional.of(timeout);
  }
}
