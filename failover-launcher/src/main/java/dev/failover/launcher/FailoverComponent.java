package dev.failover.launcher;

import dagger.BindsInstance;
import dagger.Component;
import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.systemd.SystemdNotify;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Locale;

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
   * <p>A config in which a provider has IPv6 gets a second engine for IPv6 (see {@code
   * CoreModule.ipv6Service}); building the daemon then fails if the route backend does not serve
   * IPv6.
   *
   * @throws IllegalArgumentException as {@link #create(FailoverConfig)}, or if a provider has IPv6
   *     in a way this daemon does not run yet: no provider has IPv4, or a provider omits an IPv6
   *     value to learn it from its interface
   */
  static FailoverComponent create(FailoverConfig config, SystemdNotify notify) {
    refuseIpv6NotRunYet(config);
    return DaggerFailoverComponent.factory().create(config, notify);
  }

  /**
   * The config accepts these (issue 16), but the daemon does not run them yet
   * (docs/architecture.md, "IPv6 (in progress)"), and each would leave IPv6 unmanaged without a
   * word, so the daemon refuses the config instead, naming the key, as for any config it cannot
   * run:
   *
   * <ul>
   *   <li>IPv6 without any IPv4: the status file, the page, the hooks, the metrics and the track
   *       file still follow the IPv4 engine, which needs a provider to judge;
   *   <li>learned IPv6 values: the link watch does not pass IPv6 resolutions on yet, so such a
   *       provider's IPv6 would stay unconfigured for good.
   * </ul>
   */
  static void refuseIpv6NotRunYet(FailoverConfig config) {
    List<Provider> providers = config.providers();
    if (providers.stream().noneMatch(provider -> provider.has(AddressFamily.IPV4))) {
      throw new IllegalArgumentException(
          "providers: at least one provider must have IPv4 for now: the status, hooks and metrics"
              + " of this version's daemon follow the IPv4 engine (issue 16); providers: "
              + providers.stream().map(Provider::id).toList());
    }
    for (int i = 0; i < providers.size(); i++) {
      Provider provider = providers.get(i);
      if (provider.learnsFromInterface(AddressFamily.IPV6)) {
        throw new IllegalArgumentException(
            String.format(
                Locale.ROOT,
                "providers[%s]: ipv6_address, ipv6_prefix and ipv6_gateway must be set for now:"
                    + " this version's daemon does not learn IPv6 values from the interface yet"
                    + " (issue 16), so %s would have no IPv6 failover",
                i,
                provider));
      }
    }
  }
}
