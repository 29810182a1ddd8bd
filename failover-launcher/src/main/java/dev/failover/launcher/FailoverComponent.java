package dev.failover.launcher;

import dagger.BindsInstance;
import dagger.Component;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.systemd.SystemdNotify;
import jakarta.inject.Singleton;

/**
 * The daemon's object graph: config → engine → Linux route backend, test cases and link watch;
 * hooks, metrics and the status page hear the engine's events.
 *
 * <p>Built once per process from a valid {@link FailoverConfig}; building it touches nothing in the
 * kernel (the backend acts only when the daemon ticks).
 */
@Singleton
@Component(
    modules = {
      ConfigModule.class,
      CoreModule.class,
      ScenariosModule.class,
      LinuxModule.class,
      FlowPinningModule.class,
      LinkWatchModule.class,
      ObservabilityModule.class,
      StatusPageIpv6Module.class,
      SystemdModule.class,
      TrackFileModule.class,
      TimeModule.class
    })
public interface FailoverComponent {

  /** The daemon, not yet started. */
  FailoverDaemon daemon();

  /** Creates the component from a config. */
  @Component.Factory
  interface Factory {
    FailoverComponent create(
        @BindsInstance FailoverConfig config, @BindsInstance SystemdNotify notify);
  }

  /**
   * The component for {@code config}.
   *
   * @throws IllegalArgumentException if a test case cannot be built (a config that {@link
   *     dev.failover.launcher.config.ConfigLoader} accepted always can)
   */
  static FailoverComponent create(FailoverConfig config) {
    return create(config, SystemdNotify.disabled());
  }

  /**
   * The component for {@code config}, telling systemd through {@code notify} how it is doing.
   *
   * <p>A config in which a provider has IPv6 gets a second engine for IPv6 (see {@code
   * CoreModule.ipv6Service}); building the daemon then fails if the route backend does not serve
   * IPv6.
   *
   * @throws IllegalArgumentException as {@link #create(FailoverConfig)}
   */
  static FailoverComponent create(FailoverConfig config, SystemdNotify notify) {
    return DaggerFailoverComponent.factory().create(config, notify);
  }
}
