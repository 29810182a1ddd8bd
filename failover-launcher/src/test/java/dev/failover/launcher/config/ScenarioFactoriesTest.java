package dev.failover.launcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.TestScenario;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Test case types found through ServiceLoader, on the class path and in plugins_dir. */
class ScenarioFactoriesTest {
  @TempDir Path plugins;

  /** A plugin jar holding only a service entry that names {@code factoryClass}. */
  private Path pluginJar(String name, String factoryClass) throws IOException {
    Path jar = plugins.resolve(name);
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      out.putNextEntry(new JarEntry("META-INF/services/dev.failover.api.TestScenarioFactory"));
      out.write((factoryClass + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar;
  }

  @Test
  void load_noPluginsFolder_findsTheClassPathTypes() throws Exception {
    try (ScenarioFactories factories = ScenarioFactories.load(plugins.resolve("absent"))) {
      // ping and tcp of failover-linux, fake of the test resources.
      assertThat(factories.types()).contains("ping", "tcp", "fake").doesNotContain("plugin");
    }
  }

  @Test
  void load_jarInPluginsFolder_addsItsType() throws Exception {
    pluginJar("my-plugin.jar", PluginOnlyFactory.class.getName());

    try (ScenarioFactories factories = ScenarioFactories.load(plugins)) {
      TestScenario scenario =
          factories.create(0, new TestCaseConfig("plugin", Map.of("target", "192.0.2.7")));

      assertThat(factories.types()).contains("plugin", "ping");
      assertThat(scenario.name()).isEqualTo("plugin 192.0.2.7");
    }
  }

  @Test
  void load_filesThatAreNotJars_areIgnored() throws Exception {
    Files.writeString(plugins.resolve("README.txt"), PluginOnlyFactory.class.getName());

    try (ScenarioFactories factories = ScenarioFactories.load(plugins)) {
      assertThat(factories.types()).doesNotContain("plugin");
    }
  }

  @Test
  void load_pluginRepeatsAClassPathType_namesBothProviders() throws Exception {
    pluginJar("twice.jar", SecondFakeFactory.class.getName());

    assertThatThrownBy(() -> ScenarioFactories.load(plugins))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test case type 'fake' is provided twice")
        .hasMessageContaining(FakeScenarioFactory.class.getName())
        .hasMessageContaining(SecondFakeFactory.class.getName())
        .hasMessageContaining("plugins_dir");
  }

  @Test
  void load_pluginNamesAMissingClass_isReportedAgainstPluginsDir() throws Exception {
    pluginJar("broken.jar", "com.example.Missing");

    assertThatThrownBy(() -> ScenarioFactories.load(plugins))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "a test case plugin could not be loaded (check the jars in plugins_dir)")
        .hasMessageContaining("com.example.Missing");
  }

  @Test
  void createAll_keepsTheConfiguredOrder() throws Exception {
    ScenarioFactories factories = FakeScenarioFactory.factories();

    List<TestScenario> scenarios =
        factories.createAll(
            List.of(
                new TestCaseConfig("fake", Map.of("target", "b")),
                new TestCaseConfig("fake", Map.of("target", "a"))));

    assertThat(scenarios).extracting(TestScenario::name).containsExactly("fake b", "fake a");
  }

  /** Another factory of type {@code fake}, registered nowhere on the class path. */
  public static final class SecondFakeFactory implements dev.failover.api.TestScenarioFactory {
    @Override
    public String type() {
      return "fake";
    }

    @Override
    public TestScenario create(dev.failover.api.ScenarioSettings settings) {
      return new dev.failover.testkit.FakeTestScenario("second");
    }
  }
}
