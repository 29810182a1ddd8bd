package dev.failover.core;

import static dev.failover.core.Fixtures.provider;
import static dev.failover.core.Fixtures.providers;
import static dev.failover.core.Fixtures.round;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderHistory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HistoryStoreTest {

  @Test
  void record_belowCapacity_keepsEveryRoundInOrder() {
    HistoryStore store = new HistoryStore(providers(1), 5);
    ProbeRound first = round(true);
    ProbeRound second = round(false);

    store.record(provider(1), first);
    store.record(provider(1), second);

    ProviderHistory history = store.history(provider(1));
    assertThat(history.rounds()).containsExactly(first, second);
    assertThat(history.failedCount()).isEqualTo(1);
    assertThat(history.consecutiveFailures()).isEqualTo(1);
    assertThat(history.consecutiveSuccesses()).isZero();
    assertThat(history.capacity()).isEqualTo(5);
  }

  @Test
  void record_beyondCapacity_evictsOldestFirst() {
    HistoryStore store = new HistoryStore(providers(1), 3);
    List<ProbeRound> rounds = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      // Distinct failure details tell the rounds apart.
      ProbeRound r =
          ProbeRound.of(
              Fixtures.T0.plusSeconds(i),
              dev.failover.api.TestResult.failure(java.time.Duration.ZERO, "round " + i));
      rounds.add(r);
      store.record(provider(1), r);
    }

    assertThat(store.history(provider(1)).rounds()).containsExactlyElementsOf(rounds.subList(2, 5));
    assertThat(store.history(provider(1)).failedCount()).isEqualTo(3);
    assertThat(store.history(provider(1)).consecutiveFailures()).isEqualTo(3);
  }

  @Test
  void record_evictedFailure_leavesFailedCount() {
    HistoryStore store = new HistoryStore(providers(1), 2);
    store.record(provider(1), round(false));
    store.record(provider(1), round(true));
    store.record(provider(1), round(true));

    ProviderHistory history = store.history(provider(1));
    assertThat(history.failedCount()).isZero();
    assertThat(history.consecutiveSuccesses()).isEqualTo(2);
  }

  /** The running counts always equal a recount of a plain list model's newest rounds. */
  @Test
  void record_randomSequences_countsMatchRecountedModel() {
    SplittableRandom random = new SplittableRandom(20260101L);
    for (int sequence = 0; sequence < 500; sequence++) {
      int capacity = 1 + random.nextInt(8);
      HistoryStore store = new HistoryStore(providers(2), capacity);
      List<ProbeRound> model = new ArrayList<>();
      int length = random.nextInt(30);
      for (int i = 0; i < length; i++) {
        ProbeRound r = round(random.nextInt(3) > 0);
        store.record(provider(1), r);
        model.add(r);
        assertThat(store.history(provider(1)))
            .as("sequence %s, capacity %s, after %s rounds", sequence, capacity, i + 1)
            .isEqualTo(ProviderHistory.of(provider(1), capacity, model));
      }
      assertThat(store.history(provider(2))).isEqualTo(ProviderHistory.empty(provider(2), capacity));
    }
  }

  @Test
  void snapshot_severalProviders_priorityOrder() {
    HistoryStore store = new HistoryStore(List.of(provider(3), provider(1), provider(2)), 4);
    store.record(provider(2), round(true));

    List<ProviderHistory> snapshot = store.snapshot();

    assertThat(snapshot).extracting(h -> h.provider().id()).containsExactly("isp3", "isp1", "isp2");
    assertThat(snapshot.get(2).size()).isEqualTo(1);
  }

  @Test
  void snapshot_laterRecords_doNotChangeIt() {
    HistoryStore store = new HistoryStore(providers(1), 4);
    store.record(provider(1), round(true));
    List<ProviderHistory> snapshot = store.snapshot();

    store.record(provider(1), round(false));

    assertThat(snapshot.get(0).size()).isEqualTo(1);
    assertThat(snapshot.get(0).failedCount()).isZero();
  }

  @Test
  void record_unknownProvider_throwsNamingIt() {
    HistoryStore store = new HistoryStore(providers(1), 4);

    assertThatThrownBy(() -> store.record(provider(2), round(true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("provider 'isp2'");
  }

  @Test
  void record_sameIdDifferentProvider_throws() {
    HistoryStore store = new HistoryStore(providers(1), 4);
    Provider impostor =
        Provider.of("isp1", "eth9", "10.9.0.2", "10.9.0.0/24", "10.9.0.1", "isp9", 109);

    assertThatThrownBy(() -> store.record(impostor, round(true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not one of the configured providers");
  }

  @Test
  void constructor_capacityZero_throwsNamingKey() {
    assertThatThrownBy(() -> new HistoryStore(providers(1), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max_stored_test_result_count must be >= 1, was 0");
  }

  @Test
  void constructor_duplicateIds_throws() {
    assertThatThrownBy(() -> new HistoryStore(List.of(provider(1), provider(1)), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("provider ids must be unique");
  }

  /** Snapshots taken while four threads record are each internally consistent. */
  @Test
  void snapshot_concurrentRecords_everySnapshotConsistent() throws Exception {
    int writers = 4;
    int roundsPerWriter = 2_000;
    HistoryStore store = new HistoryStore(providers(2), 7);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int seed = w;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  SplittableRandom random = new SplittableRandom(seed);
                  for (int i = 0; i < roundsPerWriter; i++) {
                    store.record(provider(1 + (i % 2)), round(random.nextBoolean()));
                  }
                  return null;
                }));
      }
      start.countDown();
      int checked = 0;
      while (!futures.stream().allMatch(Future::isDone) || checked < 100) {
        for (ProviderHistory h : store.snapshot()) {
          assertThat(h).isEqualTo(ProviderHistory.of(h.provider(), h.capacity(), h.rounds()));
        }
        checked++;
      }
      for (Future<?> f : futures) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(store.snapshot()).allSatisfy(h -> assertThat(h.size()).isEqualTo(7));
    } finally {
      pool.shutdownNow();
    }
  }
}
