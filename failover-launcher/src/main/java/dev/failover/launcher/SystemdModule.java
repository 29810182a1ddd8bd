package dev.failover.launcher;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoSet;
import dev.failover.api.FailoverListener;
import dev.failover.launcher.systemd.SystemdNotify;
import jakarta.inject.Singleton;
import java.time.Duration;

/** systemd's notifications ({@link SystemdNotifier}), one more listener of the engine. */
@Module
final class SystemdModule {
  private SystemdModule() {}

  @Provides
  @Singleton
  static SystemdNotifier notifier(
      SystemdNotify notify, DaemonExecutors executors, @ProbeTimeout Duration probeTimeout) {
    return new SystemdNotifier(notify, executors.tick(), probeTimeout);
  }

  @Provides
  @IntoSet
  static FailoverListener systemdEvents(SystemdNotifier notifier) {
    return notifier;
  }
}
