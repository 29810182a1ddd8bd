package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.AddressFamily;
import java.time.Duration;

/**
 * The engine's own settings; the policy's thresholds live in the policy.
 *
 * <p>Every instance is valid: the compact constructor rejects bad values with a message that names
 * the config key, the rule and the value.
 *
 * @param checkInterval the time from the start of one tick to the start of the next ({@code
 *     check_interval}); greater than zero
 * @param probeTimeout how long a tick waits for the probes; a probe still running then is
 *     cancelled and recorded as a timeout ({@code probe_timeout}); greater than zero and at most
 *     {@code fastCheckInterval} (so also at most {@code checkInterval}), so that a tick always
 *     fits in the interval in force and the cadence never stretches
 * @param startMetric the metric of the main provider's default route; the others get {@code +1},
 *     {@code +2}, ... ({@code start_metric}); at least 0
 * @param historyCapacity the most rounds kept per provider ({@code max_stored_test_result_count});
 *     at least 1
 * @param reassertEveryTicks the engine re-applies an unchanged routing state after this many ticks
 *     without an apply, to repair drift (a route deleted by hand or by a link going down); at least
 *     1 (1 applies on every tick). The launcher derives it from {@code reassert_interval} with
 *     {@link #ticksFor}. It counts ticks, so while the fast cadence is in force the re-assertion
 *     comes sooner in wall-clock time (harmless: an unchanged state is a no-op for the backend).
 * @param fastCheckInterval the time from the start of one tick to the start of the next while any
 *     provider is in doubt, that is {@code SUSPECT}, {@code RECOVERING} or {@code
 *     INSUFFICIENT_DATA} ({@code fast_check_interval}); greater than zero and at most {@code
 *     checkInterval}; equal to {@code checkInterval} turns the fast cadence off
 * @param family the address family the engine judges and routes: it probes the providers that have
 *     it with the test cases of it, and hands the backend routing states of it; {@code IPV4} unless
 *     given (the constructors without it, {@link #defaults()}), as every engine was before IPv6.
 *     A dual-stack router runs one engine per family (docs/architecture.md, "IPv6 (dual stack)")
 */
public record EngineSettings(
    Duration checkInterval,
    Duration probeTimeout,
    int startMetric,
    int historyCapacity,
    int reassertEveryTicks,
    Duration fastCheckInterval,
    AddressFamily family) {

  /** The original's {@code CHECK_INTERVAL}. */
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);

  /** The original's {@code START_METRIC}. */
  public static final int DEFAULT_START_METRIC = 100;

  /** The original's {@code MAX_STORED_TEST_RESULT_COUNT}. */
  public static final int DEFAULT_HISTORY_CAPACITY = 50;

  /**
   * @throws IllegalArgumentException if a value breaks its rule; the message names its config key
   */
  public EngineSettings {
    checkNotNull(checkInterval, "check_interval");
    checkNotNull(probeTimeout, "probe_timeout");
    checkNotNull(fastCheckInterval, "fast_check_interval");
    checkNotNull(family, "family");
    checkArgument(
        checkInterval.compareTo(Duration.ZERO) > 0,
        "check_interval must be > 0, was %s",
        checkInterval);
    checkArgument(
        fastCheckInterval.compareTo(Duration.ZERO) > 0,
        "fast_check_interval must be > 0, was %s",
        fastCheckInterval);
    checkArgument(
        fastCheckInterval.compareTo(checkInterval) <= 0,
        "fast_check_interval must be <= check_interval (%s), was %s",
        checkInterval,
        fastCheckInterval);
    checkArgument(
        probeTimeout.compareTo(Duration.ZERO) > 0,
        "probe_timeout must be > 0, was %s",
        probeTimeout);
    checkArgument(
        probeTimeout.compareTo(checkInterval) <= 0,
        "probe_timeout must be <= check_interval (%s), was %s",
        checkInterval,
        probeTimeout);
    // One probe_timeout for both cadences: a round must end before the next fast tick is due, or
    // the fast cadence would silently degrade into back-to-back ticks.
    checkArgument(
        probeTimeout.compareTo(fastCheckInterval) <= 0,
        "probe_timeout must be <= fast_check_interval (%s), was %s",
        fastCheckInterval,
        probeTimeout);
    checkArgument(startMetric >= 0, "start_metric must be >= 0, was %s", startMetric);
    checkArgument(
        historyCapacity >= 1,
        "max_stored_test_result_count must be >= 1, was %s",
        historyCapacity);
    checkArgument(
        reassertEveryTicks >= 1,
        "reassert_every_ticks must be >= 1, was %s",
        reassertEveryTicks);
  }

  /**
   * IPv4 settings, as every engine's were before IPv6.
   *
   * @throws IllegalArgumentException as the canonical constructor
   */
  public EngineSettings(
      Duration checkInterval,
      Duration probeTimeout,
      int startMetric,
      int historyCapacity,
      int reassertEveryTicks,
      Duration fastCheckInterval) {
    this(
        checkInterval,
        probeTimeout,
        startMetric,
        historyCapacity,
        reassertEveryTicks,
        fastCheckInterval,
        AddressFamily.IPV4);
  }

  /**
   * IPv4 settings without a fast cadence: {@code fastCheckInterval} equals {@code checkInterval},
   * as in the original, which probed at one pace whatever happened.
   *
   * @throws IllegalArgumentException as the canonical constructor
   */
  public EngineSettings(
      Duration checkInterval,
      Duration probeTimeout,
      int startMetric,
      int historyCapacity,
      int reassertEveryTicks) {
    this(
        checkInterval,
        probeTimeout,
        startMetric,
        historyCapacity,
        reassertEveryTicks,
        checkNotNull(checkInterval, "check_interval"));
  }

  /**
   * These settings with {@code fastCheckInterval} replaced.
   *
   * @throws IllegalArgumentException if {@code fastCheckInterval} is not greater than zero, is
   *     greater than {@code checkInterval}, or is less than {@code probeTimeout}
   */
  public EngineSettings withFastCheckInterval(Duration fastCheckInterval) {
    return new EngineSettings(
        checkInterval,
        probeTimeout,
        startMetric,
        historyCapacity,
        reassertEveryTicks,
        fastCheckInterval,
        family);
  }

  /**
   * These settings for an engine of {@code family}: the same cadence, metrics and history, so that
   * both families of a dual-stack router are judged alike. The start metric may stay the same: the
   * kernel keeps each family's default routes apart.
   */
  public EngineSettings withFamily(AddressFamily family) {
    return new EngineSettings(
        checkInterval,
        probeTimeout,
        startMetric,
        historyCapacity,
        reassertEveryTicks,
        fastCheckInterval,
        checkNotNull(family, "family"));
  }

  /** Whether the fast cadence differs from the normal one. */
  public boolean fastCadence() {
    return fastCheckInterval.compareTo(checkInterval) < 0;
  }

  /**
   * The original's settings: a tick every 5 s, probes bounded by 4 s, metric 100, 50 rounds kept,
   * an unchanged routing state re-applied once a minute, and no fast cadence ({@code
   * fastCheckInterval} equals {@code checkInterval}).
   */
  public static EngineSettings defaults() {
    return new EngineSettings(
        DEFAULT_CHECK_INTERVAL,
        Duration.ofSeconds(4),
        DEFAULT_START_METRIC,
        DEFAULT_HISTORY_CAPACITY,
        ticksFor(Duration.ofMinutes(1), DEFAULT_CHECK_INTERVAL));
  }

  /**
   * The number of ticks that spans {@code reassertInterval}, rounded up, at least 1.
   *
   * @throws IllegalArgumentException if {@code reassertInterval} is not greater than zero (the
   *     message names {@code reassert_interval}), or {@code checkInterval} is not
   */
  public static int ticksFor(Duration reassertInterval, Duration checkInterval) {
    checkNotNull(reassertInterval, "reassert_interval");
    checkNotNull(checkInterval, "check_interval");
    checkArgument(
        reassertInterval.compareTo(Duration.ZERO) > 0,
        "reassert_interval must be > 0, was %s",
        reassertInterval);
    checkArgument(
        checkInterval.compareTo(Duration.ZERO) > 0,
        "check_interval must be > 0, was %s",
        checkInterval);
    long ticks = reassertInterval.dividedBy(checkInterval);
    if (checkInterval.multipliedBy(ticks).compareTo(reassertInterval) < 0) {
      ticks++;
    }
    return (int) Math.min(Integer.MAX_VALUE, ticks);
  }
}
