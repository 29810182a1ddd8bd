package dev.failover.linux;

import com.google.common.base.Ticker;
import dev.failover.api.ScenarioSettings;
import dev.failover.api.TestScenario;
import dev.failover.api.TestScenarioFactory;

/**
 * Makes {@link TcpConnectScenario}s from {@code [[test_cases]] type = "tcp"} entries: {@code host}
 * (an IPv4 or IPv6 address, required; an IPv6 host makes an IPv6 check), {@code port} (1 to
 * 65535, required) and {@code timeout} (seconds, optional). Found by {@link
 * java.util.ServiceLoader}. Stateless.
 */
public final class TcpConnectScenarioFactory implements TestScenarioFactory {

  @Override
  public String type() {
    return "tcp";
  }

  /**
   * @throws IllegalArgumentException if {@code host} or {@code port} is missing or invalid, or
   *     {@code timeout} is not a positive number of seconds
   */
  @Override
  public TestScenario create(ScenarioSettings settings) {
    var host = PingScenarioFactory.address(settings, "host");
    int port = settings.integer("port", -1, 1, 65535); // -1: absent, since a present value is checked
    if (port == -1) {
      throw new IllegalArgumentException(settings.pathOf("port") + " is required (1 to 65535)");
    }
    return new TcpConnectScenario(host, port, PingScenarioFactory.optionalTimeout(settings),
        Ticker.systemTicker());
  }
}
