package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
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
 * IPv4 address, required), {@code timeout} (seconds, optional) and {@code engine} ({@code "socket"},
 * the default, or {@code "command"}).
 *
 * <p>{@code engine = "socket"} sends echoes through {@link SocketIcmpEchoEngine} (an ICMP socket per
 * check, no process); {@code engine = "command"} runs the {@code ping} program per check through
 * {@link PingCommandEngine}, for systems where the process may not open ICMP sockets itself but
 * {@code ping} may. The first {@link #create} for an engine checks that it can work here (an ICMP
 * socket opens; {@code ping} exists and may open one) and throws {@link IllegalStateException} if
 * not: a startup error, not a provider that fails every check. Found by {@link
 * java.util.ServiceLoader}. Thread-safe.
 */
public final class PingScenarioFactory implements TestScenarioFactory {
  /** The value of the {@code engine} key that selects {@link SocketIcmpEchoEngine}; the default. */
  public static final String SOCKET_ENGINE = "socket";

  /** The value of the {@code engine} key that selects {@link PingCommandEngine}. */
  public static final String COMMAND_ENGINE = "command";

  private final SocketIcmpEchoEngine socketEngine;
  private final PingCommandEngine commandEngine;
  private volatile boolean socketChecked;
  private volatile boolean commandChecked;

  /**
   * A factory whose socket engine uses the system ticker and whose command engine runs {@code ping}
   * from the PATH.
   */
  public PingScenarioFactory() {
    this(new SocketIcmpEchoEngine(),
        new PingCommandEngine("ping", new CommandRunner(), Ticker.systemTicker()));
  }

  /** A factory whose scenarios use {@code socketEngine} or {@code commandEngine}, as configured. */
  public PingScenarioFactory(SocketIcmpEchoEngine socketEngine, PingCommandEngine commandEngine) {
    this.socketEngine = checkNotNull(socketEngine, "socketEngine");
    this.commandEngine = checkNotNull(commandEngine, "commandEngine");
  }

  @Override
  public String type() {
    return "ping";
  }

  /**
   * @throws IllegalArgumentException if {@code target} is missing or not an IPv4 address, {@code
   *     timeout} is not a positive number of seconds, or {@code engine} is neither {@code "socket"}
   *     nor {@code "command"}
   * @throws IllegalStateException if the chosen engine cannot work here: no ICMP socket can be
   *     opened (no root or {@code CAP_NET_RAW}, and the group outside {@code
   *     net.ipv4.ping_group_range}), or {@code ping} is missing or lacks privilege
   */
  @Override
  public TestScenario create(ScenarioSettings settings) {
    Inet4Address target = address(settings, "target");
    Optional<Duration> timeout = optionalTimeout(settings);
    String engine = settings.optionalString("engine").orElse(SOCKET_ENGINE);
    checkArgument(engine.equals(SOCKET_ENGINE) || engine.equals(COMMAND_ENGINE),
        "%s must be \"%s\" or \"%s\", was '%s'", settings.pathOf("engine"), SOCKET_ENGINE,
        COMMAND_ENGINE, engine);
    try {
      if (engine.equals(SOCKET_ENGINE)) {
        if (!socketChecked) {
          socketEngine.checkUsable();
          socketChecked = true;
        }
        return new PingScenario(target, timeout, socketEngine);
      }
      if (!commandChecked) {
        commandEngine.checkUsable();
        commandChecked = true;
      }
      return new PingScenario(target, timeout, commandEngine);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          settings.path() + " (type = \"ping\", engine = \"" + engine + "\"): " + e.getMessage(), e);
    }
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
