package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** One line per validation rule of {@link IpRouteBackendSettings}. */
class IpRouteBackendSettingsTest {

  @Test
  void defaults_always_areDocumentedValues() {
    IpRouteBackendSettings d = IpRouteBackendSettings.defaults();
    assertThat(d.rulePriority()).isEqualTo(30000);
    assertThat(d.routeProtocol()).isEqualTo(201);
    assertThat(d.foreignRoutes()).isEqualTo(ForeignRouteHandling.DEMOTE);
  }

  @Test
  void new_rulePriorityAfterMain_namesField() {
    assertThatThrownBy(() -> new IpRouteBackendSettings("ip", 32766, 201, ForeignRouteHandling.LEAVE, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rulePriority").hasMessageContaining("32766");
  }

  @Test
  void new_kernelProtocol_namesField() {
    assertThatThrownBy(() -> new IpRouteBackendSettings("ip", 1000, 4, ForeignRouteHandling.LEAVE, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("routeProtocol");
  }

  @Test
  void new_dhcpProtocol_namesField() {
    assertThatThrownBy(() -> new IpRouteBackendSettings("ip", 1000, 16, ForeignRouteHandling.LEAVE, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("routeProtocol").hasMessageContaining("16");
  }

  @Test
  void new_zeroTimeout_namesField() {
    assertThatThrownBy(() -> new IpRouteBackendSettings("ip", 1000, 201, ForeignRouteHandling.LEAVE, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("commandTimeout");
  }
}
