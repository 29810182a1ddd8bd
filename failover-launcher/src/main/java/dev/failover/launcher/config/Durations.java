package dev.failover.launcher.config;

import java.math.BigDecimal;
import java.time.Duration;

/** Conversions between durations and the (possibly fractional) seconds of the config file. */
public final class Durations {
  private Durations() {}

  /** {@code value} as seconds with no trailing zeros and a unit, such as {@code "0.3 s"}. */
  public static String format(Duration value) {
    return seconds(value) + " s";
  }

  /** {@code value} as a plain decimal number of seconds, such as {@code "0.3"}. */
  public static String seconds(Duration value) {
    BigDecimal seconds =
        BigDecimal.valueOf(value.getSeconds()).add(BigDecimal.valueOf(value.getNano(), 9));
    return seconds.stripTrailingZeros().toPlainString();
  }

  /** The duration of {@code seconds} seconds, rounded to the nanosecond. */
  public static Duration ofSeconds(double seconds) {
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }
}
