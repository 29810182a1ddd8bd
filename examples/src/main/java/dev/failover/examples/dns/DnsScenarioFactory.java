package dev.failover.examples.dns;

import dev.failover.api.Ipv4;
import dev.failover.api.ScenarioSettings;
import dev.failover.api.TestScenario;
import dev.failover.api.TestScenarioFactory;
import java.net.InetSocketAddress;

/**
 * Makes {@link DnsQueryScenario}s from {@code [[test_cases]]} tables of {@code type = "dns"}:
 *
 * <pre>
 * [[test_cases]]
 * type = "dns"
 * server = "192.0.2.53"   # required: a DNS server's IPv4 address
 * port = 53               # optional
 * name = "example.com"    # optional: the name to resolve
 * </pre>
 *
 * <p>Registered in {@code META-INF/services/dev.failover.api.TestScenarioFactory}, so a jar of this
 * module dropped into the launcher's plugins folder adds the type.
 */
public final class DnsScenarioFactory implements TestScenarioFactory {

  @Override
  public String type() {
    return "dns";
  }

  @Override
  public TestScenario create(ScenarioSettings settings) {
    String server = settings.string("server");
    try {
      Ipv4.parse(server);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(settings.pathOf("server") + " " + e.getMessage(), e);
    }
    int port = settings.integer("port", 53, 1, 65_535);
    String name = settings.optionalString("name").orElse("example.com");
    try {
      return new DnsQueryScenario(new InetSocketAddress(Ipv4.parse(server), port), name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(settings.pathOf("name") + " " + e.getMessage(), e);
    }
  }
}
