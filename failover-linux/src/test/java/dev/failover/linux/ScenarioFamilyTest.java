package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.base.Ticker;
import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv4;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.ScenarioSettings;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built-in scenarios' address families (issue 16): the target's family is the scenario's, and
 * the probe leaves from the provider's address of that family. No packet is sent: the echo engine
 * is a recording fake, and the TCP check binds to an address this host does not hold.
 */
class ScenarioFamilyTest {
  private static final Provider DUAL =
      Provider.of("isp-a", "wan1", "192.168.1.2", "192.168.1.0/24", "192.168.1.1", "isp_a", 101)
          .withIpv6(
              Ipv6.parse("2001:db8:1::2"),
              Ipv6Network.parse("2001:db8:1::/64"),
              Ipv6.parse("fe80::1"));

  /** The (source, target) pairs it was asked to ping. */
  private static final class RecordingEngine implements IcmpEchoEngine {
    final List<List<InetAddress>> echoes = new ArrayList<>();

    @Override
    public TestResult echo(InetAddress source, InetAddress target, Duration timeout) {
      echoes.add(List.of(source, target));
      return TestResult.success(Duration.ofMillis(1));
    }
  }

  private static ScenarioSettings settings(Map<String, ?> values) {
    return new ScenarioSettings("test_cases[1]", values);
  }

  @Test
  void ping_ipv6Target_isAnIpv6CheckFromTheIpv6Address() {
    RecordingEngine engine = new RecordingEngine();
    PingScenario ping = new PingScenario(Ipv6.parse("2001:db8::1"), Optional.empty(), engine);

    ping.check(DUAL, Duration.ofSeconds(1));

    assertThat(ping.family()).isEqualTo(AddressFamily.IPV6);
    assertThat(ping.name()).isEqualTo("ping 2001:db8::1");
    assertThat(engine.echoes)
        .containsExactly(List.of(Ipv6.parse("2001:db8:1::2"), Ipv6.parse("2001:db8::1")));
  }

  @Test
  void ping_ipv4Target_isAnIpv4CheckFromTheIpv4Address() {
    RecordingEngine engine = new RecordingEngine();
    PingScenario ping = new PingScenario(Ipv4.parse("192.0.2.1"), Optional.empty(), engine);

    ping.check(DUAL, Duration.ofSeconds(1));

    assertThat(ping.family()).isEqualTo(AddressFamily.IPV4);
    assertThat(engine.echoes)
        .containsExactly(List.of(Ipv4.parse("192.168.1.2"), Ipv4.parse("192.0.2.1")));
  }

  @Test
  void ping_providerWithoutTheFamily_isRefusedAsTheCallersMistake() {
    PingScenario ping =
        new PingScenario(Ipv6.parse("2001:db8::1"), Optional.empty(), new RecordingEngine());
    Provider v4 =
        Provider.of("isp-b", "wan2", "192.168.2.2", "192.168.2.0/24", "192.168.2.1", "isp_b", 102);

    assertThatThrownBy(() -> ping.check(v4, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("provider 'isp-b' has no IPv6 address to ping ping 2001:db8::1");
  }

  @Test
  void tcp_ipv6Host_bindsTheProvidersIpv6Address() {
    TcpConnectScenario tcp =
        new TcpConnectScenario(
            Ipv6.parse("2001:db8::1"), 443, Optional.empty(), Ticker.systemTicker());

    // 2001:db8:1::2 is not this host's: the bind fails before any packet leaves.
    TestResult result = tcp.check(DUAL, Duration.ofMillis(200));

    assertThat(tcp.family()).isEqualTo(AddressFamily.IPV6);
    assertThat(tcp.name()).isEqualTo("tcp [2001:db8::1]:443");
    assertThat(result.outcome()).isEqualTo(TestResult.Outcome.FAILURE);
    assertThat(result.detail()).contains("2001:db8:1::2");
  }

  /** The factory's target parsing; {@code create} itself first checks that ICMP works here. */
  @Test
  void pingFactoryAddress_eachFamily_parsesTheLiteral() {
    assertThat(PingScenarioFactory.address(settings(Map.of("target", "2001:db8::1")), "target"))
        .isEqualTo(Ipv6.parse("2001:db8::1"));
    assertThat(PingScenarioFactory.address(settings(Map.of("target", "192.0.2.1")), "target"))
        .isEqualTo(Ipv4.parse("192.0.2.1"));
  }

  @Test
  void tcpFactory_ipv6Host_makesAnIpv6Scenario() {
    TestScenario scenario =
        new TcpConnectScenarioFactory()
            .create(settings(Map.of("host", "2001:DB8:0::1", "port", 443)));

    assertThat(scenario.family()).isEqualTo(AddressFamily.IPV6);
    assertThat(scenario.name()).isEqualTo("tcp [2001:db8::1]:443");
  }

  @ParameterizedTest
  @ValueSource(strings = {"fe80::1%eth0", "[2001:db8::1]", "2001:db8::g", "ipv6.example"})
  void tcpFactory_notALiteral_namesTheKeyAndBothForms(String host) {
    assertThatThrownBy(
            () -> new TcpConnectScenarioFactory().create(settings(Map.of("host", host, "port", 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test_cases[1].host must be an IPv4 address")
        .hasMessageContaining("or an IPv6 address (like 2001:db8::1)");
  }
}
