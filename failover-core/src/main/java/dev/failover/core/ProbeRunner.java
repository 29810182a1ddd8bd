package dev.failover.core;

import static com.google.common.base.Preconditions.checkNotNull;
import static java.util.concurrent.TimeUnit.NANOSECONDS;

import com.google.common.base.Stopwatch;
import com.google.common.base.Ticker;
import com.google.common.collect.ImmutableMap;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts every scenario against every provider at once (each provider's own list, see {@link
 * ProviderScenarios}) and collects the results within one shared deadline.
 *
 * <p>All checks are submitted before any is waited for, and every wait uses what is left of the
 * single {@code probeTimeout} measured from the start, so a round takes at most about {@code
 * probeTimeout} however many providers and scenarios there are and however many of them hang. A
 * check still running at the deadline is cancelled (its thread interrupted) and recorded as {@link
 * TestResult#timeout}; a check that throws is recorded as a failure with the exception in its
 * detail. Checks start through {@link TestScenario#start}; for scenarios that keep its default (one
 * executor thread per check), the executor should have a thread for every provider &times; scenario
 * pair, or checks queue behind each other and may time out.
 *
 * <p>A scenario is handed {@code probeTimeout} less a small margin (a tenth, at most 20 ms), so
 * that a well-behaved probe reports its own {@link TestResult#timeout} before the shared deadline,
 * and only a probe that ignores its timeout is cut off here. Such a probe is logged at WARN once,
 * and at DEBUG while it keeps overrunning, so that a dead uplink does not flood the log several
 * times a second.
 *
 * <p><b>Adaptive timeouts</b> ({@link ProbeTimeouts#adaptive()}): each provider-and-scenario pair
 * (a target through a provider) has its own {@link RttEstimator}, fed by every answered check, and
 * its check is judged lost at that pair's timeout ({@code SRTT + 4 RTTVAR} between {@code
 * probe_timeout_min} and {@code probe_timeout_max}; {@code probe_timeout} before the first
 * sample), and the round ends when its last pair's timeout has passed. A check judged lost is not
 * cancelled if its future is a {@link CompletableFuture} (the ping engine's is): the scenario was
 * given {@code probe_timeout_max} as its limit, and a reply that comes later is a late reply. A
 * late reply updates the pair's estimate at once, so the next check waits long enough for a link
 * that got slower; and it is evidence of life: if that pair's next check is lost too, it is
 * recorded as a success after the late reply's round-trip time, with a detail saying so. A silent
 * link gives no sample, so its timeout stays short and it is found as fast as before. A check
 * whose future is not a {@code CompletableFuture} (a scenario's default {@code start}) is cancelled
 * at its pair's timeout, without a warning, since it was cut short by design.
 *
 * <p>Thread-safe if the scenarios are (as {@link TestScenario} requires); the engine calls it from
 * one thread at a time. Late replies arrive on the scenarios' threads; the estimates and late
 * replies are kept in concurrent maps.
 */
final class ProbeRunner {
  private static final Logger logger = LoggerFactory.getLogger(ProbeRunner.class);

  private static final Duration MAX_MARGIN = Duration.ofMillis(20);

  private final ExecutorService executor;
  private final Ticker ticker;
  private final Duration timeout;
  private final Duration scenarioTimeout;
  private final ProbeTimeouts timeouts;

  /** Each pair's round-trip time estimate, by "id/scenario"; adaptive timeouts only. */
  private final ConcurrentHashMap<String, RttEstimator> estimates = new ConcurrentHashMap<>();

  /** The latest late reply's round-trip time of each pair since its last check was judged. */
  private final ConcurrentHashMap<String, Duration> lateReplies = new ConcurrentHashMap<>();

  /** The provider-and-scenario pairs that overran the deadline last time, named "id/scenario". */
  private final Set<String> overrunning = ConcurrentHashMap.newKeySet();

  ProbeRunner(ExecutorService executor, Ticker ticker, Duration timeout) {
    this(executor, ticker, timeout, ProbeTimeouts.fixed());
  }

  /**
   * @param timeout {@code probe_timeout}: every check's limit with fixed timeouts; with adaptive
   *     ones, a pair's timeout before its first round-trip time sample
   * @param timeouts fixed or adaptive
   */
  ProbeRunner(ExecutorService executor, Ticker ticker, Duration timeout, ProbeTimeouts timeouts) {
    this.executor = checkNotNull(executor, "executor");
    this.ticker = checkNotNull(ticker, "ticker");
    this.timeout = checkNotNull(timeout, "timeout");
    this.timeouts = checkNotNull(timeouts, "timeouts");
    Duration margin = timeout.dividedBy(10);
    this.scenarioTimeout = timeout.minus(margin.compareTo(MAX_MARGIN) > 0 ? MAX_MARGIN : margin);
  }

  /** The timeout the next check of {@code provider} and {@code scenario} gets. */
  Duration timeoutFor(Provider provider, TestScenario scenario) {
    if (!timeouts.adaptive()) {
      return timeout;
    }
    return estimates
        .getOrDefault(key(provider, scenario), RttEstimator.NONE)
        .timeout(timeout, timeouts.min(), timeouts.max());
  }

  private static String key(Provider provider, TestScenario scenario) {
    return provider.id() + "/" + scenario.name();
  }

  private void sample(String key, Duration rtt) {
    estimates.compute(key, (k, e) -> (e == null ? RttEstimator.NONE : e).update(rtt));
  }

  /**
   * Runs one round: every scenario against every provider.
   *
   * @param startedAt the time the round starts, stamped on every {@link ProbeRound}
   * @return each provider's round (its results in the order of {@code scenarios}), in the order of
   *     {@code providers}; empty if the calling thread was interrupted while waiting, in which case
   *     every unfinished check is cancelled and the thread's interrupt flag is set again
   */
  Optional<ImmutableMap<Provider, ProbeRound>> runRound(
      List<Provider> providers, List<TestScenario> scenarios, Instant startedAt) {
    checkNotNull(scenarios, "scenarios");
    return runRound(providers, provider -> scenarios, startedAt);
  }

  /**
   * Runs one round: each provider's own list of scenarios ({@link ProviderScenarios#forProvider})
   * against it.
   *
   * @param startedAt the time the round starts, stamped on every {@link ProbeRound}
   * @return each provider's round (its results in the order of its list), in the order of {@code
   *     providers}; empty if the calling thread was interrupted while waiting, in which case every
   *     unfinished check is cancelled and the thread's interrupt flag is set again
   */
  Optional<ImmutableMap<Provider, ProbeRound>> runRound(
      List<Provider> providers, ProviderScenarios scenarios, Instant startedAt) {
    checkNotNull(scenarios, "scenarios");
    return runRound(providers, provider -> scenarios.forProvider(provider.id()), startedAt);
  }

  private Optional<ImmutableMap<Provider, ProbeRound>> runRound(
      List<Provider> providers,
      Function<Provider, List<TestScenario>> scenariosOf,
      Instant startedAt) {
    checkNotNull(startedAt, "startedAt");
    Stopwatch stopwatch = Stopwatch.createStarted(ticker);
    List<List<TestScenario>> lists = new ArrayList<>(providers.size());
    int checks = 0;
    for (Provider provider : providers) {
      List<TestScenario> list = scenariosOf.apply(provider);
      lists.add(list);
      checks += list.size();
    }
    // Every check starts before any is awaited: provider by provider, scenario by scenario.
    List<Future<TestResult>> started = new ArrayList<>(checks);
    List<Duration> limits = new ArrayList<>(checks);
    for (int p = 0; p < providers.size(); p++) {
      Provider provider = providers.get(p);
      for (TestScenario scenario : lists.get(p)) {
        limits.add(timeoutFor(provider, scenario));
        started.add(submit(provider, scenario));
      }
    }
    ImmutableMap.Builder<Provider, ProbeRound> rounds =
        ImmutableMap.builderWithExpectedSize(providers.size());
    int next = 0;
    for (int p = 0; p < providers.size(); p++) {
      Provider provider = providers.get(p);
      List<TestScenario> scenarios = lists.get(p);
      TestResult[] results = new TestResult[scenarios.size()];
      for (int i = 0; i < results.length; i++) {
        try {
          Duration limit = limits.get(next);
          results[i] = judged(
              await(started.get(next++), stopwatch, limit, provider, scenarios.get(i)),
              provider,
              scenarios.get(i));
        } catch (InterruptedException e) {
          for (Future<TestResult> pending : started) {
            pending.cancel(true);
          }
          Thread.currentThread().interrupt();
          return Optional.empty();
        }
      }
      rounds.put(provider, new ProbeRound(startedAt, List.of(results)));
    }
    return Optional.of(rounds.buildOrThrow());
  }

  /**
   * With adaptive timeouts: feeds an answered check's round-trip time to the pair's estimate, and
   * turns a lost check into a success if a late reply of the pair came since its last check was
   * judged (evidence of life, reported with its round-trip time). Every judgement clears the late
   * reply.
   */
  private TestResult judged(TestResult result, Provider provider, TestScenario scenario) {
    if (!timeouts.adaptive()) {
      return result;
    }
    String key = key(provider, scenario);
    Duration late = lateReplies.remove(key);
    if (result.succeeded()) {
      sample(key, result.latency());
      return result;
    }
    if (late != null && result.outcome() == TestResult.Outcome.TIMEOUT) {
      logger.debug(
          "probe '{}' via {}: lost, but a late reply came after {} ms; counted as answered",
          scenario.name(),
          provider,
          late.toMillis());
      return new TestResult(
          TestResult.Outcome.SUCCESS,
          late,
          "answered late: a reply to an earlier probe came after " + late.toMillis() + " ms");
    }
    return result;
  }

  private Future<TestResult> submit(Provider provider, TestScenario scenario) {
    try {
      // With adaptive timeouts the scenario listens until probe_timeout_max; its check is judged
      // at the pair's own timeout, and a reply after that is a late reply.
      Duration limit = timeouts.adaptive() ? timeouts.max() : scenarioTimeout;
      Future<TestResult> future = scenario.start(provider, limit, executor);
      if (future != null) {
        return future;
      }
      logger.warn(
          "probe '{}' started no check for {}; recorded as a failure", scenario.name(), provider);
      return CompletableFuture.completedFuture(
          TestResult.failure(Duration.ZERO, "probe started no check"));
    } catch (RejectedExecutionException e) {
      logger.warn(
          "probe '{}' for {} could not be started (the executor refused it); recorded as a failure",
          scenario.name(),
          provider,
          e);
      return CompletableFuture.completedFuture(
          TestResult.failure(Duration.ZERO, "probe could not be started: " + e));
    } catch (VirtualMachineError e) {
      throw e;
    } catch (RuntimeException | Error e) {
      // A throwing start (or a plugin's NoClassDefFoundError) is recorded by await() as if check()
      // had thrown it on the executor.
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Never throws for a broken probe: reports it as a failure instead. */
  private TestResult checked(
      @Nullable TestResult result, Stopwatch stopwatch, Provider provider, TestScenario scenario) {
    if (result == null) {
      logger.warn(
          "probe '{}' returned no result for {}; recorded as a failure", scenario.name(), provider);
      return TestResult.failure(stopwatch.elapsed(), "probe returned no result");
    }
    if (logger.isDebugEnabled()) {
      logger.debug(
          "probe '{}' via {}: {} in {} ms{}",
          scenario.name(),
          provider,
          result.outcome(),
          result.latency().toMillis(),
          result.detail().isEmpty() ? "" : " (" + result.detail() + ")");
    }
    return result;
  }

  private TestResult await(
      Future<TestResult> future,
      Stopwatch stopwatch,
      Duration limit,
      Provider provider,
      TestScenario scenario)
      throws InterruptedException {
    long remaining = limit.toNanos() - stopwatch.elapsed(NANOSECONDS);
    try {
      TestResult result;
      if (remaining > 0) {
        result = future.get(remaining, NANOSECONDS);
      } else if (future.isDone()) {
        result = future.get();
      } else {
        throw new TimeoutException();
      }
      overrunning.remove(provider.id() + "/" + scenario.name());
      return checked(result, stopwatch, provider, scenario);
    } catch (TimeoutException e) {
      if (timeouts.adaptive() && future instanceof CompletableFuture<TestResult> listening) {
        // Judged lost now; a reply that still comes is a late reply (see the class comment).
        String key = key(provider, scenario);
        listening.whenComplete(
            (late, failure) -> {
              if (late != null && late.succeeded()) {
                sample(key, late.latency());
                lateReplies.put(key, late.latency());
              }
            });
        return TestResult.timeout(limit);
      }
      future.cancel(true);
      if (timeouts.adaptive()) {
        // A check that cannot report late (not a CompletableFuture) is cut off at the pair's
        // timeout by design, not because it overran: no warning.
        return TestResult.timeout(limit);
      }
      boolean first = overrunning.add(provider.id() + "/" + scenario.name());
      String message =
          "probe '{}' for {} did not return within probe_timeout ({} ms); cancelled and recorded"
              + " as a timeout{}";
      if (first) {
        logger.warn(
            message,
            scenario.name(),
            provider,
            timeout.toMillis(),
            " (logged at DEBUG while it keeps overrunning)");
      } else {
        logger.debug(message, scenario.name(), provider, timeout.toMillis(), "");
      }
      return TestResult.timeout(timeout);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException) {
        logger.warn(
            "probe '{}' threw for {}; recorded as a failure", scenario.name(), provider, cause);
        return TestResult.failure(stopwatch.elapsed(), "probe threw " + cause);
      }
      logger.warn(
          "probe '{}' failed for {}; recorded as a failure", scenario.name(), provider, cause);
      return TestResult.failure(Duration.ZERO, "probe failed: " + cause);
    } catch (CancellationException e) {
      logger.warn(
          "probe '{}' for {} was cancelled; recorded as a failure", scenario.name(), provider);
      return TestResult.failure(Duration.ZERO, "probe was cancelled");
    }
  }
}
