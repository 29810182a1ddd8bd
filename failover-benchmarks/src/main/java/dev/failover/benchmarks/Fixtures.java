package dev.failover.benchmarks;

import static com.google.common.base.Preconditions.checkArgument;

import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderHistory;
import dev.failover.api.TestResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic inputs for the JMH benchmarks: providers with identical gateways, and probe rounds
 * of two targets with a small, seeded share of failed checks, as a healthy router sees them.
 *
 * <p>Not thread-safe; each benchmark state builds its own.
 */
final class Fixtures {
  /** The seed of every generated trace, so that two runs measure the same inputs. */
  static final long SEED = 20_260_505L;

  /** Targets per round, as in the "16 providers x 2 targets". */
  static final int TARGETS = 2;

  /** Rounds per history, {@code max_stored_test_result_count}'s default. */
  static final int HISTORY = 50;

  /** The share of single checks that fail: a healthy uplink loses the odd probe. */
  static final double CHECK_FAILURE_RATE = 0.02;

  static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final Duration ROUND_INTERVAL = Duration.ofSeconds(1);

  private static final TestResult OK = TestResult.success(Duration.ofMillis(12));
  private static final TestResult LOST = TestResult.timeout(Duration.ofSeconds(1));

  private Fixtures() {}

  /**
   * {@code count} providers on eth1, eth2, ... behind the same modem address, tables 101, 102, ...
   *
   * @throws IllegalArgumentException if {@code count} is not between 1 and 200
   */
  static List<Provider> providers(int count) {
    checkArgument(count >= 1 && count <= 200, "count must be 1 to 200, was %s", count);
    List<Provider> providers = new ArrayList<>(count);
    for (int i = 1; i <= count; i++) {
      providers.add(
          Provider.of(
              "isp" + i, "eth" + i, "192.168.1." + (10 + i), "192.168.1.0/24", "192.168.1.1",
              "isp" + i, 100 + i));
    }
    return List.copyOf(providers);
  }

  /**
   * A cycle of {@code length} rounds per provider, {@code [provider][round]}, starting at {@link
   * #START} one {@link #ROUND_INTERVAL} apart; each check fails with {@link #CHECK_FAILURE_RATE}.
   */
  static ProbeRound[][] rounds(int providers, int length) {
    SplittableRandom random = new SplittableRandom(SEED);
    ProbeRound[][] rounds = new ProbeRound[providers][length];
    for (int p = 0; p < providers; p++) {
      for (int r = 0; r < length; r++) {
        List<TestResult> results = new ArrayList<>(TARGETS);
        for (int t = 0; t < TARGETS; t++) {
          results.add(random.nextDouble() < CHECK_FAILURE_RATE ? LOST : OK);
        }
        rounds[p][r] = new ProbeRound(START.plus(ROUND_INTERVAL.multipliedBy(r)), results);
      }
    }
    return rounds;
  }

  /** Full histories of {@link #HISTORY} rounds, one per provider, from {@link #rounds}. */
  static List<ProviderHistory> histories(List<Provider> providers) {
    ProbeRound[][] rounds = rounds(providers.size(), HISTORY);
    List<ProviderHistory> histories = new ArrayList<>(providers.size());
    for (int p = 0; p < providers.size(); p++) {
      histories.add(ProviderHistory.of(providers.get(p), HISTORY, List.of(rounds[p])));
    }
    return List.copyOf(histories);
  }

  /** The time just after the {@link #HISTORY}th round of {@link #histories}. */
  static Instant afterHistory() {
    return START.plus(ROUND_INTERVAL.multipliedBy(HISTORY));
  }
}
