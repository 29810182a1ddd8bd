package dev.failover.launcher.config;

import dev.failover.api.ScenarioSettings;
import dev.failover.api.TestScenario;
import dev.failover.api.TestScenarioFactory;
import dev.failover.testkit.FakeTestScenario;

/**
 * A test case type {@code plugin}, registered in no {@code META-INF/services} file of the class
 * path: only a plugin jar that names it makes it known.
 */
public final class PluginOnlyFactory implements TestScenarioFactory {

  @Override
  public String type() {
    return "plugin";
  }

  @Override
  public TestScenario create(ScenarioSettings settings) {
    return new FakeTestScenario("plugin " + settings.string("target"));
  }
}
