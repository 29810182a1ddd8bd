package dev.failover.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A clock that stands still until a test advances it.
 *
 * <p>It serves both kinds of time the code under test reads: wall time through {@link #instant()}
 * (it is an {@link InstantSource}) and monotonic time through {@link #nanoTime()}, which counts the
 * nanoseconds advanced since construction, starting at 0. Core tests adapt the latter to Guava's
 * {@code Ticker}: {@code new Ticker() { public long read() { return clock.nanoTime(); } }}.
 *
 * <p>Time only moves forward, in whole nanoseconds, and only through {@link #advance} and {@link
 * #advanceTo}. Thread-safe: concurrent readers and advancers see a consistent, monotonic time.
 */
public final class FakeClock implements InstantSource {
  /** Where a clock built without an explicit start begins: 2026-01-01T00:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

  private final Instant start;
  private final AtomicLong elapsedNanos = new AtomicLong();

  /** A clock at {@link #DEFAULT_START}. */
  public FakeClock() {
    this(DEFAULT_START);
  }

  /**
   * A clock at {@code start}.
   *
   * @throws NullPointerException if {@code start} is null
   */
  public FakeClock(Instant start) {
    this.start = Objects.requireNonNull(start, "start");
  }

  /**
   * Moves the clock forward by {@code step}; a zero step is allowed and does nothing.
   *
   * @return this clock, for chaining
   * @throws IllegalArgumentException if {@code step} is negative, or the total time advanced would
   *     exceed {@link Long#MAX_VALUE} nanoseconds (about 292 years)
   */
  public FakeClock advance(Duration step) {
    Objects.requireNonNull(step, "step");
    if (step.isNegative()) {
      throw new IllegalArgumentException("step must be >= 0 (time never goes back), was " + step);
    }
    long nanos = toNanos(step, "step");
    elapsedNanos.accumulateAndGet(
        nanos,
        (current, delta) -> {
          long sum = current + delta;
          if (sum < current) {
            throw new IllegalArgumentException(
                "step must keep the total time advanced below 2^63 ns, was " + step);
          }
          return sum;
        });
    return this;
  }

  /**
   * Moves the clock forward to {@code target}; staying at the current instant is allowed.
   *
   * @return this clock, for chaining
   * @throws IllegalArgumentException if {@code target} is before the current instant
   */
  public FakeClock advanceTo(Instant target) {
    Objects.requireNonNull(target, "target");
    Instant now = instant();
    if (target.isBefore(now)) {
      throw new IllegalArgumentException(
          "target must not be before the current instant " + now + " (time never goes back), was "
              + target);
    }
    return advance(Duration.between(now, target));
  }

  /** The current instant: the start plus every advance so far. */
  @Override
  public Instant instant() {
    return start.plusNanos(elapsedNanos.get());
  }

  /**
   * Monotonic nanoseconds, as {@link System#nanoTime()} or Guava's {@code Ticker.read()} give them:
   * the nanoseconds advanced since construction, 0 at first.
   */
  public long nanoTime() {
    return elapsedNanos.get();
  }

  /** The time advanced since construction. */
  public Duration elapsed() {
    return Duration.ofNanos(elapsedNanos.get());
  }

  /** The instant the clock started at. */
  public Instant start() {
    return start;
  }

  @Override
  public String toString() {
    return "FakeClock[" + instant() + "]";
  }

  static long toNanos(Duration duration, String name) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          name + " must be at most 2^63-1 ns (about 292 years), was " + duration, e);
    }
  }
}
