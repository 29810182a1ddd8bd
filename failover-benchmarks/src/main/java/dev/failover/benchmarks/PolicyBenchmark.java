package dev.failover.benchmarks;

import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderStatus;
import dev.failover.api.ReliabilityPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
 * The cost of one {@link ReliabilityPolicy#assess} call of each policy over full 50-round
 * histories of 2 targets, for 3 and 16 providers, in steady state (the previous statuses are what
 * the policy returned for the same histories, so nothing changes state).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PolicyBenchmark {
  /** The policy's config name. */
  @Param({"original", "damped"})
  public String policy;

  /** The number of providers. */
  @Param({"3", "16"})
  public int providers;

  private ReliabilityPolicy reliability;
  private List<ProviderHistory> histories;
  private Map<String, ProviderStatus> previous;
  private Instant now;

  /** Builds the histories and the policy's steady-state statuses for them. */
  @Setup(Level.Trial)
  public void setUp() {
    reliability = Policies.withDefaults(policy);
    histories = Fixtures.histories(Fixtures.providers(providers));
    now = Fixtures.afterHistory();
    previous = reliability.assess(histories, Map.of(), now);
  }

  /** One assessment of every provider. */
  @Benchmark
  public Map<String, ProviderStatus> assess() {
    return reliability.assess(histories, previous, now);
  }
}
