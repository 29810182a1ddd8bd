package dev.failover.launcher;

import dagger.Module;
import dagger.Provides;
import dev.failover.core.ProviderScenarios;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.ScenarioFactories;
import jakarta.inject.Singleton;
import java.nio.file.Path;

/**
 * The configured test cases, global and each provider's own, built by the {@code
 * TestScenarioFactory} of each one's type, found through {@code ServiceLoader} on the class path
 * and in the jars of {@code plugins_dir}, which are loaded only if the folder and every jar are
 * root's and writable by nobody else ({@code PluginJars}).
 *
 * <p>{@link ProviderScenarios} keeps the configured order (the order of each round's results), so
 * it is provided whole rather than contributed element by element: Dagger's multibound sets do not
 * keep order.
 */
@Module
final class ScenariosModule {
  private ScenariosModule() {}

  /** The factories; the plugin class loader stays open for the life of the component. */
  @Provides
  @Singleton
  static ScenarioFactories factories(@PluginsDir Path pluginsDir) {
    return ScenarioFactories.load(pluginsDir);
  }

  /** The global test cases and each provider's own, built by the same factories. */
  @Provides
  @Singleton
  static ProviderScenarios scenarios(ScenarioFactories factories, FailoverConfig config) {
    return factories.createScenarios(config);
  }
}
