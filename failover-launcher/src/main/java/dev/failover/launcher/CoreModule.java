package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.base.Ticker;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.Multibinds;
import dev.failover.api.AddressFamily;
import dev.failover.api.FailoverListener;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.api.RouteBackend;
import dev.failover.core.EngineSettings;
import dev.failover.core.FailoverEngine;
import dev.failover.core.FailoverService;
import dev.failover.core.ProbeTimeouts;
import dev.failover.core.ProviderScenarios;
import dev.failover.core.StickyProviderFile;
import dev.failover.core.StickySource;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.Policies;
import dev.failover.launcher.metrics.TickObserver;
import dev.failover.linux.NoFollowFiles;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The engine's collaborators that are built from the config: its settings, the policy, the sticky
 * file and the (empty by default) set of event listeners.
 *
 * <p>failover-core is compiled without the Dagger processor and carries no Dagger dependency: for
 * its {@code @Inject} constructors ({@code FailoverEngine}, {@code FailoverService}) Dagger
 * generates the factories in this module's compilation, so a change of those constructors needs no
 * change here. Neither class carries a scope, so each injection point gets a new instance: only
 * {@link FailoverDaemon} injects the service, and everything else reaches the one engine through it
 * ({@code FailoverService.engine()}); never inject {@code FailoverEngine} beside it. The IPv6
 * engine, when a provider has IPv6, is built here by hand ({@link #ipv6Service}).
 */
@Module
interface CoreModule {

  /** Listeners other modules may add with {@code @IntoSet}; none by default. */
  @Multibinds
  Set<FailoverListener> listeners();

  /**
   * The IPv6 engine's listeners, which other modules may add with {@code @IntoSet @Ipv6Service};
   * none by default. Apart from the IPv4 engine's, because a listener of one family's events must
   * know which family it hears (a metric's label, a hook's {@code FAILOVER_FAMILY}, the status
   * page's section), so each family's listener is an instance of its own, or a per-family view of
   * a shared one.
   */
  @Multibinds
  @Ipv6Service
  Set<FailoverListener> ipv6Listeners();

  /** What hears how long each scheduled tick took (see {@link TimeModule}); none by default. */
  @Multibinds
  Set<TickObserver> tickObservers();

  @Provides
  static EngineSettings engineSettings(
      @CheckInterval Duration checkInterval,
      @FastCheckInterval Duration fastCheckInterval,
      @ProbeTimeout Duration probeTimeout,
      @StartMetric int startMetric,
      @HistorySize int historySize,
      @ReassertInterval Duration reassertInterval) {
    return new EngineSettings(
        checkInterval,
        probeTimeout,
        startMetric,
        historySize,
        EngineSettings.ticksFor(reassertInterval, checkInterval),
        fastCheckInterval);
  }

  @Provides
  static ProbeTimeouts probeTimeouts(FailoverConfig config) {
    return config.probeTimeouts();
  }

  @Provides
  @Singleton
  static ReliabilityPolicy policy(FailoverConfig config) {
    return Policies.create(config);
  }

  /**
   * The IPv6 engine's service, when a provider has IPv6: an engine of its own ({@link
   * EngineSettings#withFamily}), so that each family of each provider gets its own verdict and each
   * family its own main route, with the same policy, cadence, test cases (the engine keeps those of
   * its family), sticky file and route backend as the IPv4 engine, on a tick thread of its own
   * ({@link DaemonExecutors#ipv6Tick}), so that an IPv6 round waiting out its timeouts never holds
   * back an IPv4 round; the backend serialises the two engines' calls.
   *
   * <p>Built by hand rather than injected, because the IPv4 engine is the unqualified one and both
   * are the same class. Its engine hears the {@code @Ipv6Service} listeners ({@link
   * #ipv6Listeners}).
   *
   * @throws IllegalArgumentException if a provider has IPv6 and {@code backend} does not
   *     {@linkplain RouteBackend#supports serve} IPv6: the daemon refuses the config rather than
   *     leave the providers' IPv6 unmanaged without a word
   */
  @Provides
  @Ipv6Service
  static Optional<FailoverService> ipv6Service(
      EngineSettings settings,
      ProbeTimeouts timeouts,
      Providers providers,
      ProviderScenarios scenarios,
      ReliabilityPolicy policy,
      RouteBackend backend,
      StickySource sticky,
      ExecutorService probeExecutor,
      InstantSource clock,
      Ticker ticker,
      @Ipv6Service ScheduledExecutorService tickExecutor,
      @Ipv6Service Set<FailoverListener> listeners) {
    if (providers.having(AddressFamily.IPV6).isEmpty()) {
      return Optional.empty();
    }
    checkArgument(
        backend.supports(AddressFamily.IPV6),
        "providers %s have IPv6, but this version's route backend routes IPv4 only (issue 16);"
            + " set ipv6 = false on them to run with IPv4 failover alone",
        providers.having(AddressFamily.IPV6).stream().map(Provider::id).toList());
    FailoverEngine engine =
        new FailoverEngine(
            settings.withFamily(AddressFamily.IPV6),
            timeouts,
            providers,
            scenarios,
            policy,
            backend,
            sticky,
            listeners,
            probeExecutor,
            clock,
            ticker);
    return Optional.of(new FailoverService(engine, tickExecutor));
  }

  /**
   * The sticky file, read with {@code O_NOFOLLOW | O_NONBLOCK}: a link or a FIFO put in its place
   * is ignored instead of followed or waited on.
   */
  @Provides
  @Singleton
  static StickySource sticky(@StickyFile Path file, Providers providers) {
    return new StickyProviderFile(file, providers, NoFollowFiles::read);
  }
}
