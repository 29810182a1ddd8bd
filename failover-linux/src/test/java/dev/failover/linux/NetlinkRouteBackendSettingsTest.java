package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One line per validation rule of {@link NetlinkRouteBackendSettings}. */
class NetlinkRouteBackendSettingsTest {
  private static final Duration SECOND = Duration.ofSeconds(1);

  @Test
  void defaults_always_areDocumentedValues() {
    NetlinkRouteBackendSettings d = NetlinkRouteBackendSettings.defaults();
    assertThat(d.rulePriority()).isEqualTo(30000);
    assertThat(d.routeProtocol()).isEqualTo(201);
    assertThat(d.foreignRoutes()).isEqualTo(ForeignRouteHandling.DEMOTE);
    assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void new_rulePriorityAfterMain_namesField() {
    assertThatThrownBy(
            () -> new NetlinkRouteBackendSettings(32766, 201, ForeignRouteHandling.LEAVE, SECOND))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rulePriority")
        .hasMessageContaining("32766");
  }

  @Test
  void new_kernelProtocol_namesField() {
    assertThatThrownBy(
            () -> new NetlinkRouteBackendSettings(1000, 4, ForeignRouteHandling.LEAVE, SECOND))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("routeProtocol");
  }

  @Test
  void new_dhcpProtocol_namesField() {
    assertThatThrownBy(
            () -> new NetlinkRouteBackendSettings(1000, 16, ForeignRouteHandling.LEAVE, SECOND))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("routeProtocol")
        .hasMessageContaining("16");
  }

  @Test
  void new_zeroTimeout_namesField() {
    assertThatThrownBy(
            () ->
                new NetlinkRouteBackendSettings(
                    1000, 201, ForeignRouteHandling.LEAVE, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }
}
