package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Ticker;
import dev.failover.api.Ipv4;
import dev.failover.api.Ipv6;
import dev.failover.api.ScenarioSettings;
import dev.failover.api.TestScenario;
import dev.failover.api.TestScenarioFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * Makes {@link PingScenario}s from {@code [[test_cases]] type = "ping"} entries: {@code target} (an
 * IPv4 or IPv6 address, required; an IPv6 target makes an IPv6 check), {@code timeout} (seconds,
 * optional) and {@code engine} ({@code "socket"}, the default, or {@code "command"}).
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
   * @throws IllegalArgumentException if {@code target} is missing or not an IP address, {@code
   *     timeout} is not a positive number of seconds, or {@code engine} is neither {@code "socket"}
   *     nor {@code "command"}
   * @throws IllegalStateException if the chosen engine cannot work here: no ICMP socket can be
   *     opened (no root or {@code CAP_NET_RAW}, and the group outside {@code
   *     net.ipv4.ping_group_range}), or {@code ping} is missing or lacks privilege
   */
  @Override
  public TestScenario create(ScenarioSettings settings) {
    InetAddress target = address(settings, "target");
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

  /**
   * The IPv4 or IPv6 literal at {@code key}: a text with a colon is IPv6, any other IPv4. Never
   * resolved: a name would be looked up through whichever provider is main, and its answer could
   * change the family under the engines.
   */
  static InetAddress address(ScenarioSettings settings, String key) {
    String text = settings.string(key);
    try {
      return text.indexOf(':') >= 0 ? Ipv6.parse(text) : Ipv4.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          settings.pathOf(key)
              + " must be an IPv4 address (like 192.0.2.1) or an IPv6 address (like 2001:db8::1),"
              + " not a host name: "
              + e.getMessage(),
          e);
    }
  }

  static Optional<Duration> optionalTimeout(ScenarioSettings settings) {
    Duration none = Duration.ZERO;
    Duration timeout = settings.seconds("timeout", none);
    return timeout.equals(none) ? Optional.empty() : Optional.of(timeout);
  }
}
