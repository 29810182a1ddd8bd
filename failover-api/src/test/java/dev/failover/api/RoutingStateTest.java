package dev.failover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link RoutingState} and {@link ProviderRoute}: one test per rule, and the ranking. */
class RoutingStateTest {
  private static final Provider A =
      Provider.of("a", "wan1", "192.168.1.11", "192.168.1.0/24", "192.168.1.1", "ta", 101);
  private static final Provider B =
      Provider.of("b", "wan2", "192.168.1.12", "192.168.1.0/24", "192.168.1.1", "tb", 102);

  @Test
  void ranked_twoProviders_consecutiveMetricsFromStart() {
    RoutingState state = RoutingState.ranked(List.of(B, A), 0);

    assertThat(state.routes())
        .containsExactly(new ProviderRoute(B, 0), new ProviderRoute(A, 1));
    assertThat(state.main()).contains(B);
  }

  @Test
  void ranked_negativeStart_namesStartMetric() {
    assertThatThrownBy(() -> RoutingState.ranked(List.of(A), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("startMetric must be >= 0, was -1");
  }

  @Test
  void main_noRoutes_isEmpty() {
    assertThat(new RoutingState(List.of()).main()).isEmpty();
  }

  @Test
  void new_sameProviderTwice_isRejected() {
    assertThatThrownBy(
            () -> new RoutingState(List.of(new ProviderRoute(A, 1), new ProviderRoute(A, 2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("routes name provider 'a' twice");
  }

  @Test
  void new_sameInterfaceTwice_namesInterface() {
    Provider other =
        Provider.of("c", "wan1", "192.168.1.13", "192.168.1.0/24", "192.168.1.1", "tc", 103);

    assertThatThrownBy(
            () -> new RoutingState(List.of(new ProviderRoute(A, 1), new ProviderRoute(other, 2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("routes name interface wan1 twice (second time for provider 'c')");
  }

  @Test
  void new_sameTableTwice_namesTable() {
    Provider other =
        Provider.of("c", "wan3", "192.168.1.13", "192.168.1.0/24", "192.168.1.1", "tc", 101);

    assertThatThrownBy(
            () -> new RoutingState(List.of(new ProviderRoute(A, 1), new ProviderRoute(other, 2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("routes name table 101 twice (second time for provider 'c')");
  }

  @Test
  void new_metricsNotIncreasing_isRejected() {
    assertThatThrownBy(
            () -> new RoutingState(List.of(new ProviderRoute(A, 5), new ProviderRoute(B, 4))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "route metrics must increase strictly, but provider 'b' has 4 after 5");
  }

  @Test
  void providerRoute_metricBounds_zeroIsAcceptedNegativeIsNot() {
    assertThat(new ProviderRoute(A, 0).metric()).isZero();
    assertThatThrownBy(() -> new ProviderRoute(A, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metric must be >= 0, was -1");
    assertThatThrownBy(() -> new ProviderRoute(null, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("provider");
  }
}
