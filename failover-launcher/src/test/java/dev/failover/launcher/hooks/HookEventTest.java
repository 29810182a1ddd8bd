package dev.failover.launcher.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.AddressFamily;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.ProviderStatus;
import dev.failover.api.SwitchReason;
import dev.failover.testkit.TestProviders;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link HookEvent}'s {@code FAILOVER_FAMILY} (issue 16), without running a hook. */
class HookEventTest {
  private static final Instant AT = Instant.parse("2026-01-01T10:00:00Z");

  private final ProviderStateChanged down =
      new ProviderStateChanged(
          TestProviders.withSharedGateway(1).get(0),
          ProviderStatus.of(ProviderState.UP, AT, "ok"),
          ProviderStatus.of(ProviderState.DOWN, AT, "down"),
          AT);

  private final MainProviderSwitched failover =
      new MainProviderSwitched(
          TestProviders.withSharedGateway(2).get(0),
          TestProviders.withSharedGateway(2).get(1),
          SwitchReason.FAILOVER,
          "isp1 is DOWN",
          AT);

  @Test
  void providerStateChanged_ofIpv6_setsFamilyIpv6() {
    assertThat(HookEvent.providerStateChanged(AddressFamily.IPV6, down).variables())
        .containsEntry("FAILOVER_FAMILY", "ipv6");
  }

  @Test
  void providerStateChanged_ofIpv4_setsFamilyIpv4() {
    assertThat(HookEvent.providerStateChanged(AddressFamily.IPV4, down).variables())
        .containsEntry("FAILOVER_FAMILY", "ipv4");
  }

  @Test
  void mainSwitched_ofEachFamily_setsItsFamily() {
    assertThat(HookEvent.mainSwitched(AddressFamily.IPV4, failover).variables())
        .containsEntry("FAILOVER_FAMILY", "ipv4");
    assertThat(HookEvent.mainSwitched(AddressFamily.IPV6, failover).variables())
        .containsEntry("FAILOVER_FAMILY", "ipv6");
  }

  /** started and stopping are the daemon's, of both families: the variable is left unset. */
  @Test
  void startedAndStopping_daemonEvents_leaveFamilyUnset() {
    assertThat(HookEvent.started(AT, "started").variables()).doesNotContainKey("FAILOVER_FAMILY");
    assertThat(HookEvent.stopping(AT, "stopping").variables()).doesNotContainKey("FAILOVER_FAMILY");
  }
}
