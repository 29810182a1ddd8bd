package dev.failover.api;

/**
 * Creates {@link TestScenario}s of one {@code type} from a config table, so that a jar that
 * provides a factory through {@link java.util.ServiceLoader} (a {@code
 * META-INF/services/dev.failover.api.TestScenarioFactory} entry) adds a test case type without
 * rebuilding failover.
 *
 * <p>A config entry such as {@code [[test_cases]] type = "ping" target = "192.0.2.1"} reaches the
 * factory whose {@link #type()} is {@code "ping"}, with the remaining keys in {@link
 * ScenarioSettings}.
 */
public interface TestScenarioFactory {

  /** The value of the {@code type} key this factory handles, such as {@code "ping"}. */
  String type();

  /**
   * Builds a scenario from its settings. Every key the scenario understands must be read through
   * {@code settings}; keys left unread are reported to the operator as unknown.
   *
   * @throws IllegalArgumentException if a setting is missing or invalid; {@link ScenarioSettings}'s
   *     accessors throw it with the key's full path already in the message
   */
  TestScenario create(ScenarioSettings settings);
}
