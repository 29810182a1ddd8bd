package dev.failover.launcher.http;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableMap;
import dev.failover.api.AddressFamily;
import dev.failover.api.FailoverListener;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.api.TestResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The last {@value #WINDOW_SECONDS} seconds of every provider's checks, for the status page's
 * charts: round-trip time and loss per {@value #BUCKET_SECONDS}-second bucket, per address family
 * (each family's engine probes its own path: {@link #forFamily}).
 *
 * <p>Each provider has a ring of {@value #SLOTS} buckets per family it has, in primitive arrays,
 * allocated once, so the memory is fixed whatever the cadence or the uptime: about 5 KB per ring
 * (80 KB for 16 IPv4-only providers, 160 KB for 16 dual-stack ones). A round goes into the bucket
 * of its start time (the engine's clock), adding its checks, its lost checks and the round-trip
 * times of its successful checks; a bucket is reused (reset) when its slot comes round again, 15
 * minutes later. Rounds are recorded in order; one that comes older than
 * its slot's bucket (a clock stepped back) resets the slot. Bucketing, rather than a point per
 * round, keeps the page's data the same size at any cadence: 180 points per provider, like
 * pfSense's and OPNsense's consolidated RRD graphs.
 *
 * <p>Thread-safe: the tick thread records, HTTP threads read; each provider's ring has its own
 * lock, held for a few array writes or one copy of 180 entries.
 */
public final class ProbeSamples implements FailoverListener {
  /** The window the page charts. */
  public static final int WINDOW_SECONDS = 15 * 60;

  /** The width of a bucket. */
  public static final int BUCKET_SECONDS = 5;

  static final int SLOTS = WINDOW_SECONDS / BUCKET_SECONDS;

  private final ImmutableMap<String, Ring> rings;
  private final ImmutableMap<String, Ring> ipv6Rings;

  /**
   * Empty rings for {@code providers}: one per provider for the IPv4 engine's rounds, as before
   * IPv6, and one per provider with IPv6 for the IPv6 engine's ({@link #forFamily}).
   */
  public ProbeSamples(Providers providers) {
    checkNotNull(providers, "providers");
    ImmutableMap.Builder<String, Ring> builder = ImmutableMap.builder();
    for (Provider provider : providers) {
      builder.put(provider.id(), new Ring());
    }
    this.rings = builder.buildOrThrow();
    ImmutableMap.Builder<String, Ring> six = ImmutableMap.builder();
    for (Provider provider : providers.having(AddressFamily.IPV6)) {
      six.put(provider.id(), new Ring());
    }
    this.ipv6Rings = six.buildOrThrow();
  }

  @Override
  public void onRoundRecorded(Provider provider, ProbeRound round) {
    record(rings, provider, round);
  }

  /**
   * The listener of {@code family}'s engine: its rounds go into that family's rings, apart from
   * the other family's, so that a chart never mixes an IPv6 path's round-trip times and losses
   * with the IPv4 path's. This object is itself the IPv4 engine's listener.
   */
  public FailoverListener forFamily(AddressFamily family) {
    checkNotNull(family, "family");
    if (family == AddressFamily.IPV4) {
      return this;
    }
    return new FailoverListener() {
      @Override
      public void onRoundRecorded(Provider provider, ProbeRound round) {
        record(ipv6Rings, provider, round);
      }

      @Override
      public String toString() {
        return "ProbeSamples[" + family + "]";
      }
    };
  }

  private static void record(
      ImmutableMap<String, Ring> rings, Provider provider, ProbeRound round) {
    Ring ring = rings.get(provider.id());
    if (ring == null) {
      return; // not a configured provider: nothing to chart
    }
    int checks = 0;
    int lost = 0;
    int answered = 0;
    long rttNanos = 0;
    for (TestResult result : round.results()) {
      checks++;
      if (result.succeeded()) {
        answered++;
        rttNanos += result.latency().toNanos();
      } else {
        lost++;
      }
    }
    ring.add(
        Math.floorDiv(round.startedAt().getEpochSecond(), BUCKET_SECONDS),
        checks,
        lost,
        answered,
        rttNanos);
  }

  /**
   * Every provider's non-empty buckets of the IPv4 engine's rounds in the window that ends at
   * {@code now}, oldest first, in the providers' order.
   */
  public Map<String, List<Bucket>> window(Instant now) {
    return window(now, AddressFamily.IPV4);
  }

  /**
   * The buckets of {@code family}'s rounds of every provider that has it (IPv4: every provider) in
   * the window that ends at {@code now}, oldest first, in the providers' order; empty for IPv6 when
   * no provider has IPv6.
   */
  public Map<String, List<Bucket>> window(Instant now, AddressFamily family) {
    long last = Math.floorDiv(now.getEpochSecond(), BUCKET_SECONDS);
    ImmutableMap.Builder<String, List<Bucket>> window = ImmutableMap.builder();
    (checkNotNull(family, "family") == AddressFamily.IPV4 ? rings : ipv6Rings)
        .forEach((id, ring) -> window.put(id, ring.window(last)));
    return window.buildOrThrow();
  }

  /**
   * One bucket of one provider.
   *
   * @param start the bucket's start
   * @param checks checks run
   * @param lost checks that did not succeed
   * @param meanRtt the mean round-trip time of the successful checks; null if none succeeded
   */
  public record Bucket(Instant start, int checks, int lost, @Nullable Duration meanRtt) {
    public Bucket {
      checkNotNull(start, "start");
      checkArgument(
          checks > 0 && lost >= 0 && lost <= checks, "need 0 <= lost <= checks, 0 < checks");
    }

    /** The share of lost checks, 0 to 100. */
    public double lossPercent() {
      return 100.0 * lost / checks;
    }
  }

  /** One provider's buckets; guarded by its own monitor. */
  private static final class Ring {
    private final long[] index = new long[SLOTS];
    private final int[] checks = new int[SLOTS];
    private final int[] lost = new int[SLOTS];
    private final int[] answered = new int[SLOTS];
    private final long[] rttNanos = new long[SLOTS];

    Ring() {
      Arrays.fill(index, Long.MIN_VALUE);
    }

    synchronized void add(long bucket, int checks, int lost, int answered, long rttNanos) {
      int slot = (int) Math.floorMod(bucket, (long) SLOTS);
      if (index[slot] != bucket) {
        index[slot] = bucket;
        this.checks[slot] = 0;
        this.lost[slot] = 0;
        this.answered[slot] = 0;
        this.rttNanos[slot] = 0;
      }
      this.checks[slot] += checks;
      this.lost[slot] += lost;
      this.answered[slot] += answered;
      this.rttNanos[slot] += rttNanos;
    }

    synchronized List<Bucket> window(long last) {
      List<Bucket> buckets = new ArrayList<>();
      for (long bucket = last - SLOTS + 1; bucket <= last; bucket++) {
        int slot = (int) Math.floorMod(bucket, (long) SLOTS);
        if (index[slot] == bucket && checks[slot] > 0) {
          buckets.add(
              new Bucket(
                  Instant.ofEpochSecond(bucket * BUCKET_SECONDS),
                  checks[slot],
                  lost[slot],
                  answered[slot] == 0 ? null : Duration.ofNanos(rttNanos[slot] / answered[slot])));
        }
      }
      return buckets;
    }
  }
}
