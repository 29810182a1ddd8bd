package dev.failover.benchmarks;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.MoreExecutors;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.Providers;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.api.RouteBackend;
import dev.failover.api.RoutingState;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import dev.failover.core.EngineSettings;
import dev.failover.core.EngineStatus;
import dev.failover.core.FailoverEngine;
import dev.failover.core.HistoryStore;
import dev.failover.core.StickySource;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Record + decide, the CPU work of one tick without any I/O, for 3 and 16 providers with each
 * policy.
 *
 * <ul>
 *   <li>{@link #recordAndAssess}: record one round per provider into full 50-round histories, take
 *       the snapshot and assess it; the previous statuses and the time carry over from one call to
 *       the next, as in the engine.
 *   <li>{@link #engineTick}: one {@link FailoverEngine#runOnce()} with probes that answer at once
 *       from the same trace (run inline, on a direct executor), a route backend that does nothing,
 *       no sticky file and no listener. On top of the above this measures the probe bookkeeping,
 *       the selection of the main provider (package-private in core, so only measurable here), the
 *       desired routing state and the status snapshot.
 * </ul>
 *
 * <p>The trace: 2 targets per round, 2 % of the checks lost at random (seeded), a cycle of 1024
 * rounds. Each call advances the time by 1 s. Log output of the engine is turned down to WARN in
 * the forked JVM so that the occasional state change does not measure the console.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
public class TickBenchmark {
  private static final int CYCLE = 1024;

  /** The policy's config name. */
  @Param({"original", "damped"})
  public String policy;

  /** The number of providers. */
  @Param({"3", "16"})
  public int providers;

  private List<Provider> configured;
  private ProbeRound[][] rounds;
  private ReliabilityPolicy reliability;
  private HistoryStore store;
  private Map<String, ProviderStatus> previous;
  private Instant now;
  private int next;

  private final MutableClock clock = new MutableClock();
  private ExecutorService inline;
  private FailoverEngine engine;

  /** Fills the histories and builds the engine. */
  @Setup(Level.Trial)
  public void setUp() {
    configured = Fixtures.providers(providers);
    rounds = Fixtures.rounds(providers, CYCLE);
    reliability = Policies.withDefaults(policy);

    store = new HistoryStore(configured, Fixtures.HISTORY);
    for (int r = 0; r < Fixtures.HISTORY; r++) {
      for (int p = 0; p < configured.size(); p++) {
        store.record(configured.get(p), rounds[p][r]);
      }
    }
    now = Fixtures.afterHistory();
    previous = reliability.assess(store.snapshot(), Map.of(), now);
    next = Fixtures.HISTORY;

    inline = MoreExecutors.newDirectExecutorService();
    Map<String, Integer> index = new HashMap<>();
    for (int p = 0; p < configured.size(); p++) {
      index.put(configured.get(p).id(), p);
    }
    Set<TestScenario> scenarios = new LinkedHashSet<>();
    for (int t = 0; t < Fixtures.TARGETS; t++) {
      scenarios.add(new TraceScenario(t, index));
    }
    RouteBackend nothing = (RoutingState desired) -> ApplyOutcome.complete();
    engine =
        new FailoverEngine(
            new EngineSettings(
                Duration.ofSeconds(1), Duration.ofSeconds(1), 100, Fixtures.HISTORY, 30),
            Providers.of(configured),
            scenarios,
            reliability,
            nothing,
            StickySource.none(),
            Set.of(),
            inline,
            clock,
            Ticker.systemTicker());
    clock.now = Fixtures.START;
    for (int r = 0; r < Fixtures.HISTORY; r++) {
      engineTick();
    }
  }

  /** Shuts the inline executor down. */
  @TearDown(Level.Trial)
  public void tearDown() {
    inline.shutdown();
  }

  /** Records one round per provider, snapshots the histories and assesses them. */
  @Benchmark
  public Map<String, ProviderStatus> recordAndAssess() {
    for (int p = 0; p < configured.size(); p++) {
      store.record(configured.get(p), rounds[p][next]);
    }
    next = (next + 1) % CYCLE;
    now = now.plusSeconds(1);
    List<ProviderHistory> histories = store.snapshot();
    previous = reliability.assess(histories, previous, now);
    return previous;
  }

  /** One engine tick: probe (inline), record, assess, select, build the routing state, publish. */
  @Benchmark
  public EngineStatus engineTick() {
    clock.now = clock.now.plusSeconds(1);
    clock.round = (clock.round + 1) % CYCLE;
    return engine.runOnce();
  }

  /** The benchmark's time; advanced by the benchmark thread only. */
  private static final class MutableClock implements InstantSource {
    Instant now = Fixtures.START;
    int round;

    @Override
    public Instant instant() {
      return now;
    }
  }

  /** Answers target {@code target}'s check from the trace at the clock's current round. */
  private final class TraceScenario implements TestScenario {
    private final int target;
    private final Map<String, Integer> index;
    private final String name;

    TraceScenario(int target, Map<String, Integer> index) {
      this.target = target;
      this.index = index;
      this.name = "trace target " + target;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public TestResult check(Provider provider, Duration timeout) {
      return rounds[index.get(provider.id())][clock.round].results().get(target);
    }
  }
}
