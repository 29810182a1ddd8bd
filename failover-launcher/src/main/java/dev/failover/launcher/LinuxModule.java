package dev.failover.launcher;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.api.RouteBackend;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.linux.CommandRunner;
import dev.failover.linux.ForeignRouteHandling;
import dev.failover.linux.IpRouteBackend;
import dev.failover.linux.IpRouteBackendSettings;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The Linux data plane: the {@code ip}-command route backend of failover-linux, set up from the
 * config, one instance shared by the engine and the preparation of the tables before the first
 * round.
 */
@Module
interface LinuxModule {

  @Binds
  RouteBackend routeBackend(IpRouteBackend backend);

  @Binds
  RoutePreparation routePreparation(LinuxRoutePreparation preparation);

  /** One backend, so that its calls are serialised and it sees what the preparation did. */
  @Provides
  @Singleton
  static IpRouteBackend ipRouteBackend(
      IpRouteBackendSettings settings, Providers providers, CommandRunner runner) {
    return new IpRouteBackend(settings, providers, runner);
  }

  @Provides
  @Singleton
  static IpRouteBackendSettings backendSettings(FailoverConfig config) {
    return IpRouteBackendSettings.defaults()
        .withForeignRoutes(ForeignRouteHandling.valueOf(config.foreignDefaultRoutes().name()));
  }
}
