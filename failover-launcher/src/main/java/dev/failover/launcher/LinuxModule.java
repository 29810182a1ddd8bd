package dev.failover.launcher;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dev.failover.api.RouteBackend;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.linux.ForeignRouteHandling;
import dev.failover.linux.IpRouteBackend;
import dev.failover.linux.IpRouteBackendSettings;
import jakarta.inject.Singleton;

/**
 * The Linux data plane: the {@code ip}-command route backend of failover-linux, set up from the
 * config. Its {@code @Inject} constructor is wired by factories Dagger generates here.
 */
@Module
interface LinuxModule {

  @Binds
  RouteBackend routeBackend(IpRouteBackend backend);

  @Provides
  @Singleton
  static IpRouteBackendSettings backendSettings(FailoverConfig config) {
    return IpRouteBackendSettings.defaults()
        .withForeignRoutes(ForeignRouteHandling.valueOf(config.foreignDefaultRoutes().name()));
  }
}
