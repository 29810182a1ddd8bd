package dev.failover.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Judges every provider from its recent check history.
 *
 * <p>A policy is a pure function: the same arguments always give the same result. It reads no
 * clock (time comes in as {@code now}), does no I/O, draws no random numbers and keeps no mutable
 * state; whatever it must remember between two decisions it returns in the {@link ProviderStatus}es
 * and gets back as {@code previous} next time. This is what lets failover-testkit check any policy
 * against generated traces.
 */
public interface ReliabilityPolicy {

  /** A short name for logs and config, such as {@code original}. */
  String name();

  /**
   * Returns the new status of every provider in {@code histories}.
   *
   * @param histories every configured provider's history, in priority order (most preferred first)
   * @param previous what this policy returned last time, by provider id; a provider missing from it
   *     is new and starts from {@link ProviderStatus#initial}
   * @param now the current time on the engine's monotonic timeline: it never steps back or jumps
   *     when the wall clock is stepped, so differences between two calls' {@code now}, and between
   *     {@code now} and a returned {@code since}, are elapsed time; measure durations (dwell,
   *     damping) only on it. It equals the wall clock when the engine starts and drifts from it
   *     only by the steps of the wall clock since; the engine shows {@code since} on the wall
   *     clock
   * @return a status for each provider of {@code histories}, by provider id; a provider whose state
   *     is unchanged should keep its {@code since}
   */
  Map<String, ProviderStatus> assess(
      List<ProviderHistory> histories, Map<String, ProviderStatus> previous, Instant now);
}
