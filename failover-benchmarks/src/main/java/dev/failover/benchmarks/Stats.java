package dev.failover.benchmarks;

import static com.google.common.base.Preconditions.checkArgument;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Median and maximum of samples, and their formatting; pure functions. */
final class Stats {
  private Stats() {}

  /**
   * The median of {@code samples}: the middle one, or the mean of the two middle ones.
   *
   * @throws IllegalArgumentException if {@code samples} is empty
   */
  static Duration median(List<Duration> samples) {
    checkArgument(!samples.isEmpty(), "samples must not be empty");
    List<Duration> sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1
        ? sorted.get(n / 2)
        : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2);
  }

  /**
   * The largest of {@code samples}.
   *
   * @throws IllegalArgumentException if {@code samples} is empty
   */
  static Duration max(List<Duration> samples) {
    checkArgument(!samples.isEmpty(), "samples must not be empty");
    return Collections.max(samples);
  }

  /** {@code d} in seconds with 3 decimals, such as {@code 0.412 s}. */
  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.3f s", d.toNanos() / 1e9);
  }

  /** {@code d} in milliseconds with 1 decimal and no unit, such as {@code 4.2}. */
  static String millis(Duration d) {
    return String.format(Locale.ROOT, "%.1f", d.toNanos() / 1e6);
  }

  /** Every sample in seconds, in the order taken: {@code 0.41, 0.52, ...}. */
  static String list(List<Duration> samples) {
    return samples.stream()
        .map(d -> String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9))
        .collect(Collectors.joining(", "));
  }
}
