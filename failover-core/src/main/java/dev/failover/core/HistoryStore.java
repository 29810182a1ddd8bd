package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderHistory;
import java.util.List;

/**
 * The bounded check history of every configured provider: one ring of {@link ProbeRound}s per
 * provider, holding at most {@code max_stored_test_result_count} rounds.
 *
 * <p><b>Eviction:</b> when a provider's ring is full, recording a round evicts that provider's
 * oldest round (first in, first out), as the original's list did. <b>Cost:</b> {@link #record} is
 * O(1): the failed count and the runs of consecutive successes and failures are running totals,
 * adjusted on insert and on eviction ("subtract on evict"), never recounted. {@link #snapshot} is
 * O(providers &times; capacity), the cost of copying the rounds into immutable values; the counts
 * are handed over as they are.
 *
 * <p><b>Thread-safety:</b> safe for concurrent use. Every operation holds one lock for the whole
 * store, so a snapshot is consistent: it holds every round recorded before it began and none
 * recorded after, for all providers at once. Holding the lock costs little because a record is a
 * few array writes.
 */
public final class HistoryStore {
  private final int capacity;
  private final ImmutableList<Provider> providers;
  private final ImmutableMap<String, Ring> rings;
  private final Object lock = new Object();

  /**
   * Creates an empty store for {@code providers}.
   *
   * @param providers the configured providers, in priority order (most preferred first); ids must
   *     be unique
   * @param capacity the most rounds kept per provider ({@code max_stored_test_result_count})
   * @throws IllegalArgumentException if {@code capacity < 1}, or two providers share an id
   */
  public HistoryStore(List<Provider> providers, int capacity) {
    checkNotNull(providers, "providers");
    checkArgument(
        capacity >= 1, "max_stored_test_result_count must be >= 1, was %s", capacity);
    this.capacity = capacity;
    this.providers = ImmutableList.copyOf(providers);
    ImmutableMap.Builder<String, Ring> builder = ImmutableMap.builder();
    for (Provider provider : this.providers) {
      builder.put(provider.id(), new Ring(provider, capacity));
    }
    // buildOrThrow rejects a duplicate id; say which in our own words.
    try {
      this.rings = builder.buildOrThrow();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("provider ids must be unique: " + e.getMessage(), e);
    }
  }

  /** The most rounds kept per provider. */
  public int capacity() {
    return capacity;
  }

  /** The configured providers, in priority order. */
  public List<Provider> providers() {
    return providers;
  }

  /**
   * Appends {@code round} to {@code provider}'s history, evicting its oldest round if the history is
   * full. O(1).
   *
   * @throws IllegalArgumentException if {@code provider} is not one of the configured providers
   */
  public void record(Provider provider, ProbeRound round) {
    checkNotNull(round, "round");
    Ring ring = ring(provider);
    synchronized (lock) {
      ring.add(round);
    }
  }

  /**
   * An immutable snapshot of {@code provider}'s history.
   *
   * @throws IllegalArgumentException if {@code provider} is not one of the configured providers
   */
  public ProviderHistory history(Provider provider) {
    Ring ring = ring(provider);
    synchronized (lock) {
      return ring.snapshot();
    }
  }

  /** An immutable, consistent snapshot of every provider's history, in priority order. */
  public List<ProviderHistory> snapshot() {
    ProviderHistory[] histories = new ProviderHistory[providers.size()];
    synchronized (lock) {
      for (int i = 0; i < histories.length; i++) {
        histories[i] = rings.get(providers.get(i).id()).snapshot();
      }
    }
    return List.of(histories);
  }

  private Ring ring(Provider provider) {
    checkNotNull(provider, "provider");
    Ring ring = rings.get(provider.id());
    // By identity, not values: a provider that learns its address from its interface keeps its
    // history when the address changes.
    checkArgument(
        ring != null
            && ring.provider.interfaceName().equals(provider.interfaceName())
            && ring.provider.rtTableId() == provider.rtTableId(),
        "%s is not one of the configured providers %s",
        provider,
        rings.keySet());
    return ring;
  }

  /** One provider's ring. Not thread-safe: the store's lock guards it. */
  private static final class Ring {
    final Provider provider;
    final ProbeRound[] rounds;
    /** Whether each slot's round succeeded, computed once, so that eviction need not re-scan it. */
    final boolean[] succeeded;

    /** Index of the oldest round. */
    int head;

    int size;
    int failed;
    int consecutiveSuccesses;
    int consecutiveFailures;

    Ring(Provider provider, int capacity) {
      this.provider = provider;
      this.rounds = new ProbeRound[capacity];
      this.succeeded = new boolean[capacity];
    }

    void add(ProbeRound round) {
      boolean ok = round.succeeded();
      int slot;
      if (size == rounds.length) {
        slot = head;
        if (!succeeded[slot]) {
          failed--;
        }
        head = (head + 1) % rounds.length;
      } else {
        slot = (head + size) % rounds.length;
        size++;
      }
      rounds[slot] = round;
      succeeded[slot] = ok;
      if (ok) {
        // A run never counts more rounds than are kept: the evicted round may have belonged to it.
        consecutiveSuccesses = Math.min(consecutiveSuccesses + 1, size);
        consecutiveFailures = 0;
      } else {
        failed++;
        consecutiveFailures = Math.min(consecutiveFailures + 1, size);
        consecutiveSuccesses = 0;
      }
    }

    ProviderHistory snapshot() {
      ProbeRound[] ordered = new ProbeRound[size];
      int firstPart = Math.min(size, rounds.length - head);
      System.arraycopy(rounds, head, ordered, 0, firstPart);
      System.arraycopy(rounds, 0, ordered, firstPart, size - firstPart);
      return new ProviderHistory(
          provider,
          rounds.length,
          List.of(ordered),
          failed,
          consecutiveSuccesses,
          consecutiveFailures);
    }
  }
}
