package dev.failover.core;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.MoreExecutors;
import dev.failover.api.FailoverListener;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.api.RouteBackend;
import dev.failover.api.TestScenario;
import dev.failover.testkit.FakeClock;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Builds engines for tests: three providers, the original policy with its defaults, a direct
 * executor and time from a {@link FakeClock}, the same scenarios for every provider, unless told
 * otherwise.
 */
public final class TestEngines {
  private final FakeClock clock;
  private List<Provider> providers = Fixtures.providers(3);
  private final Set<TestScenario> scenarios = new LinkedHashSet<>();
  private final Map<String, List<TestScenario>> own = new LinkedHashMap<>();
  private final Set<String> replacing = new HashSet<>();
  private ReliabilityPolicy policy = OriginalPolicy.withDefaults();
  private final RouteBackend backend;
  private StickySource sticky = StickySource.none();
  private final Set<FailoverListener> listeners = new LinkedHashSet<>();
  private ExecutorService executor = MoreExecutors.newDirectExecutorService();
  private @Nullable Ticker ticker;
  private EngineSettings settings =
      new EngineSettings(Duration.ofSeconds(5), Duration.ofSeconds(4), 100, 50, 3);

  private TestEngines(FakeClock clock, RouteBackend backend) {
    this.clock = clock;
    this.backend = backend;
  }

  /** A builder whose engine reads {@code clock} and applies to {@code backend}. */
  public static TestEngines with(FakeClock clock, RouteBackend backend) {
    return new TestEngines(clock, backend);
  }

  public TestEngines providers(List<Provider> providers) {
    this.providers = providers;
    return this;
  }

  public TestEngines scenario(TestScenario scenario) {
    scenarios.add(scenario);
    return this;
  }

  /**
   * Gives provider {@code providerId} scenarios of its own: after the global ones if {@code
   * keepGlobal}, instead of them otherwise.
   */
  public TestEngines ownScenarios(
      String providerId, boolean keepGlobal, TestScenario... providerScenarios) {
    own.put(providerId, List.of(providerScenarios));
    if (!keepGlobal) {
      replacing.add(providerId);
    }
    return this;
  }

  public TestEngines policy(ReliabilityPolicy policy) {
    this.policy = policy;
    return this;
  }

  public TestEngines sticky(StickySource sticky) {
    this.sticky = sticky;
    return this;
  }

  public TestEngines listener(FailoverListener listener) {
    listeners.add(listener);
    return this;
  }

  public TestEngines executor(ExecutorService executor) {
    this.executor = executor;
    return this;
  }

  public TestEngines ticker(Ticker ticker) {
    this.ticker = ticker;
    return this;
  }

  public TestEngines settings(EngineSettings settings) {
    this.settings = settings;
    return this;
  }

  public FailoverEngine build() {
    if (!own.isEmpty()) {
      ProviderScenarios all = ProviderScenarios.shared(scenarios);
      for (Map.Entry<String, List<TestScenario>> entry : own.entrySet()) {
        all = all.withOwn(entry.getKey(), entry.getValue(), !replacing.contains(entry.getKey()));
      }
      return new FailoverEngine(
          settings,
          ProbeTimeouts.fixed(),
          Providers.of(providers),
          all,
          policy,
          backend,
          sticky,
          listeners,
          executor,
          clock,
          ticker != null ? ticker : Fixtures.ticker(clock));
    }
    // Without own scenarios, through the constructor that runs the same ones everywhere.
    return new FailoverEngine(
        settings,
        Providers.of(providers),
        scenarios,
        policy,
        backend,
        sticky,
        listeners,
        executor,
        clock,
        ticker != null ? ticker : Fixtures.ticker(clock));
  }
}
