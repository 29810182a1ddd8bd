package dev.failover.launcher.demo;

import static com.google.common.base.Preconditions.checkNotNull;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations rounded for people: two decimals under a second ({@code 0.86 s}), one under ten
 * seconds ({@code 4.2 s}), whole seconds above ({@code 54 s}). A measurement on a shared machine
 * is not better than a few milliseconds, and nobody reads {@code 30.040781798 s}. Stateless.
 */
final class ForPeople {
  /** Seconds with three or more decimals, as the policy's reasons print elapsed time. */
  private static final Pattern LONG_SECONDS = Pattern.compile("\\b(\\d+\\.\\d{3,}) s\\b");

  private ForPeople() {}

  /** {@code duration}, rounded for people. */
  static String duration(Duration duration) {
    checkNotNull(duration, "duration");
    return seconds(duration.toNanos() / 1e9);
  }

  /** {@code seconds}, rounded for people, with the unit. */
  static String seconds(double seconds) {
    // The bounds are where rounding would carry into the next range (0.996 s is "1.0 s").
    double abs = Math.abs(seconds);
    if (abs < 0.995) {
      return String.format(Locale.ROOT, "%.2f s", seconds);
    }
    if (abs < 9.95) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    return String.format(Locale.ROOT, "%d s", Math.round(seconds));
  }

  /** {@code text} with every number of seconds that has three or more decimals rounded. */
  static String roundSeconds(String text) {
    checkNotNull(text, "text");
    Matcher m = LONG_SECONDS.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(seconds(Double.parseDouble(m.group(1)))));
    }
    m.appendTail(out);
    return out.toString();
  }
}
