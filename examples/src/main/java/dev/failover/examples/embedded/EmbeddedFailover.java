package dev.failover.examples.embedded;

import com.google.common.base.Ticker;
import dev.failover.api.FailoverListener;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.api.RouteBackend;
import dev.failover.api.TestScenario;
import dev.failover.core.EngineSettings;
import dev.failover.core.FailoverEngine;
import dev.failover.core.FailoverService;
import dev.failover.core.StickySource;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How a program embeds failover-core without the launcher: it builds the engine from its own
 * providers, health checks, policy and backend, runs it as a Guava service, and listens to its
 * events.
 *
 * <p>Not thread-safe to start and stop concurrently; {@link #close()} stops the service and the
 * threads this class made, and leaves the routes as they are, as the daemon does.
 */
public final class EmbeddedFailover implements AutoCloseable {
  private final ExecutorService probes;
  private final ScheduledExecutorService ticks;
  private final FailoverService service;

  /**
   * Builds and starts the engine.
   *
   * @param settings cadence, timeouts and metrics
   * @param providers the uplinks, most preferred first, with unique ids, interfaces, addresses
   *     and tables
   * @param scenarios the health checks, in order
   * @param policy which providers are reliable
   * @param backend carries the decisions out
   * @param onSwitch told whenever the main provider changes
   */
  public EmbeddedFailover(
      EngineSettings settings,
      List<Provider> providers,
      List<TestScenario> scenarios,
      ReliabilityPolicy policy,
      RouteBackend backend,
      FailoverListener onSwitch) {
    // One thread per provider and check, so one hung check never delays another.
    this.probes = Executors.newFixedThreadPool(providers.size() * scenarios.size());
    this.ticks = Executors.newSingleThreadScheduledExecutor();
    FailoverEngine engine =
        new FailoverEngine(
            settings,
            Providers.of(providers),
            new LinkedHashSet<>(scenarios), // keeps the configured order
            policy,
            backend,
            StickySource.none(),
            Set.of(onSwitch),
            probes,
            InstantSource.system(),
            Ticker.systemTicker());
    this.service = new FailoverService(engine, ticks);
    service.startAsync().awaitRunning();
  }

  /** The engine's view now: main provider, statuses, recent results. */
  public dev.failover.core.EngineStatus status() {
    return service.engine().status();
  }

  @Override
  public void close() throws TimeoutException {
    try {
      service.stopAsync().awaitTerminated(5, TimeUnit.SECONDS);
    } finally {
      ticks.shutdownNow();
      probes.shutdownNow();
    }
  }

  /** Logs every switch of the main provider to standard output. */
  public static FailoverListener printingSwitches() {
    return new FailoverListener() {
      @Override
      public void onMainProviderSwitched(MainProviderSwitched event) {
        System.out.println(
            "main provider -> " + event.to().id() + " (" + event.reason() + ": " + event.detail() + ")");
      }
    };
  }
}
