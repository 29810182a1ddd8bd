package dev.failover.launcher;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dev.failover.api.Providers;
import dev.failover.api.RouteBackend;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.linux.ForeignRouteHandling;
import dev.failover.linux.NetlinkRouteBackend;
import dev.failover.linux.NetlinkRouteBackendSettings;
import jakarta.inject.Singleton;

/**
 * The Linux data plane: the rtnetlink route backend of failover-linux, set up from the config, one
 * instance shared by the engine and the preparation of the tables before the first round.
 */
@Module
interface LinuxModule {

  @Binds
  RouteBackend routeBackend(NetlinkRouteBackend backend);

  @Binds
  RoutePreparation routePreparation(LinuxRoutePreparation preparation);

  /** One backend, so that its calls are serialised and it sees what the preparation did. */
  @Provides
  @Singleton
  static NetlinkRouteBackend netlinkRouteBackend(
      NetlinkRouteBackendSettings settings, Providers providers) {
    return new NetlinkRouteBackend(settings, providers);
  }

  @Provides
  @Singleton
  static NetlinkRouteBackendSettings backendSettings(FailoverConfig config) {
    return NetlinkRouteBackendSettings.defaults()
        .withForeignRoutes(ForeignRouteHandling.valueOf(config.foreignDefaultRoutes().name()));
  }
}
