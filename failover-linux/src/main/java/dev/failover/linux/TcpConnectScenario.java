package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Stopwatch;
import com.google.common.base.Ticker;
import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet4Address;
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
 */
public final class TcpConnectScenario implements TestScenario {
  private final Inet4Address host;
  private final int port;
  private final Optional<Duration> timeout;
  private final Ticker ticker;

  /**
   * @throws IllegalArgumentException if {@code port} is outside 1..65535
   */
  public TcpConnectScenario(Inet4Address host, int port, Optional<Duration> timeout, Ticker ticker) {
    this.host = checkNotNull(host, "host");
    checkArgument(port >= 1 && port <= 65535, "port must be between 1 and 65535, was %s", port);
    this.port = port;
    this.timeout = checkNotNull(timeout, "timeout");
    this.ticker = checkNotNull(ticker, "ticker");
  }

  @Override
  public String name() {
    return "tcp " + host.getHostAddress() + ":" + port;
  }

  @Override
  public TestResult check(Provider provider, Duration limit) {
    Duration effective = timeout.filter(t -> t.compareTo(limit) < 0).orElse(limit);
    Stopwatch stopwatch = Stopwatch.createStarted(ticker);
    try (Socket socket = new Socket()) {
      try {
        // Bound to the provider's address, so that its policy rule picks its table.
        socket.bind(new InetSocketAddress(provider.ipv4Address(), 0));
      } catch (BindException e) {
        return TestResult.failure(stopwatch.elapsed(),
            "cannot bind to " + provider.ipv4Address().getHostAddress() + ": " + e.getMessage());
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
