package dev.failover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.Provider;
import dev.failover.api.RoutingState;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestProvidersTest {

  @Test
  void of_three_namedNumberedAndOnDistinctNetworks() {
    List<Provider> providers = TestProviders.of(3);

    assertThat(providers).extracting(Provider::id).containsExactly("isp1", "isp2", "isp3");
    assertThat(providers).extracting(Provider::interfaceName).containsExactly("eth1", "eth2", "eth3");
    assertThat(providers).extracting(Provider::rtTableId).containsExactly(101, 102, 103);
    assertThat(providers).extracting(p -> p.network().toString())
        .containsExactly("10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24");
    assertThat(providers.get(1).gateway().getHostAddress()).isEqualTo("10.0.2.1");
    assertThat(RoutingState.ranked(providers, 100).main()).contains(providers.get(0));
  }

  @Test
  void of_maximum_isValid() {
    assertThat(TestProviders.of(TestProviders.MAX)).hasSize(150).doesNotHaveDuplicates();
  }

  @Test
  void of_outOfRange_throws() {
    assertThatThrownBy(() -> TestProviders.of(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("n must be between 1 and 150, was 0");
    assertThatThrownBy(() -> TestProviders.of(151)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void withSharedGateway_two_shareGatewayAndNetworkButNotAddresses() {
    List<Provider> providers = TestProviders.withSharedGateway(2);

    assertThat(providers).extracting(p -> p.gateway().getHostAddress()).containsOnly("192.168.1.1");
    assertThat(providers).extracting(p -> p.ipv4Address().getHostAddress())
        .containsExactly("192.168.1.101", "192.168.1.102");
    assertThat(RoutingState.ranked(providers, 100).routes()).hasSize(2);
  }
}
