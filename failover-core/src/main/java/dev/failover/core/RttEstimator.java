package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.time.Duration;

/**
 * The round-trip time estimate of one target through one provider, as TCP keeps it (RFC 6298):
 * a smoothed round-trip time {@code SRTT} and its variation {@code RTTVAR}, from which the
 * retransmission timeout {@code RTO = SRTT + max(G, 4 RTTVAR)} follows, here used as the time after
 * which a probe is judged lost.
 *
 * <p>The first sample {@code R} sets {@code SRTT = R} and {@code RTTVAR = R / 2}; each later one
 * sets {@code RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|}, then {@code SRTT = 7/8 SRTT + 1/8 R}. Unlike
 * TCP, a timeout does not double the RTO: a probe is never retransmitted, and a doubled timeout
 * would slow down finding a dead uplink. Every probe carries its own sequence number and payload,
 * so a reply, even a late one, is never ambiguous (Karn's problem does not arise).
 *
 * <p>Immutable; {@link #update} returns a new estimate. Nanosecond arithmetic.
 *
 * @param samples how many round-trip times were measured; 0 for no estimate yet
 * @param srttNanos the smoothed round-trip time, in nanoseconds; 0 with no samples
 * @param rttvarNanos the round-trip time variation, in nanoseconds; 0 with no samples
 */
record RttEstimator(long samples, long srttNanos, long rttvarNanos) {
  /** The clock granularity {@code G} of RFC 6298: the ticker counts nanoseconds, probes ms. */
  static final Duration GRANULARITY = Duration.ofMillis(1);

  /** No estimate yet. */
  static final RttEstimator NONE = new RttEstimator(0, 0, 0);

  RttEstimator {
    checkArgument(samples >= 0, "samples must be >= 0, was %s", samples);
    checkArgument(srttNanos >= 0, "srttNanos must be >= 0, was %s", srttNanos);
    checkArgument(rttvarNanos >= 0, "rttvarNanos must be >= 0, was %s", rttvarNanos);
  }

  /** The estimate after the round-trip time {@code rtt} was measured. */
  RttEstimator update(Duration rtt) {
    checkNotNull(rtt, "rtt");
    long r = Math.max(0, rtt.toNanos());
    if (samples == 0) {
      return new RttEstimator(1, r, r / 2);
    }
    long rttvar = (3 * rttvarNanos + Math.abs(srttNanos - r)) / 4;
    long srtt = (7 * srttNanos + r) / 8;
    return new RttEstimator(samples + 1, srtt, rttvar);
  }

  /**
   * The time after which a probe counts as lost: {@code SRTT + max(G, 4 RTTVAR)} within {@code
   * [floor, ceiling]}, or {@code initial} (within the same bounds) before the first sample.
   */
  Duration timeout(Duration initial, Duration floor, Duration ceiling) {
    long rto =
        samples == 0
            ? initial.toNanos()
            : srttNanos + Math.max(GRANULARITY.toNanos(), 4 * rttvarNanos);
    return Duration.ofNanos(Math.max(floor.toNanos(), Math.min(ceiling.toNanos(), rto)));
  }

  /** The smoothed round-trip time, for logs and tests. */
  Duration srtt() {
    return Duration.ofNanos(srttNanos);
  }
}
