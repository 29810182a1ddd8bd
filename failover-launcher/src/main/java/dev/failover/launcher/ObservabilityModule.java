package dev.failover.launcher;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.failover.api.FailoverListener;
import dev.failover.api.Providers;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.hooks.HookListener;
import dev.failover.launcher.hooks.HookRunner;
import dev.failover.launcher.http.EventTimeline;
import dev.failover.launcher.http.ProbeSamples;
import dev.failover.launcher.metrics.FailoverMetrics;
import dev.failover.launcher.metrics.TickObserver;
import jakarta.inject.Singleton;

/**
 * Hooks, metrics and the status page's memory (charts, timeline): what they hear of the engine,
 * added to the engine's listeners, round observers and tick observers; {@link Observability} starts
 * and stops them with the daemon.
 */
@Module
interface ObservabilityModule {

  @Binds
  @IntoSet
  FailoverListener metricsEvents(FailoverMetrics metrics);

  @Binds
  @IntoSet
  FailoverListener timelineEvents(EventTimeline timeline);

  @Binds
  @IntoSet
  FailoverListener hookEvents(HookListener hooks);

  @Binds
  @IntoSet
  FailoverListener chartRounds(ProbeSamples samples);

  @Binds
  @IntoSet
  TickObserver metricsTicks(FailoverMetrics metrics);

  @Provides
  @Singleton
  static FailoverMetrics metrics(Providers providers) {
    return new FailoverMetrics(providers);
  }

  @Provides
  @Singleton
  static ProbeSamples samples(Providers providers) {
    return new ProbeSamples(providers);
  }

  @Provides
  @Singleton
  static EventTimeline timeline() {
    return new EventTimeline();
  }

  @Provides
  @Singleton
  static HookRunner hooks(FailoverConfig config, FailoverMetrics metrics) {
    return new HookRunner(config.hooksDir(), config.hookTimeout(), metrics);
  }

  @Provides
  static HookListener hookListener(HookRunner runner) {
    return new HookListener(runner);
  }
}
