package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
