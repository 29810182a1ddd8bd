package dev.failover.launcher;

import com.google.common.base.Ticker;
import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.failover.api.AddressFamily;
import dev.failover.api.FailoverListener;
import dev.failover.api.Providers;
import dev.failover.launcher.systemd.SystemdNotify;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/** systemd's notifications ({@link SystemdNotifier}), one more listener of the engine. */
@Module
final class SystemdModule {
  private SystemdModule() {}

  @Provides
  @Singleton
  static SystemdNotifier notifier(
      SystemdNotify notify,
      DaemonExecutors executors,
      @ProbeTimeout Duration probeTimeout,
      Providers providers,
      Ticker ticker) {
    // The IPv6 engine's tick thread exists only when a provider has IPv6.
    List<ScheduledExecutorService> others =
        providers.having(AddressFamily.IPV6).isEmpty() ? List.of() : List.of(executors.ipv6Tick());
    return new SystemdNotifier(notify, executors.tick(), others, probeTimeout, ticker);
  }

  @Provides
  @IntoSet
  static FailoverListener systemdEvents(SystemdNotifier notifier) {
    return notifier;
  }
}
