package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.Providers;
import dev.failover.api.RouteBackendException;
import dev.failover.linux.NetlinkRouteBackend;
import dev.failover.linux.NetlinkRouteBackendSettings;
import dev.failover.linux.netlink.NetlinkException;
import dev.failover.testkit.TestProviders;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinuxRoutePreparationTest {

  /** The kernel refuses the netlink socket: the preparation logs it and the daemon still starts. */
  @Test
  void prepare_netlinkRefused_doesNotThrow() {
    NetlinkRouteBackend backend =
        new NetlinkRouteBackend(
            NetlinkRouteBackendSettings.defaults(),
            Providers.of(TestProviders.withSharedGateway(2)),
            () -> {
              throw new NetlinkException("socket(AF_NETLINK): Operation not permitted", 1, null);
            });

    assertThatThrownBy(backend::prepare).isInstanceOf(RouteBackendException.class);
    assertThatCode(() -> new LinuxRoutePreparation(backend).prepare(List.of()))
        .doesNotThrowAnyException();
  }
}
