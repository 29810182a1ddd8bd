package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.ScenarioSettings;
import dev.failover.api.TestScenarioFactory;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Settings validation of the ping and tcp factories, and their registration. */
class ScenarioFactoryTest {

  private static ScenarioSettings settings(Map<String, ?> values) {
    return new ScenarioSettings("test_cases[1]", values);
  }

  @Test
  void serviceLoader_always_findsPingAndTcp() {
    assertThat(ServiceLoader.load(TestScenarioFactory.class).stream().map(p -> p.get().type()))
        .contains("ping", "tcp");
  }

  @Test
  void tcpCreate_hostAndPort_namesTheEndpoint() {
    var scenario = new TcpConnectScenarioFactory()
        .create(settings(Map.of("type", "tcp", "host", "192.0.2.1", "port", 443, "timeout", 1.5)));

    assertThat(scenario.name()).isEqualTo("tcp 192.0.2.1:443");
  }

  @Test
  void tcpCreate_portMissing_namesTheKey() {
    assertThatThrownBy(() -> new TcpConnectScenarioFactory().create(settings(Map.of("host", "192.0.2.1"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test_cases[1].port");
  }

  @Test
  void tcpCreate_portOutOfRange_namesTheKey() {
    assertThatThrownBy(() -> new TcpConnectScenarioFactory()
        .create(settings(Map.of("host", "192.0.2.1", "port", 70000))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test_cases[1].port");
  }

  @Test
  void tcpCreate_hostName_isRejectedAsNotAnAddress() {
    assertThatThrownBy(() -> new TcpConnectScenarioFactory()
        .create(settings(Map.of("host", "example.com", "port", 80))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test_cases[1].host");
  }

  @Test
  void pingCreate_targetMissing_namesTheKey() {
    assertThatThrownBy(() -> new PingScenarioFactory().create(settings(Map.of("type", "ping"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test_cases[1].target");
  }

  @Test
  void pingCreate_badTimeout_namesTheKey() {
    assertThatThrownBy(() -> new PingScenarioFactory()
        .create(settings(Map.of("target", "192.0.2.1", "timeout", -1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test_cases[1].timeout");
  }

  @Test
  void pingCreate_unknownEngine_namesTheKeyAndTheChoices() {
    assertThatThrownBy(() -> new PingScenarioFactory()
        .create(settings(Map.of("target", "192.0.2.1", "engine", "fping"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("test_cases[1].engine must be \"socket\" or \"command\", was 'fping'");
  }
}
