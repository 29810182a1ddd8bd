package dev.failover.launcher.config;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableSortedMap;
import dev.failover.api.ScenarioSettings;
import dev.failover.api.TestScenario;
import dev.failover.api.TestScenarioFactory;
import dev.failover.core.ProviderScenarios;
import java.io.Closeable;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The test case types available to a config: every {@link TestScenarioFactory} registered through
 * {@link ServiceLoader} on the class path, plus those in the jars of the plugins folder.
 *
 * <p>A jar dropped into the plugins folder needs a {@code
 * META-INF/services/dev.failover.api.TestScenarioFactory} entry; it is loaded by a {@link
 * URLClassLoader} whose parent is this class's loader, so it sees failover-api. The folder and
 * the jars are checked first ({@link PluginJars}: root's, and writable by nobody else), since their
 * code runs as root. The plugin class
 * loader stays open until {@link #close()}, because the scenarios it created keep using it.
 * Thread-safe once built.
 */
public final class ScenarioFactories implements Closeable {
  private static final Logger logger = LoggerFactory.getLogger(ScenarioFactories.class);

  /** The owner of a trusted plugins folder and of its jars. */
  static final int ROOT_UID = 0;

  private final ImmutableSortedMap<String, TestScenarioFactory> byType;
  private final @Nullable URLClassLoader pluginLoader;

  private ScenarioFactories(
      Map<String, TestScenarioFactory> byType, @Nullable URLClassLoader pluginLoader) {
    this.byType = ImmutableSortedMap.copyOf(byType);
    this.pluginLoader = pluginLoader;
  }

  /**
   * The factories on the class path and in the {@code *.jar} files of {@code pluginsDir} (a missing
   * folder holds none), which must be root's and writable by nobody else ({@link PluginJars}).
   *
   * @throws IllegalArgumentException if two factories claim the same type, a factory cannot be
   *     instantiated, or the plugins folder cannot be read or is refused; the message names {@code
   *     plugins_dir}
   */
  public static ScenarioFactories load(Path pluginsDir) {
    return load(pluginsDir, ROOT_UID);
  }

  /**
   * As {@link #load(Path)}, with the folder and the jars owned by {@code trustedUid} instead of
   * root: for tests, which run as root and so cannot make a file that root does not own.
   *
   * @throws IllegalArgumentException as {@link #load(Path)}
   */
  static ScenarioFactories load(Path pluginsDir, int trustedUid) {
    checkNotNull(pluginsDir, "pluginsDir");
    // Every check of the files comes first: no plugin code runs, not even a static
    // initialiser, unless the folder and every jar in it are root's alone.
    List<URL> jars = pluginJars(pluginsDir, trustedUid);
    ClassLoader parent = ScenarioFactories.class.getClassLoader();
    URLClassLoader pluginLoader =
        jars.isEmpty() ? null : new URLClassLoader(jars.toArray(URL[]::new), parent);
    try {
      ClassLoader loader = pluginLoader == null ? parent : pluginLoader;
      ScenarioFactories factories =
          of(ServiceLoader.load(TestScenarioFactory.class, loader), pluginLoader);
      if (!jars.isEmpty()) {
        logger.info("Loaded plugin jars from {}: {}", pluginsDir, jars);
      }
      return factories;
    } catch (RuntimeException e) {
      closeQuietly(pluginLoader, e);
      throw e;
    }
  }

  /**
   * The given factories only, for tests and for programs that embed the daemon.
   *
   * @throws IllegalArgumentException if two factories claim the same type
   */
  public static ScenarioFactories of(List<TestScenarioFactory> factories) {
    return of(factories, null);
  }

  private static ScenarioFactories of(
      Iterable<TestScenarioFactory> factories, @Nullable URLClassLoader pluginLoader) {
    Map<String, TestScenarioFactory> byType = new HashMap<>();
    try {
      for (TestScenarioFactory factory : factories) {
        TestScenarioFactory other = byType.putIfAbsent(factory.type(), factory);
        if (other != null) {
          throw new IllegalArgumentException(
              String.format(
                  "test case type '%s' is provided twice, by %s and by %s; remove one of them from"
                      + " plugins_dir",
                  factory.type(), describe(other), describe(factory)));
        }
      }
    } catch (ServiceConfigurationError e) {
      throw new IllegalArgumentException(
          "a test case plugin could not be loaded (check the jars in plugins_dir): "
              + e.getMessage(),
          e);
    }
    return new ScenarioFactories(byType, pluginLoader);
  }

  private static String describe(TestScenarioFactory factory) {
    Optional<String> location =
        Optional.ofNullable(factory.getClass().getProtectionDomain().getCodeSource())
            .map(source -> source.getLocation().toString());
    return factory.getClass().getName() + location.map(l -> " (" + l + ")").orElse("");
  }

  private static List<URL> pluginJars(Path pluginsDir, int trustedUid) {
    List<URL> jars = new ArrayList<>();
    for (Path jar : PluginJars.trusted(pluginsDir, trustedUid)) {
      try {
        jars.add(jar.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException(
            "plugins_dir: " + Messages.escape(jar.toString()) + " cannot be a class path entry", e);
      }
    }
    return jars;
  }

  /** The known type names, sorted. */
  public Set<String> types() {
    return byType.keySet();
  }

  /** The factory of {@code type}, if known. */
  public Optional<TestScenarioFactory> find(String type) {
    return Optional.ofNullable(byType.get(type));
  }

  /**
   * Builds the scenario of the test case at {@code index} of {@code test_cases}.
   *
   * @throws IllegalArgumentException if the type is unknown (the message lists the known ones), a
   *     setting is invalid, or a key was not read by the factory (unknown); every message names the
   *     key's path such as {@code test_cases[0].target}
   */
  public TestScenario create(int index, TestCaseConfig testCase) {
    return create("test_cases[" + index + "]", testCase);
  }

  /**
   * Builds the scenario of {@code testCase}, whose table is at {@code path} in the config file
   * (such as {@code providers[1].test_cases[0]}), as {@link #create(int, TestCaseConfig)} does.
   *
   * @throws IllegalArgumentException as {@link #create(int, TestCaseConfig)}, naming {@code path}
   */
  public TestScenario create(String path, TestCaseConfig testCase) {
    TestScenarioFactory factory =
        find(testCase.type())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        String.format(
                            "%s.type must be a known test case type, one of %s (more can be added"
                                + " as jars in plugins_dir), was '%s'",
                            path, types(), testCase.type())));
    ScenarioSettings settings = new ScenarioSettings(path, testCase.table());
    TestScenario scenario;
    try {
      scenario = factory.create(settings);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (RuntimeException | LinkageError e) {
      // A factory that breaks its contract is still reported against the test case.
      throw new IllegalArgumentException(
          String.format("%s (type '%s') could not be built: %s", path, testCase.type(), e), e);
    }
    Set<String> unread = settings.unreadKeys();
    if (!unread.isEmpty()) {
      String key = unread.iterator().next();
      throw new IllegalArgumentException(
          // The value is not echoed: an unknown key's value may be anything, of any length.
          String.format(
              "%s is not a key that test case type '%s' knows (unknown keys: %s)",
              settings.pathOf(key),
              testCase.type(),
              unread));
    }
    return scenario;
  }

  /**
   * Builds every configured scenario, in order.
   *
   * @throws IllegalArgumentException as {@link #create}, or if two test cases have the same name
   */
  public List<TestScenario> createAll(List<TestCaseConfig> testCases) {
    List<TestScenario> scenarios = new ArrayList<>();
    Map<String, Integer> names = new HashMap<>();
    for (int i = 0; i < testCases.size(); i++) {
      TestScenario scenario = create(i, testCases.get(i));
      Integer first = names.putIfAbsent(scenario.name(), i);
      if (first != null) {
        throw new IllegalArgumentException(
            String.format(
                "test_cases[%s] must differ from every other test case, but test_cases[%s] is the"
                    + " same: '%s'",
                i, first, scenario.name()));
      }
      scenarios.add(scenario);
    }
    return List.copyOf(scenarios);
  }

  /**
   * Builds every scenario of {@code config}: the global test cases and each provider's own.
   *
   * @throws IllegalArgumentException as {@link #create}, or if two test cases run through the same
   *     provider have the same name
   */
  public ProviderScenarios createScenarios(FailoverConfig config) {
    ProviderScenarios scenarios =
        ProviderScenarios.shared(
            config.globalTestCasesRun() ? createAll(config.testCases()) : List.of());
    List<String> ids = config.providerIds();
    for (Map.Entry<String, ProviderTestCases> entry : config.providerTestCases().entrySet()) {
      String provider = "providers[" + ids.indexOf(entry.getKey()) + "]";
      List<TestCaseConfig> own = entry.getValue().testCases();
      List<TestScenario> built = new ArrayList<>(own.size());
      for (int i = 0; i < own.size(); i++) {
        built.add(create(provider + ".test_cases[" + i + "]", own.get(i)));
      }
      scenarios = scenarios.withOwn(entry.getKey(), built, entry.getValue().globalTestCases());
    }
    return scenarios;
  }

  /** Closes the plugin class loader, if any. */
  @Override
  public void close() throws IOException {
    if (pluginLoader != null) {
      pluginLoader.close();
    }
  }

  private static void closeQuietly(@Nullable URLClassLoader loader, Exception primary) {
    if (loader == null) {
      return;
    }
    try {
      loader.close();
    } catch (IOException e) {
      primary.addSuppressed(e);
    }
  }
}
