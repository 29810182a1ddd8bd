package dev.failover.launcher;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.Multibinds;
import dev.failover.api.FailoverListener;
import dev.failover.api.Providers;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.core.EngineSettings;
import dev.failover.core.ProbeTimeouts;
import dev.failover.core.StickyProviderFile;
import dev.failover.core.StickySource;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.Policies;
import dev.failover.launcher.metrics.TickObserver;
import dev.failover.linux.NoFollowFiles;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

/**
 * The engine's collaborators that are built from the config: its settings, the policy, the sticky
 * file and the (empty by default) set of event listeners.
 *
 * <p>failover-core is compiled without the Dagger processor and carries no Dagger dependency: for
 * its {@code @Inject} constructors ({@code FailoverEngine}, {@code FailoverService}) Dagger
 * generates the factories in this module's compilation, so a change of those constructors needs no
 * change here. Neither class carries a scope, so each injection point gets a new instance: only
 * {@link FailoverDaemon} injects the service, and everything else reaches the one engine through it
 * ({@code FailoverService.engine()}); never inject {@code FailoverEngine} beside it.
 */
@Module
interface CoreModule {

  /** Listeners other modules may add with {@code @IntoSet}; none by default. */
  @Multibinds
  Set<FailoverListener> listeners();

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
   * The sticky file, read with {@code O_NOFOLLOW | O_NONBLOCK}: a link or a FIFO put in its place
   * is ignored instead of followed or waited on.
   */
  @Provides
  @Singleton
  static StickySource sticky(@StickyFile Path file, Providers providers) {
    return new StickyProviderFile(file, providers, NoFollowFiles::read);
  }
}
