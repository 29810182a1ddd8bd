package dev.failover.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The settings of one configured test case, handed to a {@link TestScenarioFactory}, with typed
 * accessors whose errors name the key's full path (such as {@code test_cases[1].port}), the rule
 * and the value.
 *
 * <p>The accessors remember which keys were read, so that the caller can report the keys nobody
 * read as unknown ({@link #unreadKeys()}). The {@code type} key is counted as read. Not meant to be
 * shared between threads while a factory reads it.
 */
public final class ScenarioSettings {
  private final String path;
  private final Map<String, Object> values;
  private final Set<String> read = ConcurrentHashMap.newKeySet();

  /**
   * @param path the path of the table in the config file, such as {@code test_cases[1]}
   * @param values the table's keys and values (strings, numbers, booleans, lists, tables)
   */
  public ScenarioSettings(String path, Map<String, ?> values) {
    this.path = Checks.checkNotNull(path, "path");
    this.values = new LinkedHashMap<>(Checks.checkNotNull(values, "values"));
    read.add("type");
  }

  /** The path of the table in the config file, such as {@code test_cases[1]}. */
  public String path() {
    return path;
  }

  /** The full path of {@code key}, such as {@code test_cases[1].target}, for messages. */
  public String pathOf(String key) {
    return path + "." + key;
  }

  /**
   * The string at {@code key}.
   *
   * @throws IllegalArgumentException if it is missing or not a non-empty string
   */
  public String string(String key) {
    return optionalString(key)
        .orElseThrow(() -> new IllegalArgumentException(pathOf(key) + " is required"));
  }

  /**
   * The string at {@code key}, if present.
   *
   * @throws IllegalArgumentException if present but not a non-empty string
   */
  public Optional<String> optionalString(String key) {
    Object value = value(key);
    if (value == null) {
      return Optional.empty();
    }
    Checks.checkArgument(
        value instanceof String && !((String) value).isBlank(),
        "%s must be a non-empty string, was %s",
        pathOf(key),
        describe(value));
    return Optional.of((String) value);
  }

  /**
   * The whole number at {@code key}, or {@code defaultValue} when absent.
   *
   * @throws IllegalArgumentException if present but not a whole number in {@code [min, max]}
   */
  public int integer(String key, int defaultValue, int min, int max) {
    Object value = value(key);
    if (value == null) {
      return defaultValue;
    }
    boolean whole =
        (value instanceof Integer || value instanceof Long || value instanceof Short)
            && ((Number) value).longValue() >= min
            && ((Number) value).longValue() <= max;
    Checks.checkArgument(
        whole,
        "%s must be a whole number between %s and %s, was %s",
        pathOf(key),
        min,
        max,
        describe(value));
    return ((Number) value).intValue();
  }

  /**
   * A duration given in (possibly fractional) seconds at {@code key}, or {@code defaultValue} when
   * absent.
   *
   * @throws IllegalArgumentException if present but not a number of seconds greater than zero
   */
  public Duration seconds(String key, Duration defaultValue) {
    Object value = value(key);
    if (value == null) {
      return defaultValue;
    }
    Checks.checkArgument(
        value instanceof Number && ((Number) value).doubleValue() > 0
            && ((Number) value).doubleValue() <= 86_400,
        "%s must be a number of seconds > 0 and <= 86400, was %s",
        pathOf(key),
        describe(value));
    return Duration.ofNanos(Math.round(((Number) value).doubleValue() * 1e9));
  }

  /** The keys present but never read, in sorted order. */
  public Set<String> unreadKeys() {
    Set<String> unread = new TreeSet<>(values.keySet());
    unread.removeAll(read);
    return unread;
  }

  private Object value(String key) {
    read.add(key);
    return values.get(key);
  }

  private static String describe(Object value) {
    return value instanceof String ? "'" + value + "'" : value + " (" + typeName(value) + ")";
  }

  private static String typeName(Object value) {
    if (value instanceof Number) {
      return "number";
    } else if (value instanceof Boolean) {
      return "boolean";
    } else if (value instanceof java.util.List) {
      return "array";
    } else if (value instanceof Map) {
      return "table";
    }
    return value.getClass().getSimpleName();
  }
}
