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
   * @throws IllegalArgumentException as {@link #create(FailoverConfig)}, or if a provider has IPv6,
   *     which this daemon does not route yet
   */
  static FailoverComponent create(FailoverConfig config, SystemdNotify notify) {
    refuseIpv6(config);
    return DaggerFailoverComponent.factory().create(config, notify);
  }

  /**
   * The config accepts IPv6 (issue 16), but the daemon still runs one IPv4 engine: the IPv6 engine,
   * the link and address events of IPv6 and the netlink routes of IPv6 are not wired in yet
   * (docs/architecture.md, "IPv6 (in progress)"). A provider with IPv6 would get no IPv6 failover,
   * and one with IPv6 only would not be managed at all, without a word; so the daemon refuses the
   * config instead, naming the key, as for any config it cannot run.
   */
  private static void refuseIpv6(FailoverConfig config) {
    for (int i = 0; i < config.providers().size(); i++) {
      dev.failover.api.Provider provider = config.providers().get(i);
      if (provider.ipv6()) {
        throw new IllegalArgumentException(
            String.format(
                java.util.Locale.ROOT,
                "providers[%s].ipv6 must be false for now: this version's daemon routes IPv4 only"
                    + " (the IPv6 engine is not wired in yet, issue 16), so %s would have no"
                    + " IPv6 failover; check-config accepts the IPv6 keys, run does not yet",
                i,
                provider));
      }
    }
  }
}
