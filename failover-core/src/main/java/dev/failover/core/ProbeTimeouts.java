package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.time.Duration;

/**
 * How long a probe may take before it counts as lost: fixed at {@code probe_timeout}, or following
 * each target's round-trip time through each provider as TCP's retransmission timeout does (RFC
 * 6298, {@link RttEstimator}), between {@code probe_timeout_min} and {@code probe_timeout_max}.
 *
 * <p>With adaptive timeouts, a probe judged lost at its timeout is still listened for until {@code
 * probe_timeout_max}: a reply that comes late is a round-trip time sample (so the timeout follows a
 * link that got slower at once) and evidence of life (the next round of that target through that
 * provider counts as answered if its own probe is lost too). A silent link is still found as fast
 * as its timeout allows: the timeout is never doubled. docs/configuration.md gives the defaults and
 * why.
 *
 * @param adaptive whether timeouts follow the round-trip time; false keeps {@code probe_timeout}
 * @param min the shortest timeout ({@code probe_timeout_min}); greater than zero
 * @param max the longest timeout, and how long a late reply is listened for ({@code
 *     probe_timeout_max}); at least {@code min}, at most 60 s
 */
public record ProbeTimeouts(boolean adaptive, Duration min, Duration max) {
  /**
   * The default of {@code probe_timeout_min}: 0.1 s, many times a terrestrial uplink's round trip
   * and its jitter, so that a dead uplink is found within 1 s at the default cadence (0.5 s to the
   * first lost round at most, two more rounds at 0.2 s, then 0.1 s); a reply later than that still
   * counts as life.
   */
  public static final Duration DEFAULT_MIN = Duration.ofMillis(100);

  /**
   * The default of {@code probe_timeout_max}: 1 s, above the 300 to 800 ms a saturated DSL, cable
   * or LTE upload adds, so that such a link is followed, not judged dead.
   */
  public static final Duration DEFAULT_MAX = Duration.ofSeconds(1);

  private static final Duration LIMIT = Duration.ofSeconds(60);

  /**
   * @throws IllegalArgumentException if {@code min} is not positive, or {@code max} is below {@code
   *     min} or above 60 s; the message names the config key
   */
  public ProbeTimeouts {
    checkNotNull(min, "probe_timeout_min");
    checkNotNull(max, "probe_timeout_max");
    checkArgument(
        min.compareTo(Duration.ZERO) > 0,
        "probe_timeout_min must be > 0 s, was %s",
        DampedPolicySettings.text(min));
    checkArgument(
        max.compareTo(min) >= 0 && max.compareTo(LIMIT) <= 0,
        "probe_timeout_max must be >= probe_timeout_min (%s) and <= 60 s, was %s",
        DampedPolicySettings.text(min),
        DampedPolicySettings.text(max));
  }

  /** Fixed timeouts: every probe gets {@code probe_timeout}, as before adaptive timeouts. */
  public static ProbeTimeouts fixed() {
    return new ProbeTimeouts(false, DEFAULT_MIN, DEFAULT_MAX);
  }

  /** Adaptive timeouts between the defaults. */
  public static ProbeTimeouts adaptiveDefaults() {
    return new ProbeTimeouts(true, DEFAULT_MIN, DEFAULT_MAX);
  }
}
