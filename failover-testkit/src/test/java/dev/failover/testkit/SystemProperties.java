package dev.failover.testkit;

import java.util.HashMap;
import java.util.Map;

/** Clears system properties for a test and restores them afterwards. */
final class SystemProperties {
  private final Map<String, String> saved = new HashMap<>();

  /** Remembers and clears each of {@code names}. */
  void clear(String... names) {
    for (String name : names) {
      set(name, null);
    }
  }

  /** Remembers {@code name}'s value, then sets it, or clears it for null. */
  void set(String name, String value) {
    if (!saved.containsKey(name)) {
      saved.put(name, System.getProperty(name));
    }
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }

  /** Puts back every remembered value. */
  void restore() {
    saved.forEach(
        (name, value) -> {
          if (value == null) {
            System.clearProperty(name);
          } else {
            System.setProperty(name, value);
          }
        });
    saved.clear();
  }
}
