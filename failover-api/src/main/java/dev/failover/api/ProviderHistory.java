package dev.failover.api;

import java.util.List;
import java.util.Optional;

/**
 * An immutable snapshot of one provider's most recent check rounds, oldest first, with the counts a
 * policy needs.
 *
 * <p>The counts are components so that a store which keeps them as running totals hands them over
 * without recounting; the compact constructor checks that they are within bounds but does not
 * recount them. {@link #of} computes them from the rounds.
 *
 * @param provider whose history this is
 * @param capacity the most rounds the history keeps ({@code max_stored_test_result_count})
 * @param rounds the kept rounds, oldest first, at most {@code capacity}
 * @param failedCount how many of {@code rounds} failed
 * @param consecutiveSuccesses how many of the newest rounds succeeded in a row
 * @param consecutiveFailures how many of the newest rounds failed in a row
 */
public record ProviderHistory(
    Provider provider,
    int capacity,
    List<ProbeRound> rounds,
    int failedCount,
    int consecutiveSuccesses,
    int consecutiveFailures) {

  /**
   * @throws IllegalArgumentException if a count is out of its bounds or there are more rounds than
   *     the capacity
   */
  public ProviderHistory {
    Checks.checkNotNull(provider, "provider");
    rounds = List.copyOf(Checks.checkNotNull(rounds, "rounds"));
    Checks.checkArgument(capacity > 0, "capacity must be > 0, was %s", capacity);
    Checks.checkArgument(
        rounds.size() <= capacity,
        "rounds must hold at most capacity (%s) entries, held %s",
        capacity,
        rounds.size());
    Checks.checkArgument(
        failedCount >= 0 && failedCount <= rounds.size(),
        "failedCount must be between 0 and %s, was %s",
        rounds.size(),
        failedCount);
    Checks.checkArgument(
        consecutiveSuccesses >= 0 && consecutiveSuccesses <= rounds.size(),
        "consecutiveSuccesses must be between 0 and %s, was %s",
        rounds.size(),
        consecutiveSuccesses);
    Checks.checkArgument(
        consecutiveFailures >= 0 && consecutiveFailures <= rounds.size(),
        "consecutiveFailures must be between 0 and %s, was %s",
        rounds.size(),
        consecutiveFailures);
    Checks.checkArgument(
        consecutiveSuccesses == 0 || consecutiveFailures == 0,
        "consecutiveSuccesses (%s) and consecutiveFailures (%s) cannot both be > 0",
        consecutiveSuccesses,
        consecutiveFailures);
  }

  /**
   * A history of {@code rounds} (oldest first; only the newest {@code capacity} are kept), counting
   * in O(n).
   */
  public static ProviderHistory of(Provider provider, int capacity, List<ProbeRound> rounds) {
    List<ProbeRound> kept =
        rounds.size() > capacity ? rounds.subList(rounds.size() - capacity, rounds.size()) : rounds;
    int failed = 0;
    for (ProbeRound round : kept) {
      if (!round.succeeded()) {
        failed++;
      }
    }
    int successRun = 0;
    int failureRun = 0;
    for (int i = kept.size() - 1; i >= 0; i--) {
      boolean ok = kept.get(i).succeeded();
      if (ok && failureRun == 0) {
        successRun++;
      } else if (!ok && successRun == 0) {
        failureRun++;
      } else {
        break;
      }
    }
    return new ProviderHistory(provider, capacity, kept, failed, successRun, failureRun);
  }

  /** An empty history. */
  public static ProviderHistory empty(Provider provider, int capacity) {
    return new ProviderHistory(provider, capacity, List.of(), 0, 0, 0);
  }

  /** How many rounds are kept. */
  public int size() {
    return rounds.size();
  }

  /** Whether no round has been recorded yet. */
  public boolean isEmpty() {
    return rounds.isEmpty();
  }

  /** How many kept rounds succeeded. */
  public int succeededCount() {
    return rounds.size() - failedCount;
  }

  /** The newest round, if any. */
  public Optional<ProbeRound> latest() {
    return rounds.isEmpty() ? Optional.empty() : Optional.of(rounds.get(rounds.size() - 1));
  }
}
