package dev.failover.launcher;

import dagger.Module;
import dagger.Provides;
import dev.failover.api.TestScenario;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.ScenarioFactories;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The configured test cases, built by the {@code TestScenarioFactory} of each one's type, found
 * through {@code ServiceLoader} on the class path and in the jars of {@code plugins_dir}, which
 * are loaded only if the folder and every jar are root's and writable by nobody else ({@code
 * PluginJars}).
 *
 * <p>The set keeps the configured order (the order of each round's results), so it is provided
 * whole rather than contributed element by element: Dagger's multibound sets do not keep order.
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

  @Provides
  @Singleton
  static Set<TestScenario> scenarios(ScenarioFactories factories, FailoverConfig config) {
    return Collections.unmodifiableSet(
        new LinkedHashSet<>(factories.createAll(config.testCases())));
  }
}
