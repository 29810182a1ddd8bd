package dev.failover.launcher;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.failover.api.AddressFamily;
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
 * and stops them with the daemon. The metrics and the hooks hear the IPv6 engine too ({@link
 * Ipv6Service} listeners), each family through a view that labels its events with the family.
 */
@Module
interface ObservabilityModule {

  @Provides
  @IntoSet
  static FailoverListener metricsEvents(FailoverMetrics metrics) {
    return metrics.events(AddressFamily.IPV4);
  }

  @Provides
  @IntoSet
  @Ipv6Service
  static FailoverListener ipv6MetricsEvents(FailoverMetrics metrics) {
    return metrics.events(AddressFamily.IPV6);
  }

  @Binds
  @IntoSet
  FailoverListener timelineEvents(EventTimeline timeline);

  @Provides
  @IntoSet
  static FailoverListener hookEvents(HookRunner runner) {
    return new HookListener(runner, AddressFamily.IPV4);
  }

  @Provides
  @IntoSet
  @Ipv6Service
  static FailoverListener ipv6HookEvents(HookRunner runner) {
    return new HookListener(runner, AddressFamily.IPV6);
  }

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
}
