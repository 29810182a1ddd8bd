package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.linux.netlink.NetlinkException;
import dev.failover.linux.netlink.RtNetlink;
import dev.failover.testkit.TestProviders;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * {@link NetlinkRouteBackend} without a kernel: what it does when netlink cannot be opened, and how
 * it checks a routing state; the kernel tests are in failover-lab ({@code
 * NetlinkRouteBackendNamespaceTest}).
 */
class NetlinkRouteBackendTest {
  private final List<Provider> providers = TestProviders.withSharedGateway(2);
  private final AtomicInteger opens = new AtomicInteger();
  private final RtNetlink.Opener refused =
      () -> {
        opens.incrementAndGet();
        throw new NetlinkException(
            "socket(AF_NETLINK, NETLINK_ROUTE): Operation not permitted", 1, null);
      };
  private final NetlinkRouteBackend backend =
      new NetlinkRouteBackend(
          NetlinkRouteBackendSettings.defaults(), Providers.of(providers), refused);

  @Test
  void apply_netlinkRefused_throwsNamingTheReadAndChangesNothing() {
    assertThatThrownBy(() -> backend.apply(RoutingState.ranked(providers, 100)))
        .isInstanceOf(RouteBackendException.class)
        .hasMessageContaining("could not read the kernel state")
        .hasMessageContaining("Operation not permitted")
        .hasCauseInstanceOf(NetlinkException.class);
    // The switch's fast path tries first and leaves the failure to the full read.
    assertThat(opens).hasValue(2);
  }

  @Test
  void currentPrepareAndRemoveAll_netlinkRefused_throw() {
    assertThatThrownBy(backend::current).isInstanceOf(RouteBackendException.class);
    assertThatThrownBy(backend::prepare).isInstanceOf(RouteBackendException.class);
    assertThatThrownBy(() -> backend.removeAll(false)).isInstanceOf(RouteBackendException.class);
  }

  @Test
  void apply_providerDiffersFromTheConfiguredOneWithItsId_isRejected() {
    Provider configured = providers.get(0);
    Provider other =
        new Provider(
            configured.id(),
            "eth9",
            configured.ipv4Address(),
            configured.network(),
            configured.gateway(),
            configured.rtTableName(),
            configured.rtTableId());

    assertThatThrownBy(() -> backend.apply(RoutingState.ranked(List.of(other), 100)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("differs from the configured one");
    assertThat(opens).hasValue(0);
  }

  @Test
  void supports_eachFamily_true() {
    assertThat(backend.supports(AddressFamily.IPV4)).isTrue();
    assertThat(backend.supports(AddressFamily.IPV6)).isTrue();
  }

  @Test
  void currentIpv6_netlinkRefused_throws() {
    assertThatThrownBy(() -> backend.current(AddressFamily.IPV6))
        .isInstanceOf(RouteBackendException.class)
        .hasMessageContaining("could not read the kernel state");
  }

  @Test
  void family_ipv6Provider_readsItsIpv6ValuesAndHostLength128() {
    Provider dual =
        providers
            .get(0)
            .withIpv6(
                Ipv6.parse("2001:db8:1::100"),
                Ipv6Network.parse("2001:db8:1::/64"),
                Ipv6.parse("fe80::1"));
    NetlinkRouteBackend.Family v6 = NetlinkRouteBackend.Family.of(AddressFamily.IPV6);

    assertThat(v6.address(dual)).isEqualTo(Ipv6.parse("2001:db8:1::100"));
    assertThat(v6.gateway(dual)).isEqualTo(Ipv6.parse("fe80::1"));
    assertThat(v6.network(dual)).hasToString("2001:db8:1::/64");
    assertThat(v6.hostLength()).isEqualTo(128);
    // The kernel turns an IPv6 route's metric 0 into 1024: the tables' routes are sent with it.
    assertThat(v6.tableMetric()).isEqualTo(1024);
    assertThat(v6.netlink()).isEqualTo(dev.failover.linux.netlink.AddressFamily.INET6);
  }

  @Test
  void family_ipv4OnlyProviderSeenAsIpv6_hasNoValues() {
    NetlinkRouteBackend.Family v6 = NetlinkRouteBackend.Family.of(AddressFamily.IPV6);
    NetlinkRouteBackend.Family v4 = NetlinkRouteBackend.Family.of(AddressFamily.IPV4);

    assertThat(v6.address(providers.get(0))).isNull();
    assertThat(v6.network(providers.get(0))).isNull();
    assertThat(v4.address(providers.get(0))).isEqualTo(providers.get(0).ipv4Address());
    assertThat(v4.hostLength()).isEqualTo(32);
    assertThat(v4.tableMetric()).isZero();
  }
}
