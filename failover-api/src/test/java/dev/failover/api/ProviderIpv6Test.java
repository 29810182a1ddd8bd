package dev.failover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Provider}'s address families: the IPv4-only default, IPv6 next to IPv4 or alone, one test
 * per IPv6 rule (the message names the key, the rule and the value), and the family-aware accessors
 * and resolution.
 */
class ProviderIpv6Test {
  private static final Provider V4 =
      Provider.of("isp-a", "wan1", "192.168.1.2", "192.168.1.0/24", "192.168.1.1", "isp_a", 101);

  private static Provider v6(
      @Nullable String address, @Nullable String prefix, @Nullable String gw) {
    return V4.withIpv6(
        address == null ? null : Ipv6.parse(address),
        prefix == null ? null : Ipv6Network.parse(prefix),
        gw == null ? null : Ipv6.parse(gw));
  }

  private static Provider v6Only(
      @Nullable String address, @Nullable String prefix, @Nullable String gw) {
    return new Provider(
        "isp-b",
        "wan2",
        null,
        null,
        null,
        "isp_b",
        102,
        false,
        true,
        address == null ? null : Ipv6.parse(address),
        prefix == null ? null : Ipv6Network.parse(prefix),
        gw == null ? null : Ipv6.parse(gw));
  }

  @Test
  void sevenValueConstructor_isIpv4OnlyAsBefore() {
    assertThat(V4.ipv4()).isTrue();
    assertThat(V4.ipv6()).isFalse();
    assertThat(V4.families()).containsExactly(AddressFamily.IPV4);
    assertThat(V4.has(AddressFamily.IPV6)).isFalse();
    assertThat(V4.address(AddressFamily.IPV6)).isEmpty();
    assertThat(V4.resolvedFor(AddressFamily.IPV4)).isTrue();
    assertThat(V4.resolvedFor(AddressFamily.IPV6)).isFalse();
    assertThat(V4.learnsFromInterface(AddressFamily.IPV6)).isFalse();
    assertThat(V4.learnsFromInterface()).isFalse();
  }

  @Test
  void withIpv6_dualStack_keepsBothFamiliesValues() {
    Provider p = v6("2001:db8:1::2", "2001:db8:1::/64", "fe80::1");

    assertThat(p.families()).containsExactly(AddressFamily.IPV4, AddressFamily.IPV6);
    assertThat(p.address(AddressFamily.IPV4)).contains(V4.ipv4Address());
    assertThat(p.address(AddressFamily.IPV6)).contains(Ipv6.parse("2001:db8:1::2"));
    assertThat(p.gateway(AddressFamily.IPV6)).contains(Ipv6.parse("fe80::1"));
    assertThat(p.networkText(AddressFamily.IPV6)).contains("2001:db8:1::/64");
    assertThat(p.networkText(AddressFamily.IPV4)).contains("192.168.1.0/24");
    assertThat(p.resolvedFor(AddressFamily.IPV6)).isTrue();
    assertThat(p.learnsFromInterface()).isFalse();
  }

  @Test
  void withIpv6_valuesLeftOut_learnsIpv6Only() {
    Provider p = v6(null, null, null);

    assertThat(p.learnsFromInterface(AddressFamily.IPV6)).isTrue();
    assertThat(p.learnsFromInterface(AddressFamily.IPV4)).isFalse();
    assertThat(p.learnsFromInterface()).isTrue();
    assertThat(p.resolvedFor(AddressFamily.IPV6)).isFalse();
  }

  @Test
  void new_ipv6Only_hasNoIpv4() {
    Provider p = v6Only("2001:db8:2::2", "2001:db8:2::/64", "fe80::1");

    assertThat(p.families()).containsExactly(AddressFamily.IPV6);
    assertThat(p.resolvedFor(AddressFamily.IPV4)).isFalse();
    assertThat(p.learnsFromInterface(AddressFamily.IPV4)).isFalse();
    assertThat(p.learnsFromInterface()).isFalse();
  }

  @Test
  void withoutIpv4_ipv4ValuesGiven_namesTheKeyAndIpv4False() {
    assertThatThrownBy(() -> v6("2001:db8:1::2", "2001:db8:1::/64", "fe80::1").withoutIpv4())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ipv4_address must not be set when ipv4 = false, was 192.168.1.2");
  }

  @Test
  void new_ipv6FalseWithIpv6Values_namesTheKey() {
    assertThatThrownBy(
            () ->
                new Provider(
                    "a",
                    "wan1",
                    null,
                    null,
                    null,
                    "t",
                    101,
                    true,
                    false,
                    null,
                    Ipv6Network.parse("2001:db8::/64"),
                    null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ipv6_prefix must not be set when ipv6 = false, was 2001:db8::/64");
  }

  @Test
  void new_noFamily_isRejected() {
    assertThatThrownBy(
            () ->
                new Provider(
                    "a", "wan1", null, null, null, "t", 101, false, false, null, null, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ipv4 and ipv6 must not both be false");
  }

  @Test
  void withIpv6_addressOutsidePrefix_namesIpv6AddressAndPrefix() {
    assertThatThrownBy(() -> v6("2001:db8:2::2", "2001:db8:1::/64", "fe80::1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ipv6_address must lie inside ipv6_prefix 2001:db8:1::/64")
        .hasMessageContaining("2001:db8:2::2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"fe80::2", "ff02::1", "::", "::1", "::192.0.2.1"})
  void withIpv6_addressNotGlobalUnicast_namesIpv6Address(String address) {
    assertThatThrownBy(() -> v6(address, null, "fe80::1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ipv6_address must be a global or unique local unicast address")
        .hasMessageContaining(Ipv6.toText(Ipv6.parse(address)));
  }

  @Test
  void withIpv6_uniqueLocalAddress_isAccepted() {
    assertThat(v6("fd00:1::2", "fd00:1::/64", "fd00:1::1").ipv6Address())
        .isEqualTo(Ipv6.parse("fd00:1::2"));
  }

  @Test
  void withIpv6_globalGatewayOutsidePrefix_namesIpv6Gateway() {
    assertThatThrownBy(() -> v6("2001:db8:1::2", "2001:db8:1::/64", "2001:db8:9::1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "ipv6_gateway must be link-local (like fe80::1) or lie inside"
                + " ipv6_prefix 2001:db8:1::/64, was 2001:db8:9::1");
  }

  @Test
  void withIpv6_globalGatewayInsidePrefix_isAccepted() {
    assertThat(v6("2001:db8:1::2", "2001:db8:1::/64", "2001:db8:1::1").ipv6Gateway())
        .isEqualTo(Ipv6.parse("2001:db8:1::1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ff02::2", "::", "::1"})
  void withIpv6_gatewayNotUnicast_namesIpv6Gateway(String gateway) {
    assertThatThrownBy(() -> v6(null, null, gateway))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ipv6_gateway must be a link-local or unicast address");
  }

  @Test
  void withIpv6_gatewayEqualsAddress_namesBoth() {
    assertThatThrownBy(() -> v6("2001:db8:1::2", "2001:db8:1::/64", "2001:db8:1::2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "ipv6_gateway must differ from ipv6_address, both were 2001:db8:1::2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"fe80::/64", "ff00::/8", "2000::/3"})
  void withIpv6_prefixNotGlobal_namesIpv6Prefix(String prefix) {
    assertThatThrownBy(() -> v6(null, prefix, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ipv6_prefix must be a global or unique local prefix")
        .hasMessageContaining(prefix);
  }

  @Test
  void resolves_ipv6Learned_keepsConfiguredValues() {
    Provider configured = v6(null, null, "fe80::1");
    Provider learned = v6("2001:db8:1::2", "2001:db8:1::/64", "fe80::1");

    assertThat(learned.resolves(configured)).isTrue();
    assertThat(v6("2001:db8:1::2", "2001:db8:1::/64", "fe80::2").resolves(configured)).isFalse();
    assertThat(V4.resolves(configured)).isFalse();
  }

  @Test
  void providers_sharedIpv6Address_namesIpv6Address() {
    Provider a = v6("2001:db8:1::2", "2001:db8:1::/64", "fe80::1");
    Provider b =
        new Provider(
            "isp-b",
            "wan2",
            null,
            null,
            null,
            "isp_b",
            102,
            false,
            true,
            Ipv6.parse("2001:db8:1::2"),
            null,
            Ipv6.parse("fe80::1"));

    assertThatThrownBy(() -> Providers.of(a, b))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("providers[1].ipv6_address must be unique")
        .hasMessageContaining("2001:db8:1::2");
  }

  @Test
  void providers_sameLinkLocalGateway_isFine() {
    Provider a = v6("2001:db8:1::2", "2001:db8:1::/64", "fe80::1");
    Provider b = v6Only("2001:db8:2::2", "2001:db8:2::/64", "fe80::1");

    Providers providers = Providers.of(a, b);

    assertThat(providers.having(AddressFamily.IPV6)).containsExactly(a, b);
    assertThat(providers.having(AddressFamily.IPV4)).containsExactly(a);
  }

  @Test
  void resolution_ipv6_needsTheIpv6AddressAndPrefix() {
    Provider learning = v6(null, null, "fe80::1");

    assertThat(ProviderResolution.resolved(learning).family()).isEqualTo(AddressFamily.IPV4);
    assertThatThrownBy(() -> ProviderResolution.resolved(learning, AddressFamily.IPV6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "needs ipv6 turned on and its ipv6_address and ipv6_prefix (resolved for IPv6)");
    assertThat(ProviderResolution.unconfigured("isp-a", AddressFamily.IPV6, "no RA yet").family())
        .isEqualTo(AddressFamily.IPV6);
  }

  @Test
  void resolution_ipv4OfIpv6OnlyProvider_isRejected() {
    Provider only6 = v6Only("2001:db8:2::2", "2001:db8:2::/64", "fe80::1");

    assertThat(ProviderResolution.resolved(only6, AddressFamily.IPV6).isResolved()).isTrue();
    assertThatThrownBy(() -> ProviderResolution.resolved(only6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no IPv4");
  }

  @Test
  void routingState_ipv6_ranksIpv6Routes() {
    Provider a = v6("2001:db8:1::2", "2001:db8:1::/64", "fe80::1");
    Provider b = v6Only("2001:db8:2::2", "2001:db8:2::/64", "fe80::1");

    RoutingState state = RoutingState.ranked(AddressFamily.IPV6, List.of(b, a), 100);

    assertThat(state.family()).isEqualTo(AddressFamily.IPV6);
    assertThat(state.routes())
        .containsExactly(
            new ProviderRoute(b, 100, AddressFamily.IPV6),
            new ProviderRoute(a, 101, AddressFamily.IPV6));
    assertThat(state.main()).contains(b);
    assertThat(state).isNotEqualTo(RoutingState.ranked(List.of(a), 100));
    assertThat(new RoutingState(List.of(), AddressFamily.IPV6))
        .isNotEqualTo(new RoutingState(List.of()));
  }

  @Test
  void routingState_routeOfOtherFamily_isRejected() {
    assertThatThrownBy(
            () -> new RoutingState(List.of(new ProviderRoute(V4, 100)), AddressFamily.IPV6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("an IPv6 routing state holds only IPv6 routes");
  }

  @Test
  void providerRoute_ipv6OfProviderWithoutIpv6_isRejected() {
    assertThatThrownBy(() -> new ProviderRoute(V4, 100, AddressFamily.IPV6))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a route needs a resolved provider (IPv6");
  }
}
