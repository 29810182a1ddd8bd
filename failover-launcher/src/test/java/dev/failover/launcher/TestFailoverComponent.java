package dev.failover.launcher;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.MoreExecutors;
import dagger.Binds;
import dagger.BindsInstance;
import dagger.Component;
import dagger.Module;
import dagger.Provides;
import dev.failover.api.AddressFamily;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.RouteBackend;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.core.ProviderScenarios;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.http.EventTimeline;
import dev.failover.launcher.metrics.FailoverMetrics;
import dev.failover.launcher.metrics.TickObserver;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeRouteBackend;
import dev.failover.testkit.FakeScheduler;
import dev.failover.testkit.FakeTestScenario;
import jakarta.inject.Singleton;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The daemon's graph with the production config and core modules, and fakes in place of the Linux
 * backend, the probes, the link watch, the table preparation and time: a {@link
 * FakeRouteBackend}, one {@link FakeTestScenario}, a {@link FakeLinkWatch}, a {@link
 * FakeRoutePreparation}, and a {@link FakeScheduler} whose ticks run only when the test advances
 * it. Hooks, metrics and the HTTP listener are the production ones (a test config points {@code
 * hooks_dir} at a scratch folder and sets {@code http_listen} to an ephemeral port or "").
 */
@Singleton
@Component(
    modules = {
      ConfigModule.class,
      CoreModule.class,
      ObservabilityModule.class,
      StatusPageIpv6Module.class,
      TrackFileModule.class,
      TestFailoverComponent.FakeLinuxModule.class,
      TestFailoverComponent.FakeTimeModule.class
    })
interface TestFailoverComponent {

  FailoverDaemon daemon();

  FakeRouteBackend backend();

  ClosingBackend closingBackend();

  FakeScheduler scheduler();

  FakeLinkWatch links();

  FakeRoutePreparation preparation();

  FailoverMetrics metrics();

  EventTimeline timeline();

  @Component.Factory
  interface Factory {
    TestFailoverComponent create(
        @BindsInstance FailoverConfig config, @BindsInstance List<FakeTestScenario> scenarios);
  }

  static TestFailoverComponent create(FailoverConfig config, FakeTestScenario scenario) {
    return create(config, List.of(scenario));
  }

  /** With several scenarios, such as one per address family for a dual-stack config. */
  static TestFailoverComponent create(FailoverConfig config, List<FakeTestScenario> scenarios) {
    return DaggerTestFailoverComponent.factory().create(config, scenarios);
  }

  /** The fake backend, the scripted scenario, the fake link watch and the fake preparation. */
  @Module
  interface FakeLinuxModule {
    @Binds
    RouteBackend routeBackend(ClosingBackend backend);

    @Binds
    LinkWatch linkWatch(FakeLinkWatch watch);

    @Binds
    RoutePreparation routePreparation(FakeRoutePreparation preparation);

    @Provides
    @Singleton
    static FakeRoutePreparation fakeRoutePreparation() {
      return new FakeRoutePreparation();
    }

    @Provides
    @Singleton
    static FakeLinkWatch fakeLinkWatch() {
      return new FakeLinkWatch();
    }

    @Provides
    @Singleton
    static FakeRouteBackend fakeBackend() {
      return new FakeRouteBackend();
    }

    @Provides
    @Singleton
    static ClosingBackend closingBackend(FakeRouteBackend backend) {
      return new ClosingBackend(backend);
    }

    @Provides
    static ProviderScenarios scenarios(List<FakeTestScenario> scenarios) {
      return ProviderScenarios.shared(List.copyOf(scenarios));
    }
  }

  /** Fake time: probes run at once on the ticking thread, ticks when the test advances. */
  @Module
  final class FakeTimeModule {
    private FakeTimeModule() {}

    @Provides
    @Singleton
    static FakeClock fakeClock() {
      return new FakeClock();
    }

    @Provides
    static InstantSource clock(FakeClock clock) {
      return clock;
    }

    @Provides
    static Ticker ticker(FakeClock clock) {
      return new Ticker() {
        @Override
        public long read() {
          return clock.nanoTime();
        }
      };
    }

    @Provides
    @Singleton
    static FakeScheduler scheduler(FakeClock clock) {
      return new FakeScheduler(clock);
    }

    @Provides
    @Singleton
    static DaemonExecutors executors(FakeScheduler scheduler) {
      return new DaemonExecutors(scheduler, MoreExecutors.newDirectExecutorService());
    }

    /** As {@link TimeModule}'s: timed for the tick observers (in fake time, every tick is 0 s). */
    @Provides
    static ScheduledExecutorService tickExecutor(
        DaemonExecutors executors, Set<TickObserver> observers, Ticker ticker) {
      return TimeModule.tickExecutor(executors, observers, ticker);
    }

    /** The IPv6 engine ticks on the same fake scheduler: every test drives one. */
    @Provides
    @Ipv6Service
    static ScheduledExecutorService ipv6TickExecutor(
        DaemonExecutors executors, Set<TickObserver> observers, Ticker ticker) {
      return TimeModule.ipv6TickExecutor(executors, observers, ticker);
    }

    @Provides
    static ExecutorService probeExecutor(DaemonExecutors executors) {
      return executors.probes();
    }
  }

  /**
   * The fake backend, closeable as the netlink backend is, counting its closes; it serves both
   * families, as the fake does, unless told to serve IPv4 only, as this version's netlink backend
   * does.
   */
  final class ClosingBackend implements RouteBackend, AutoCloseable {
    private final FakeRouteBackend delegate;
    private final AtomicInteger closes = new AtomicInteger();
    private volatile boolean ipv4Only;

    ClosingBackend(FakeRouteBackend delegate) {
      this.delegate = delegate;
    }

    @Override
    public ApplyOutcome apply(RoutingState desired)
        throws RouteBackendException {
      return delegate.apply(desired);
    }

    @Override
    public Optional<RoutingState> current() {
      return delegate.current();
    }

    @Override
    public Optional<RoutingState> current(AddressFamily family) {
      return delegate.current(family);
    }

    @Override
    public boolean supports(AddressFamily family) {
      return family == AddressFamily.IPV4 || !ipv4Only;
    }

    /** From now on, serves IPv4 only; call it before the component builds its daemon. */
    void serveIpv4Only() {
      ipv4Only = true;
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }

    int closes() {
      return closes.get();
    }
  }
}
