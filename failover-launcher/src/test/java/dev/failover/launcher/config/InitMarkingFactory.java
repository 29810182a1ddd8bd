package dev.failover.launcher.config;

import dev.failover.api.ScenarioSettings;
import dev.failover.api.TestScenario;
import dev.failover.api.TestScenarioFactory;
import dev.failover.testkit.FakeTestScenario;

/**
 * A test case type {@code marking} whose static initialiser and constructor record that they ran:
 * plugin code that must not run when its jar is refused. Registered in no {@code
 * META-INF/services} file.
 */
public final class InitMarkingFactory implements TestScenarioFactory {
  static {
    Marks.ran = true;
  }

  /** Marks the run; ServiceLoader instantiates a provider each time it loads it. */
  public InitMarkingFactory() {
    Marks.ran = true;
  }

  /** Where the mark is kept, apart from the factory so that reading it loads no plugin code. */
  static final class Marks {
    static volatile boolean ran;

    private Marks() {}
  }

  @Override
  public String type() {
    return "marking";
  }

  @Override
  public TestScenario create(ScenarioSettings settings) {
    return new FakeTestScenario("marking");
  }
}
