package dev.failover.launcher;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.failover.api.AddressFamily;
import dev.failover.api.FailoverListener;
import dev.failover.launcher.http.EventTimeline;
import dev.failover.launcher.http.ProbeSamples;

/**
 * The status page's memory of the IPv6 engine: its events in the page's timeline, marked IPv6, and
 * its rounds in the charts' IPv6 rings, apart from the IPv4 engine's (which {@link
 * ObservabilityModule} binds).
 *
 * <p>Per-family views of the same {@link EventTimeline} and {@link ProbeSamples} singletons, so
 * that the page reads both families from one place; bound even when no provider has IPv6, when no
 * IPv6 engine is built to hear them.
 */
@Module
final class StatusPageIpv6Module {
  private StatusPageIpv6Module() {}

  @Provides
  @IntoSet
  @Ipv6Service
  static FailoverListener ipv6TimelineEvents(EventTimeline timeline) {
    return timeline.forFamily(AddressFamily.IPV6);
  }

  @Provides
  @IntoSet
  @Ipv6Service
  static FailoverListener ipv6ChartRounds(ProbeSamples samples) {
    return samples.forFamily(AddressFamily.IPV6);
  }
}
