package dev.failover.launcher.config;

import dev.failover.api.AddressFamily;
import dev.failover.api.ScenarioSettings;
import dev.failover.api.TestScenario;
import dev.failover.api.TestScenarioFactory;
import dev.failover.testkit.FakeTestScenario;

/**
 * A test case type {@code fake} for tests: reads {@code target} (required) and {@code weight}
 * (optional, 1 to 10) and makes a {@link FakeTestScenario} named {@code fake TARGET}, an IPv6 one
 * if the target has a colon, an IPv4 one otherwise.
 */
public final class FakeScenarioFactory implements TestScenarioFactory {

  @Override
  public String type() {
    return "fake";
  }

  @Override
  public TestScenario create(ScenarioSettings settings) {
    String target = settings.string("target");
    settings.integer("weight", 1, 1, 10);
    return new FakeTestScenario(
        "fake " + target, target.indexOf(':') >= 0 ? AddressFamily.IPV6 : AddressFamily.IPV4);
  }

  /** Factories holding only this one. */
  public static ScenarioFactories factories() {
    return ScenarioFactories.of(java.util.List.of(new FakeScenarioFactory()));
  }
}
