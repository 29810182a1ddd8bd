package dev.failover.launcher;

import com.google.common.base.Ticker;
import dagger.Module;
import dagger.Provides;
import dev.failover.launcher.metrics.TickObserver;
import dev.failover.launcher.metrics.TimedTickExecutor;
import jakarta.inject.Singleton;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/** The system clock, ticker and the daemon's threads; tests replace it with fakes. */
@Module
final class TimeModule {
  private TimeModule() {}

  @Provides
  static InstantSource clock() {
    return InstantSource.system();
  }

  @Provides
  static Ticker ticker() {
    return Ticker.systemTicker();
  }

  @Provides
  @Singleton
  static DaemonExecutors executors() {
    return DaemonExecutors.create();
  }

  /**
   * The tick thread, as the engine's service sees it: timed for the {@link TickObserver}s (the
   * metrics' tick histogram) when there are any.
   */
  @Provides
  static ScheduledExecutorService tickExecutor(
      DaemonExecutors executors, Set<TickObserver> observers, Ticker ticker) {
    return timed(executors.tick(), observers, ticker);
  }

  private static ScheduledExecutorService timed(
      ScheduledExecutorService executor, Set<TickObserver> observers, Ticker ticker) {
    if (observers.isEmpty()) {
      return executor;
    }
    List<TickObserver> all = List.copyOf(observers);
    return new TimedTickExecutor(
        executor, ticker, took -> all.forEach(observer -> observer.tickCompleted(took)));
  }

  /** The IPv6 engine's tick thread ({@link DaemonExecutors#ipv6Tick}), timed as the IPv4 one. */
  @Provides
  @Ipv6Service
  static ScheduledExecutorService ipv6TickExecutor(
      DaemonExecutors executors, Set<TickObserver> observers, Ticker ticker) {
    return timed(executors.ipv6Tick(), observers, ticker);
  }

  @Provides
  static ExecutorService probeExecutor(DaemonExecutors executors) {
    return executors.probes();
  }
}
