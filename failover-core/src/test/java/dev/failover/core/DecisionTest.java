package dev.failover.core;

import static dev.failover.core.Fixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.ProviderRoute;
import dev.failover.api.SwitchReason;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Decision}: its rules, and the routing state it stands for. */
class DecisionTest {

  @Test
  void routingState_rankedFromTheStartMetric() {
    Decision d = new Decision(provider(2), List.of(provider(2), provider(1)),
        Decision.Basis.ELIGIBLE, SwitchReason.FAILOVER, "isp1 is down");

    assertThat(d.routingState(dev.failover.api.AddressFamily.IPV4, 100).routes())
        .containsExactly(new ProviderRoute(provider(2), 100), new ProviderRoute(provider(1), 101));
  }

  @Test
  void new_rankedNotStartingWithMain_isRejected() {
    assertThatThrownBy(() -> new Decision(provider(1), List.of(provider(2), provider(1)),
            Decision.Basis.ELIGIBLE, SwitchReason.FAILOVER, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ranked must start with the main provider 'isp1'");
    assertThatThrownBy(() -> new Decision(provider(1), List.of(),
            Decision.Basis.ELIGIBLE, SwitchReason.FAILOVER, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ranked must start with the main");
  }

  @Test
  void new_providerTwice_isRejected() {
    assertThatThrownBy(() -> new Decision(provider(1), List.of(provider(1), provider(1)),
            Decision.Basis.FALLBACK, SwitchReason.FAILOVER, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ranked names provider 'isp1' twice");
  }
}
