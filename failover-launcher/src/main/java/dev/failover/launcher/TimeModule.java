package dev.failover.launcher;

import com.google.common.base.Ticker;
import dagger.Module;
import dagger.Provides;
import jakarta.inject.Singleton;
import java.time.InstantSource;
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

  @Provides
  static ScheduledExecutorService tickExecutor(DaemonExecutors executors) {
    return executors.tick();
  }

  @Provides
  static ExecutorService probeExecutor(DaemonExecutors executors) {
    return executors.probes();
  }
}
