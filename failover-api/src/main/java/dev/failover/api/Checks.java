package dev.failover.api;

import org.jspecify.annotations.Nullable;

/**
 * Argument checks in the shape of Guava's {@code Preconditions}, which this module may not depend
 * on (implementers of the SPIs need nothing beyond the JDK).
 */
final class Checks {
  private Checks() {}

  /**
   * Throws {@link IllegalArgumentException} with the formatted message unless {@code condition}.
   * The template uses {@code %s} placeholders, as {@link String#format} does.
   */
  static void checkArgument(boolean condition, String template, @Nullable Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, template, args));
    }
  }

  /** Returns {@code value}, or throws {@link NullPointerException} naming {@code name}. */
  static <T> T checkNotNull(@Nullable T value, String name) {
    if (value == null) {
      throw new NullPointerException(name + " must not be null");
    }
    return value;
  }
}
