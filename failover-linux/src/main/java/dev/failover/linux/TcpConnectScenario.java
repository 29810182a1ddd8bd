package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Stopwatch;
import com.google.common.base.Ticker;
import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code tcp} test case: a TCP connection to a host and port from the provider's source
 * address, closed as soon as it is established. Pure Java, no process.
 *
 * <p>Established is a success with the connect time as latency; refused (RST), unreachable or a
 * source address that is gone is a failure; silence until the limit is a timeout. The limit is the
 * engine's, or the scenario's own {@code timeout} setting if shorter. Thread-safe.
 *
 * <p>The host's family is the scenario's {@link #family()}: the connection leaves from the
 * provider's address of that family (IPv6 for an IPv6 host).
 */
public final class TcpConnectScenario implements TestScenario {
  private final InetAddress host;
  private final AddressFamily family;
  private final int port;
  private final Optional<Duration> timeout;
  private final Ticker ticker;

  /**
   * @throws IllegalArgumentException if {@code port} is outside 1..65535
   */
  public TcpConnectScenario(InetAddress host, int port, Optional<Duration> timeout, Ticker ticker) {
    this.host = checkNotNull(host, "host");
    this.family = AddressFamily.of(host);
    checkArgument(port >= 1 && port <= 65535, "port must be between 1 and 65535, was %s", port);
    this.port = port;
    this.timeout = checkNotNull(timeout, "timeout");
    this.ticker = checkNotNull(ticker, "ticker");
  }

  @Override
  public String name() {
    return family == AddressFamily.IPV6
        ? "tcp [" + AddressFamily.text(host) + "]:" + port
        : "tcp " + host.getHostAddress() + ":" + port;
  }

  /** The host's family. */
  @Override
  public AddressFamily family() {
    return family;
  }

  @Override
  public TestResult check(Provider provider, Duration limit) {
    Duration effective = timeout.filter(t -> t.compareTo(limit) < 0).orElse(limit);
    // The engine hands over only providers resolved for the family: a missing source is a bug.
    InetAddress source = provider.address(family).orElse(null);
    checkArgument(source != null, "%s has no %s address to connect from", provider, family);
    Stopwatch stopwatch = Stopwatch.createStarted(ticker);
    try (Socket socket = new Socket()) {
      try {
        // Bound to the provider's address, so that its policy rule picks its table.
        socket.bind(new InetSocketAddress(source, 0));
      } catch (BindException e) {
        return TestResult.failure(stopwatch.elapsed(),
            "cannot bind to " + AddressFamily.text(source) + ": " + e.getMessage());
      }
      socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, effective.toMillis()));
      return TestResult.success(stopwatch.elapsed());
    } catch (SocketTimeoutException e) {
      return TestResult.timeout(effective);
    } catch (ConnectException e) {
      return TestResult.failure(stopwatch.elapsed(), "connect failed: " + e.getMessage());
    } catch (IOException e) {
      return TestResult.failure(stopwatch.elapsed(), e.toString());
    }
  }

  @Override
  public String toString() {
    return name();
  }
}
