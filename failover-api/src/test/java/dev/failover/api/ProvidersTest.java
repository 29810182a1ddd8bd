package dev.failover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules of {@link Providers}: one test per rule, and the lookups. */
class ProvidersTest {

  private static Provider provider(int i) {
    return Provider.of(
        "isp" + i, "eth" + i, "10.0." + i + ".2", "10.0." + i + ".0/24", "10.0." + i + ".1",
        "isp" + i, 100 + i);
  }

  @Test
  void of_distinctProviders_keepsOrderAndLooksUp() {
    Providers providers = Providers.of(provider(2), provider(1), provider(3));

    assertThat(providers).containsExactly(provider(2), provider(1), provider(3));
    assertThat(providers.ids()).containsExactly("isp2", "isp1", "isp3");
    assertThat(providers.byId("isp1")).contains(provider(1));
    assertThat(providers.byId("isp9")).isEmpty();
    assertThat(providers.byInterface("eth3")).contains(provider(3));
    assertThat(providers.byInterface("eth9")).isEmpty();
    assertThat(providers.containsId("isp2")).isTrue();
    assertThat(providers.containsId("isp9")).isFalse();
    assertThat(providers.rankOf("isp1")).contains(1);
    assertThat(providers.rankOf("isp9")).isEmpty();
  }

  @Test
  void of_providersAlready_returnsTheSameInstance() {
    Providers providers = Providers.of(provider(1));

    assertThat(Providers.of(providers)).isSameAs(providers);
  }

  @Test
  void of_equalLists_areEqual() {
    assertThat(Providers.of(provider(1), provider(2)))
        .isEqualTo(List.of(provider(1), provider(2)))
        .hasSameHashCodeAs(List.of(provider(1), provider(2)));
  }

  @Test
  void of_isReadOnly() {
    Providers providers = Providers.of(provider(1));

    assertThatThrownBy(() -> providers.add(provider(2)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void of_empty_throws() {
    assertThatThrownBy(() -> Providers.of(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("providers must name at least one provider");
  }

  @Test
  void of_nullElement_throws() {
    assertThatThrownBy(() -> Providers.of(java.util.Arrays.asList(provider(1), null)))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void of_sharedId_namesTheKeyAndBothIndexes() {
    Provider clash =
        Provider.of("isp1", "eth9", "10.0.9.2", "10.0.9.0/24", "10.0.9.1", "other", 150);

    assertThatThrownBy(() -> Providers.of(provider(1), provider(2), clash))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("providers[2].id must be unique, but providers[0] has the same: 'isp1'");
  }

  @Test
  void of_sharedInterface_namesInterfaceName() {
    Provider clash =
        Provider.of("other", "eth1", "10.0.9.2", "10.0.9.0/24", "10.0.9.1", "other", 150);

    assertThatThrownBy(() -> Providers.of(provider(1), clash))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "providers[1].interface_name must be unique, but providers[0] has the same: 'eth1'");
  }

  @Test
  void of_sharedAddress_namesIpv4Address() {
    Provider clash =
        Provider.of("other", "eth9", "10.0.1.2", "10.0.1.0/24", "10.0.1.1", "other", 150);

    assertThatThrownBy(() -> Providers.of(provider(1), clash))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("providers[1].ipv4_address must be unique")
        .hasMessageContaining("'10.0.1.2'");
  }

  @Test
  void of_sharedTableId_namesRtTableId() {
    Provider clash =
        Provider.of("other", "eth9", "10.0.9.2", "10.0.9.0/24", "10.0.9.1", "other", 101);

    assertThatThrownBy(() -> Providers.of(provider(1), clash))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("providers[1].rt_table_id must be unique")
        .hasMessageContaining("'101'");
  }

  @Test
  void of_sharedTableName_namesRtTableName() {
    Provider clash =
        Provider.of("other", "eth9", "10.0.9.2", "10.0.9.0/24", "10.0.9.1", "isp1", 150);

    assertThatThrownBy(() -> Providers.of(provider(1), clash))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("providers[1].rt_table_name must be unique")
        .hasMessageContaining("'isp1'");
  }
}
