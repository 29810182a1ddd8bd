package dev.failover.launcher;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
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
 * driven by the engine's events through {@link FlowPinningListener}.
 */
@Module
interface FlowPinningModule {

  @Binds
  @IntoSet
  FailoverListener flowPinningEvents(FlowPinningListener listener);

  @Provides
  @Singleton
  static FlowPinning flowPinning(FailoverConfig config, Providers providers) {
    return new FlowPinning(config.flowPinning().settings(), providers);
  }

  @Provides
  static PinnedFlows pinnedFlows(FlowPinning pinning) {
    return new PinnedFlows() {
      @Override
      public void pin(Provider provider) throws FlowPinningException {
        pinning.pin(provider);
      }

      @Override
      public void release(Provider provider) throws FlowPinningException {
        pinning.release(provider);
      }
    };
  }

  /**
   * The engine's view of the links, reached through the daemon (a {@code Provider}, since the
   * engine's listeners are built before the engine; the daemon is the one that holds the engine).
   */
  @Provides
  static FlowPinningListener.LinkUsability linkUsability(
      jakarta.inject.Provider<FailoverDaemon> daemon) {
    return id -> daemon.get().engine().linkUsable(id);
  }
}
