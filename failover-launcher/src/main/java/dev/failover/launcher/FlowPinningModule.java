package dev.failover.launcher;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.failover.api.AddressFamily;
import dev.failover.api.FailoverListener;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.linux.FlowPinning;
import dev.failover.linux.FlowPinningException;
import jakarta.inject.Singleton;

/**
 * Flow pinning (config keys {@code pin_flows}, {@code flush_flows_on_down}, {@code fwmark_mask}):
 * failover-linux's {@link FlowPinning}, installed at start by {@link LinuxRoutePreparation} and
 * driven per family by that family's engine's events through a {@link FlowPinningListener} of its
 * own: the IPv4 engine's listener moves IPv4 flows, the IPv6 engine's ({@code @Ipv6Service}) IPv6
 * flows.
 */
@Module
interface FlowPinningModule {

  /** The IPv4 engine's listener, for the IPv4 flows. */
  @Provides
  @IntoSet
  static FailoverListener flowPinningEvents(
      PinnedFlows flows, Providers providers, jakarta.inject.Provider<FailoverDaemon> daemon) {
    return new FlowPinningListener(
        AddressFamily.IPV4, flows, providers, linkUsability(daemon, AddressFamily.IPV4));
  }

  /**
   * The IPv6 engine's listener, for the IPv6 flows: heard by the IPv6 engine only, which exists
   * when a provider has IPv6 (without one, the listener is made and never called).
   */
  @Provides
  @IntoSet
  @Ipv6Service
  static FailoverListener ipv6FlowPinningEvents(
      PinnedFlows flows, Providers providers, jakarta.inject.Provider<FailoverDaemon> daemon) {
    return new FlowPinningListener(
        AddressFamily.IPV6, flows, providers, linkUsability(daemon, AddressFamily.IPV6));
  }

  @Provides
  @Singleton
  static FlowPinning flowPinning(FailoverConfig config, Providers providers) {
    return new FlowPinning(config.flowPinning().settings(), providers);
  }

  @Provides
  static PinnedFlows pinnedFlows(FlowPinning pinning) {
    return new PinnedFlows() {
      @Override
      public void pin(Provider provider, AddressFamily family) throws FlowPinningException {
        pinning.pin(provider, family);
      }

      @Override
      public void release(Provider provider, AddressFamily family) throws FlowPinningException {
        pinning.release(provider, family);
      }
    };
  }

  /**
   * The view of the links of {@code family}'s engine, reached through the daemon (a {@code
   * Provider}, since the engine's listeners are built before the engine; the daemon is the one that
   * holds the engine). Every link change reaches both engines, so the two views agree but for the
   * moment between them; each listener reads its own engine's, the one its events come from.
   */
  private static FlowPinningListener.LinkUsability linkUsability(
      jakarta.inject.Provider<FailoverDaemon> daemon, AddressFamily family) {
    return id ->
        daemon
            .get()
            .engine(family)
            .orElseThrow(() -> new IllegalStateException("no " + family + " engine"))
            .linkUsable(id);
  }
}
