package dev.failover.launcher.config;

import java.math.BigDecimal;
import java.time.Duration;

/** Conversions between durations and the (possibly fractional) seconds of the config file. */
public final class Durations {
  /**
   * The shortest duration the config file may give (a timeout, an interval, a dwell that is not
   * 0). Below it a setting means nothing: a timeout measures the scheduler's jitter on a busy
   * router (milliseconds), not the uplink, and an interval turns the daemon into a busy loop
   * that starves the router it should keep online; 1 ns was accepted before.
   */
  public static final Duration MIN_CONFIGURED = Duration.ofMillis(10);

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
