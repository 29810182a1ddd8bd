package dev.failover.benchmarks;

import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderHistory;
import dev.failover.core.HistoryStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the {@link HistoryStore}'s two per-tick operations on full histories: recording one
 * round for every provider (each evicts the oldest), and a consistent snapshot of all of them.
 *
 * <p>The store is filled to its capacity of 50 rounds first, so every record is the steady-state
 * "subtract on evict" path. Rounds cycle through a seeded trace of 2 targets with 2 % failed
 * checks.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HistoryStoreBenchmark {
  private static final int CYCLE = 1024;

  /** The number of providers. */
  @Param({"3", "16"})
  public int providers;

  private List<Provider> configured;
  private ProbeRound[][] rounds;
  private HistoryStore store;
  private int next;

  /** Fills a store of capacity 50 for {@link #providers} providers. */
  @Setup(Level.Trial)
  public void setUp() {
    configured = Fixtures.providers(providers);
    rounds = Fixtures.rounds(providers, CYCLE);
    store = new HistoryStore(configured, Fixtures.HISTORY);
    for (int r = 0; r < Fixtures.HISTORY; r++) {
      recordRound(r);
    }
    next = Fixtures.HISTORY;
  }

  /** One tick's recording: a round for every provider, each evicting that provider's oldest. */
  @Benchmark
  public HistoryStore recordRound() {
    recordRound(next);
    next = (next + 1) % CYCLE;
    return store;
  }

  /** A consistent snapshot of every provider's 50 rounds, as the policy gets it. */
  @Benchmark
  public List<ProviderHistory> snapshot() {
    return store.snapshot();
  }

  private void recordRound(int index) {
    for (int p = 0; p < configured.size(); p++) {
      store.record(configured.get(p), rounds[p][index]);
    }
  }
}
