package dev.failover.launcher;

import dagger.Module;
import dagger.Provides;
import dev.failover.api.Providers;
import dev.failover.launcher.config.FailoverConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Plain values of the {@link FailoverConfig}, each under its qualifier. */
@Module
final class ConfigModule {
  private ConfigModule() {}

  @Provides
  @CheckInterval
  static Duration checkInterval(FailoverConfig config) {
    return config.checkInterval();
  }

  @Provides
  @FastCheckInterval
  static Duration fastCheckInterval(FailoverConfig config) {
    return config.fastCheckInterval();
  }

  @Provides
  @ProbeTimeout
  static Duration probeTimeout(FailoverConfig config) {
    return config.probeTimeout();
  }

  @Provides
  @ReassertInterval
  static Duration reassertInterval(FailoverConfig config) {
    return config.reassertInterval();
  }

  @Provides
  @StartMetric
  static int startMetric(FailoverConfig config) {
    return config.startMetric();
  }

  @Provides
  @HistorySize
  static int historySize(FailoverConfig config) {
    return config.maxStoredTestResultCount();
  }

  @Provides
  @StickyFile
  static Path stickyFile(FailoverConfig config) {
    // The loader resolved a relative name against the config's folder; an embedding program's
    // relative name is taken against the working folder, as the original did.
    return config.stickyProviderFilename().toAbsolutePath();
  }

  @Provides
  @StatusFilePath
  static Path statusFile(FailoverConfig config) {
    return config.statusFile();
  }

  @Provides
  @PluginsDir
  static Path pluginsDir(FailoverConfig config) {
    return config.pluginsDir();
  }

  /** The uplinks, most preferred first. */
  @Provides
  static Providers providers(FailoverConfig config) {
    return config.providers();
  }
}
