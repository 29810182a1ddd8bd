package dev.failover.launcher;

import dagger.Binds;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dev.failover.api.RouteBackend;
import dev.failover.core.FailoverEngine;
import dev.failover.launcher.config.FailoverConfig;
import jakarta.inject.Singleton;

/**
 * The graph of {@code run --dry-run}: the daemon's, with a {@link RecordingRouteBackend} instead of
 * the Linux one, so that a tick reads the real links, runs the real probes and decides, and nothing
 * is applied.
 */
@Singleton
@Component(
    modules = {
      ConfigModule.class,
      CoreModule.class,
      ScenariosModule.class,
      DryRunComponent.RecordingModule.class,
      LinkWatchModule.class,
      TimeModule.class
    })
interface DryRunComponent {

  /** The engine, wired to the recording backend. */
  FailoverEngine engine();

  /** What the engine asked to apply. */
  RecordingRouteBackend backend();

  /** Reads the providers' links once, before the round. */
  LinkWatch links();

  /** The threads, shut down after the round. */
  DaemonExecutors executors();

  /** Creates the component from a config. */
  @Component.Factory
  interface Factory {
    DryRunComponent create(@BindsInstance FailoverConfig config);
  }

  /** Binds the recording backend in place of the Linux one. */
  @Module
  interface RecordingModule {
    @Binds
    RouteBackend routeBackend(RecordingRouteBackend backend);
  }
}
