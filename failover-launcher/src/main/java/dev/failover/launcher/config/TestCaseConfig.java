package dev.failover.launcher.config;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One configured health check: the {@code type} that selects a {@link
 * dev.failover.api.TestScenarioFactory} and the remaining keys of its {@code [[test_cases]]} table.
 *
 * <p>The settings are checked by the factory, not here, because only the factory knows them; {@link
 * ConfigLoader} does that before the daemon starts.
 *
 * @param type the factory's type name, such as {@code ping}
 * @param settings the other keys of the table: strings, numbers, booleans, lists and tables; never
 *     {@code type}
 */
public record TestCaseConfig(String type, Map<String, Object> settings) {

  /**
   * @throws IllegalArgumentException if {@code type} is blank or {@code settings} holds a {@code
   *     type} key
   */
  public TestCaseConfig {
    checkNotNull(type, "type");
    checkArgument(!type.isBlank(), "type must not be blank");
    settings = Map.copyOf(checkNotNull(settings, "settings"));
    checkArgument(!settings.containsKey("type"), "settings must not hold the key 'type'");
  }

  /** A ping of {@code target} through each provider, as the original's {@code TestScenarioPing}. */
  public static TestCaseConfig ping(String target) {
    return new TestCaseConfig("ping", Map.of("target", target));
  }

  /** The table as written in the config file, {@code type} included, in a stable order. */
  public Map<String, Object> table() {
    Map<String, Object> table = new LinkedHashMap<>();
    table.put("type", type);
    settings.keySet().stream().sorted().forEach(key -> table.put(key, settings.get(key)));
    return table;
  }
}
