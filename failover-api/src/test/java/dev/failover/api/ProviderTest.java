package dev.failover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One test per validation rule of {@link Provider}: the type and that the message names the field. */
class ProviderTest {

  private static Provider provider(
      String id, String iface, String address, String network, String gateway, String table, int tableId) {
    return Provider.of(id, iface, address, network, gateway, table, tableId);
  }

  @Test
  void of_validValues_keepsThem() {
    Provider p = provider("isp-a", "eth0.100", "192.168.1.2", "192.168.1.0/24", "192.168.1.1", "isp_a", 101);

    assertThat(p.ipv4Address().getHostAddress()).isEqualTo("192.168.1.2");
    assertThat(p.network().toString()).isEqualTo("192.168.1.0/24");
    assertThat(p).hasToString("provider 'isp-a'");
  }

  @Test
  void of_badId_namesId() {
    assertThatThrownBy(() -> provider("-x", "eth1", "192.168.1.2", "192.168.1.0/24", "192.168.1.1", "t", 101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id")
        .hasMessageContaining("'-x'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "eth 1", "eth\t1", "eth\n1", "eth/1", "eth:1", "eth\u00001",
      "sixteen-chars-xx", "eleven\u00e9\u00e9\u00e9\u00e9\u00e9", "wan\u00e0"})
  void of_badInterfaceName_namesInterfaceName(String name) {
    assertThatThrownBy(() -> provider("a", name, "192.168.1.2", "192.168.1.0/24", "192.168.1.1", "t", 101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("interface_name")
        .hasMessageContaining("'" + name + "'");
  }

  /**
   * Names the kernel accepts, some of which an {@code ip -batch} line would misread, are fine (the
   * backend sends names over netlink). "wanà" above is refused because its UTF-8 holds the byte
   * 0xA0, which the kernel counts as a space; too long means more than 15 bytes, not characters.
   */
  @ParameterizedTest
  @ValueSource(strings = {"wan#1", "\"wan", "a@b", "wan'1", "x", "fifteen-chars-x", "wan\u00e91", "..."})
  void of_interfaceNameTheKernelAccepts_isAccepted(String name) {
    assertThat(provider("a", name, "192.168.1.2", "192.168.1.0/24", "192.168.1.1", "t", 101)
        .interfaceName()).isEqualTo(name);
  }

  @Test
  void of_addressOutsideNetwork_namesIpv4Address() {
    assertThatThrownBy(() -> provider("a", "eth1", "192.168.2.2", "192.168.1.0/24", "192.168.1.1", "t", 101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ipv4_address must lie inside network 192.168.1.0/24, was 192.168.2.2");
  }

  @Test
  void of_gatewayOutsideNetwork_isOnlink() {
    // As the kernel uses it: a learned gateway outside the learned network (the config loader
    // still refuses a configured one).
    Provider provider = provider("a", "eth1", "192.168.1.2", "192.168.1.0/24", "10.0.0.1", "t", 101);

    assertThat(provider.onlink()).isTrue();
    assertThat(provider("a", "eth1", "192.168.1.2", "192.168.1.0/24", "192.168.1.1", "t", 101).onlink())
        .isFalse();
  }

  @Test
  void of_learnedFieldsOmitted_learnsFromInterface() {
    Provider learned = provider("a", "eth1", null, null, null, "t", 101);
    Provider pointToPoint = provider("b", "tun0", "10.0.0.2", "10.0.0.2/32", null, "t", 102);
    Provider configured = provider("c", "eth2", "192.168.1.2", "192.168.1.0/24", "192.168.1.1", "t", 103);

    assertThat(learned.learnsFromInterface()).isTrue();
    assertThat(learned.ipv4Address()).isNull();
    assertThat(pointToPoint.learnsFromInterface()).isTrue();
    assertThat(pointToPoint.onlink()).isFalse();
    assertThat(configured.learnsFromInterface()).isFalse();
  }

  @Test
  void resolution_unconfiguredNeedsAReason_resolvedNeedsAddressAndNetwork() {
    Provider learned = provider("a", "eth1", null, null, null, "t", 101);

    assertThat(ProviderResolution.unconfigured("a", "no address yet").isResolved()).isFalse();
    assertThatThrownBy(() -> ProviderResolution.unconfigured("a", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a reason");
    assertThatThrownBy(() -> ProviderResolution.resolved(learned))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a resolved provider needs its ipv4_address and network");
    assertThat(
            ProviderResolution.resolved(
                    provider("a", "eth1", "192.168.1.2", "192.168.1.0/24", null, "t", 101))
                .reason())
        .isEmpty();
  }

  @Test
  void of_gatewayEqualsAddress_namesGateway() {
    assertThatThrownBy(() -> provider("a", "eth1", "192.168.1.1", "192.168.1.0/24", "192.168.1.1", "t", 101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("gateway must differ from ipv4_address");
  }

  @Test
  void of_broadcastAddress_namesIpv4Address() {
    assertThatThrownBy(() -> provider("a", "eth1", "192.168.1.255", "192.168.1.0/24", "192.168.1.1", "t", 101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ipv4_address must be a host address");
  }

  @Test
  void of_hostName_namesFieldAndRejectsWithoutLookup() {
    assertThatThrownBy(() -> provider("a", "eth1", "router.example", "192.168.1.0/24", "192.168.1.1", "t", 101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ipv4_address")
        .hasMessageContaining("'router.example'");
  }

  @Test
  void of_networkWithHostBits_namesNetwork() {
    assertThatThrownBy(() -> provider("a", "eth1", "192.168.1.2", "192.168.1.7/24", "192.168.1.1", "t", 101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("network")
        .hasMessageContaining("192.168.1.0/24");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 252, 253, 254, 255, -1})
  void of_reservedTableId_namesRtTableId(int tableId) {
    assertThatThrownBy(() -> provider("a", "eth1", "192.168.1.2", "192.168.1.0/24", "192.168.1.1", "t", tableId))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rt_table_id")
        .hasMessageContaining("was " + tableId);
  }

  @ParameterizedTest
  @ValueSource(strings = {"main", "local", "default", "1abc", "a b"})
  void of_badTableName_namesRtTableName(String name) {
    assertThatThrownBy(() -> provider("a", "eth1", "192.168.1.2", "192.168.1.0/24", "192.168.1.1", name, 101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rt_table_name")
        .hasMessageContaining("'" + name + "'");
  }

  @Test
  void routingState_metricsNotIncreasing_rejected() {
    Provider a = provider("a", "eth1", "192.168.1.2", "192.168.1.0/24", "192.168.1.1", "ta", 101);
    Provider b = provider("b", "eth2", "192.168.1.3", "192.168.1.0/24", "192.168.1.1", "tb", 102);

    assertThatThrownBy(
            () -> new RoutingState(java.util.List.of(new ProviderRoute(a, 100), new ProviderRoute(b, 100))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metrics must increase strictly");
    assertThat(RoutingState.ranked(java.util.List.of(b, a), 100).main()).contains(b);
  }

  @Test
  void resolves_learnedValuesFilledIn_trueUnlessAConfiguredValueOrTheIdentityDiffers() {
    Provider dhcp = provider("a", "eth1", null, null, "192.168.1.1", "t", 101);

    assertThat(provider("a", "eth1", "192.168.1.2", "192.168.1.0/24", "192.168.1.1", "t", 101)
            .resolves(dhcp))
        .isTrue();
    assertThat(provider("a", "eth1", "192.168.1.2", "192.168.1.0/24", "192.168.1.254", "t", 101)
            .resolves(dhcp))
        .as("the configured gateway is kept")
        .isFalse();
    assertThat(provider("a", "eth2", "192.168.1.2", "192.168.1.0/24", "192.168.1.1", "t", 101)
            .resolves(dhcp))
        .as("another interface")
        .isFalse();
    Provider fixed = provider("b", "eth1", "192.168.1.2", "192.168.1.0/24", "192.168.1.1", "t", 101);
    assertThat(fixed.resolves(fixed)).isTrue();
  }

  @Test
  void of_pointToPointNetwork_acceptsBothAddressesOfA31() {
    // A /31 has no network or broadcast address (RFC 3021): both addresses are hosts.
    Provider p = provider("a", "eth1", "10.0.0.0", "10.0.0.0/31", "10.0.0.1", "t", 101);

    assertThat(p.ipv4Address().getHostAddress()).isEqualTo("10.0.0.0");
  }

  @Test
  void of_addressIsTheNetworkAddressOfA30_namesIpv4Address() {
    assertThatThrownBy(() -> provider("a", "eth1", "10.0.0.0", "10.0.0.0/30", "10.0.0.1", "t", 101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ipv4_address must be a host address of network 10.0.0.0/30");
  }
}
