package dev.failover.launcher;

import dagger.BindsInstance;
import dagger.Component;
import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.systemd.SystemdNotify;
import jakarta.inject.Singleton;
import java.util.List;

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
   * @throws IllegalArgumentException as {@link #create(FailoverConfig)}, or if a provider has IPv6
   *     in a way this daemon does not run yet: no provider has IPv4, or (for now) any provider has
   *     IPv6
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
   *   <li>IPv6 at all, until the status, hooks and metrics follow both engines.
   * </ul>
   *
   * <p>Learned IPv6 values are no longer refused: the link watch passes IPv6 resolutions on.
   */
  static void refuseIpv6NotRunYet(FailoverConfig config) {
    List<Provider> providers = config.providers();
    if (providers.stream().noneMatch(provider -> provider.has(AddressFamily.IPV4))) {
      throw new IllegalArgumentException(
          "providers: at least one provider must have IPv4 for now: the status, hooks and metrics"
              + " of this version's daemon follow the IPv4 engine (issue 16); providers: "
              + providers.stream().map(Provider::id).toList());
    }
    List<String> withIpv6 =
        providers.stream()
            .filter(provider -> provider.has(AddressFamily.IPV6))
            .map(Provider::id)
            .toList();
    // Until status, hooks, metrics and flow pinning follow both engines, a daemon routing IPv6
    // would do it half-way: refused.
    // This also keeps tests that run the daemon outside a namespace from touching the host's
    // IPv6 routes now that the backend can route IPv6.
    if (!withIpv6.isEmpty()) {
      throw new IllegalArgumentException(
          "providers "
              + withIpv6
              + " have IPv6, which this version's daemon does not route yet (issue 16: the status,"
              + " hooks and metrics per family are still missing)");
    }
  }
}
