package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Stopwatch;
import com.google.common.base.Ticker;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.FailoverListener;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.ProviderStatus;
import dev.failover.api.Providers;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.api.RouteBackend;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reliability engine: each {@link #runOnce() tick} probes every provider, records the results,
 * asks the policy, selects the main provider and makes the route backend apply the result.
 *
 * <p>One tick, in order (docs/architecture.md):
 *
 * <ol>
 *   <li>every scenario runs against every provider concurrently on the probe executor, all within
 *       one {@code probe_timeout} ({@link ProbeRunner}); a hung check is cancelled and recorded as
 *       a timeout, a check that throws as a failure;
 *   <li>one {@link ProbeRound} per provider goes into the {@link HistoryStore};
 *   <li>the {@link ReliabilityPolicy} assesses the histories; if it throws, or returns a state
 *       change that {@link ProviderState}'s table forbids, the previous statuses are kept;
 *   <li>the sticky source is read and the main provider selected ({@link Selection}); the first
 *       selection waits, for at most {@value #MAX_STARTUP_HOLDS} decisions, while a provider
 *       ranked above the one it would pick has no verdict yet, applying nothing meanwhile;
 *   <li>the backend applies the whole desired {@link RoutingState} when it differs from the last
 *       one applied successfully, when the last attempt failed (a retry: on the next tick; while
 *       the same state keeps being applied only partly with its main route in place, see {@link
 *       ApplyOutcome#mainRouteInPlace()}, after 2, 4, 8 and at most {@value
 *       #MAX_RETRY_BACKOFF_TICKS} ticks), or when {@code reassertEveryTicks} ticks passed since the
 *       last successful apply (to repair drift); a {@link #decideNow()} that decides applies;
 *   <li>listeners hear of state changes, a switch of the main provider, and the apply's outcome;
 *       an exception from a listener is logged and ignored.
 * </ol>
 *
 * <p><b>Cadence:</b> the next tick is due {@code check_interval} after the start of the last one,
 * or {@code fast_check_interval} while any provider is in doubt ({@code SUSPECT}, {@code
 * RECOVERING} or {@code INSUFFICIENT_DATA}); see {@link #nextTickDelay()}.
 *
 * <p><b>Links:</b> {@link #linkChanged} records whether a provider's link is usable. A provider
 * whose link is down is not selected as main whatever its policy status, keeps its route (ranked
 * after the usable providers), and keeps its history and status; {@link #decideNow()} re-decides
 * at once from what is known, without probing.
 *
 * <p>Nothing a probe, the policy, the sticky source, the backend or a listener throws escapes a
 * tick (an {@link Error} from the engine's own thread aside), and the engine never removes routes:
 * stopping it leaves the last applied state in place, so the router keeps a default route.
 *
 * <p><b>Threading:</b> ticks and decisions are serialised by a lock, so {@link #runOnce()} and
 * {@link #decideNow()} may be called from the scheduler and from an immediate {@link
 * FailoverService#requestTick() request} alike. {@link #linkChanged} never waits for a tick.
 * {@link #status()}, {@link #nextTickDelay()} and {@link #desiredState()} read immutable snapshots
 * and may be called from any thread at any time.
 *
 * <p><b>Time:</b> timestamps come from the injected {@link InstantSource}, elapsed time from the
 * injected {@link Ticker}; the engine reads no system clock and never sleeps.
 */
public final class FailoverEngine {
  private static final Logger logger = LoggerFactory.getLogger(FailoverEngine.class);

  /** How many of the newest rounds {@link EngineStatus.ProviderReport#recentOutcomes} shows. */
  public static final int RECENT_ROUNDS = 10;

  /**
   * The most decisions the first one is held for while a better-ranked provider has no verdict yet
   * (see {@link Selection#unjudgedAhead}); the damped policy judges a provider within 3 rounds.
   */
  public static final int MAX_STARTUP_HOLDS = 5;

  /** The most ticks between two retries of a state whose apply keeps failing. */
  public static final int MAX_RETRY_BACKOFF_TICKS = 16;

  private final EngineSettings settings;
  private final Providers providers;
  private final ImmutableList<TestScenario> scenarios;
  private final ReliabilityPolicy policy;
  private final RouteBackend backend;
  private final StickySource sticky;
  private final ImmutableList<FailoverListener> listeners;
  private final InstantSource clock;
  private final Ticker ticker;
  private final HistoryStore history;
  private final ProbeRunner probes;

  private final ReentrantLock tickLock = new ReentrantLock();
  private final Object linkLock = new Object();

  // Written under linkLock, read anywhere: the ids of the providers whose link is down.
  private volatile ImmutableSet<String> linkDown = ImmutableSet.of();

  // Guarded by tickLock.
  private ImmutableMap<String, ProviderStatus> statuses;
  private @Nullable Decision decision;
  private @Nullable Instant mainSince;
  private @Nullable RoutingState lastApplied;
  private @Nullable Instant lastAppliedAt;
  private @Nullable String lastApplyFailure;
  private int ticksSinceApply;
  private int startupHolds;
  // The state whose apply failed last, how many times in a row, and the ticks since the last try.
  private @Nullable RoutingState failedState;
  private int failedApplies;
  private int ticksSinceFailedApply;
  private long ticks;
  private StickyReading stickyReading = StickyReading.absent();

  // Immutable snapshots for other threads.
  private volatile EngineStatus status;
  private volatile @Nullable RoutingState desired;
  private volatile Duration nextTickDelay = Duration.ZERO;

  /**
   * Creates an engine; nothing runs until the first {@link #runOnce()}.
   *
   * @param settings the engine's settings
   * @param providers the uplinks in priority order (most preferred first)
   * @param scenarios the health checks run against every provider, in configured order (the order
   *     of each {@link ProbeRound}'s results); not empty, with unique names
   * @param policy judges the providers
   * @param backend applies the routing state
   * @param sticky read once per tick; {@link StickySource#none()} if there is no sticky file
   * @param listeners told of events, in iteration order
   * @param probeExecutor handed to {@link dev.failover.api.TestScenario#start}, runs the checks that
   *     block; should have a thread for each provider &times; scenario pair of such checks; owned
   *     by the caller, which shuts it down
   * @param clock timestamps (rounds, statuses, events)
   * @param ticker elapsed time (the probe deadline, the cadence)
   * @throws IllegalArgumentException if the scenarios are empty or not unique, or the metrics {@code start_metric + number of providers - 1} overflow
   */
  @Inject
  public FailoverEngine(
      EngineSettings settings,
      Providers providers,
      Set<TestScenario> scenarios,
      ReliabilityPolicy policy,
      RouteBackend backend,
      StickySource sticky,
      Set<FailoverListener> listeners,
      ExecutorService probeExecutor,
      InstantSource clock,
      Ticker ticker) {
    this.settings = checkNotNull(settings, "settings");
    this.providers = checkNotNull(providers, "providers");
    this.scenarios = ImmutableList.copyOf(checkNotNull(scenarios, "scenarios"));
    this.policy = checkNotNull(policy, "policy");
    this.backend = checkNotNull(backend, "backend");
    this.sticky = checkNotNull(sticky, "sticky");
    this.listeners = ImmutableList.copyOf(checkNotNull(listeners, "listeners"));
    this.clock = checkNotNull(clock, "clock");
    this.ticker = checkNotNull(ticker, "ticker");
    checkArgument(!this.scenarios.isEmpty(), "test_cases must not be empty");
    Set<String> names = new HashSet<>();
    for (TestScenario scenario : this.scenarios) {
      checkArgument(
          names.add(scenario.name()),
          "test_cases must have unique names, but '%s' appears twice",
          scenario.name());
    }
    checkArgument(
        settings.startMetric() <= Integer.MAX_VALUE - (this.providers.size() - 1),
        "start_metric + number of providers - 1 must be <= %s, was %s + %s",
        Integer.MAX_VALUE,
        settings.startMetric(),
        this.providers.size() - 1);
    this.history = new HistoryStore(this.providers, settings.historyCapacity());
    this.probes =
        new ProbeRunner(
            checkNotNull(probeExecutor, "probeExecutor"), ticker, settings.probeTimeout());
    Instant now = clock.instant();
    ImmutableMap.Builder<String, ProviderStatus> initial = ImmutableMap.builder();
    for (Provider provider : this.providers) {
      initial.put(provider.id(), ProviderStatus.initial(now));
    }
    this.statuses = initial.buildOrThrow();
    this.status = buildStatus(now, history.snapshot());
  }

  /**
   * Runs one tick: probe, record, assess, select, apply, publish. Blocks for at most about {@code
   * probe_timeout} plus the backend's apply.
   *
   * <p>Never throws for a failure of a probe, the policy, the sticky source, the backend or a
   * listener. If the calling thread is interrupted while waiting for the probes, the tick stops
   * without recording anything, the interrupt flag stays set, and the previous status is returned.
   *
   * @return the status after this tick
   */
  public EngineStatus runOnce() {
    tickLock.lock();
    Stopwatch stopwatch = Stopwatch.createStarted(ticker);
    try {
      return tick();
    } finally {
      // Also after an Error escaped the tick, so that a failing tick does not re-run at once.
      Duration delay = intervalInForce().minus(stopwatch.elapsed());
      nextTickDelay = delay.isNegative() ? Duration.ZERO : delay;
      tickLock.unlock();
    }
  }

  /**
   * Re-decides at once from the current histories, statuses, link states and sticky choice, without
   * probing: selection, apply, events, status. For a {@link #linkChanged link change}, which must
   * not wait up to {@code check_interval} for the next tick.
   *
   * <p>Unlike a tick, it records nothing in the histories, leaves the policy's statuses as they are
   * (so a provider whose link is back is eligible again only if its policy status says so), and
   * does not count as a tick. It always hands the desired state to the backend, changed or not,
   * whatever the retry backoff, because a link change is when the kernel drops or keeps routes by
   * itself (DESIGN.md, "Facts about this machine's kernel"); only while the first decision is held
   * (see {@link #MAX_STARTUP_HOLDS}) does it decide and apply nothing. Serialised with ticks; blocks while one runs. Never throws for
   * a failure of the sticky source, the backend or a listener.
   *
   * @return the status after this decision
   */
  public EngineStatus decideNow() {
    tickLock.lock();
    try {
      Instant now = clock.instant();
      logger.debug("re-deciding without probing (links down: {})", linkDown);
      decide(now, true);
      status = buildStatus(now, history.snapshot());
      return status;
    } finally {
      tickLock.unlock();
    }
  }

  /**
   * Records whether the link of the provider on {@code interfaceName} is usable (carrier up and
   * interface up). Every link counts as usable until told otherwise.
   *
   * <p>Only records: the selection uses it at the next {@link #runOnce() tick} or {@link
   * #decideNow() decision} ({@link FailoverService#linkChanged} asks for one at once). An unknown
   * interface is ignored (logged at DEBUG). Safe to call from any thread; never waits for a tick.
   *
   * @param interfaceName the interface whose link changed, such as {@code eth1}
   * @param usable whether traffic can leave through it
   * @return whether the recorded state changed: false for an unknown interface or a repeated state
   */
  public boolean linkChanged(String interfaceName, boolean usable) {
    checkNotNull(interfaceName, "interfaceName");
    Provider provider = providers.byInterface(interfaceName).orElse(null);
    if (provider == null) {
      logger.debug("link of '{}' is {}: no provider uses it; ignored", interfaceName, up(usable));
      return false;
    }
    synchronized (linkLock) {
      ImmutableSet<String> before = linkDown;
      if (before.contains(provider.id()) != usable) {
        logger.debug("link of '{}' ({}) is still {}", interfaceName, provider, up(usable));
        return false;
      }
      Set<String> after = new LinkedHashSet<>(before);
      if (usable) {
        after.remove(provider.id());
      } else {
        after.add(provider.id());
      }
      linkDown = ImmutableSet.copyOf(after);
    }
    if (usable) {
      logger.info(
          "link of '{}' ({}) is up; eligible again as its policy status says",
          interfaceName,
          provider);
    } else {
      logger.info(
          "link of '{}' ({}) is down; not eligible until it is up again", interfaceName, provider);
    }
    return true;
  }

  /**
   * Whether the link of provider {@code providerId} is usable, as last told to {@link
   * #linkChanged}; true for an id that names no provider. Safe to call from any thread.
   */
  public boolean linkUsable(String providerId) {
    return !linkDown.contains(checkNotNull(providerId, "providerId"));
  }

  private static String up(boolean usable) {
    return usable ? "up" : "down";
  }

  /**
   * The status as of the last tick (or creation). Safe to call from any thread; never blocks on a
   * running tick.
   */
  public EngineStatus status() {
    return status;
  }

  /**
   * How long the scheduler should wait before the next tick: the interval in force minus the time
   * the last tick took (never below zero), so that ticks start on a fixed cadence; zero before the
   * first tick.
   *
   * <p>The interval in force, decided at the end of each tick from the statuses it produced, is
   * {@code fast_check_interval} while any provider is {@code SUSPECT}, {@code RECOVERING} or {@code
   * INSUFFICIENT_DATA} (a provider in doubt is judged sooner), and {@code check_interval}
   * otherwise. Since {@code probe_timeout <= fast_check_interval}, a tick fits in either interval.
   * Safe to call from any thread.
   */
  public Duration nextTickDelay() {
    return nextTickDelay;
  }

  /**
   * The routing state the last decision wanted, whether or not the backend managed to apply it;
   * empty before the first decision. Safe to call from any thread.
   */
  public Optional<RoutingState> desiredState() {
    return Optional.ofNullable(desired);
  }

  /** The configured providers, in priority order. */
  public Providers providers() {
    return providers;
  }

  /** The engine's settings. */
  public EngineSettings settings() {
    return settings;
  }

  /** The policy's name. */
  public String policyName() {
    return policy.name();
  }

  /** The history store, for tests. */
  HistoryStore history() {
    return history;
  }

  private EngineStatus tick() {
    ticks++;
    Optional<ImmutableMap<Provider, ProbeRound>> round =
        probes.runRound(providers, scenarios, clock.instant());
    if (round.isEmpty()) {
      logger.info("tick {} interrupted while probing; nothing recorded", ticks);
      return status;
    }
    round.get().forEach(history::record);
    Instant now = clock.instant();
    List<ProviderHistory> histories = history.snapshot();
    ImmutableMap<String, ProviderStatus> assessed = assess(histories, now);
    ImmutableMap<String, ProviderStatus> before = statuses;
    statuses = assessed;
    for (Provider provider : providers) {
      ProviderStatus from = before.get(provider.id());
      ProviderStatus to = assessed.get(provider.id());
      if (from.state() != to.state()) {
        logger.info("{} is now {} (was {}): {}", provider, to.state(), from.state(), to.reason());
        ProviderStateChanged event = new ProviderStateChanged(provider, from, to, now);
        notifyListeners("onProviderStateChanged", l -> l.onProviderStateChanged(event));
      }
    }

    decide(now, false);
    status = buildStatus(now, histories);
    return status;
  }

  /**
   * Selects, applies and publishes, from the current statuses and link states. Called with {@code
   * tickLock} held. {@code outOfTick} marks a {@link #decideNow()}: it always applies and does not
   * count towards {@code reassertEveryTicks}.
   */
  private void decide(Instant now, boolean outOfTick) {
    stickyReading = readSticky();
    Decision previous = decision;
    Decision next = Selection.select(providers, statuses, linkDown, stickyReading, previous);
    if (previous == null && startupHolds < MAX_STARTUP_HOLDS) {
      List<Provider> unjudged = Selection.unjudgedAhead(providers, statuses, linkDown, next);
      if (!unjudged.isEmpty()) {
        startupHolds++;
        logger.info(
            "first decision held ({} of at most {}): {} rank above {} but have no verdict yet;"
                + " the kernel's routes stay as they are meanwhile",
            startupHolds,
            MAX_STARTUP_HOLDS,
            unjudged,
            next.main());
        return;
      }
    }
    decision = next;
    if (previous == null || !previous.main().equals(next.main())) {
      mainSince = now;
      logger.info(
          "main provider: {} -> {} ({}): {}",
          previous == null ? "none" : previous.main(),
          next.main(),
          next.reason(),
          next.detail());
      MainProviderSwitched event =
          new MainProviderSwitched(
              previous == null ? null : previous.main(),
              next.main(),
              next.reason(),
              next.detail(),
              now);
      notifyListeners("onMainProviderSwitched", l -> l.onMainProviderSwitched(event));
    }

    RoutingState wanted = next.routingState(settings.startMetric());
    desired = wanted;
    applyIfNeeded(wanted, now, outOfTick);
  }

  /** The interval in force after the last tick; called with {@code tickLock} held. */
  private Duration intervalInForce() {
    for (ProviderStatus s : statuses.values()) {
      if (inDoubt(s.state())) {
        return settings.fastCheckInterval();
      }
    }
    return settings.checkInterval();
  }

  private static boolean inDoubt(ProviderState state) {
    return state == ProviderState.SUSPECT
        || state == ProviderState.RECOVERING
        || state == ProviderState.INSUFFICIENT_DATA;
  }

  /** The policy's verdicts, or the previous ones where the policy failed or broke the rules. */
  private ImmutableMap<String, ProviderStatus> assess(
      List<ProviderHistory> histories, Instant now) {
    Map<String, ProviderStatus> assessed;
    try {
      assessed = policy.assess(histories, statuses, now);
      checkNotNull(assessed, "the policy returned null");
    } catch (RuntimeException e) {
      logger.error(
          "policy '{}' failed; keeping every provider's previous status", policy.name(), e);
      return statuses;
    }
    ImmutableMap.Builder<String, ProviderStatus> checked = ImmutableMap.builder();
    for (Provider provider : providers) {
      ProviderStatus previous = statuses.get(provider.id());
      ProviderStatus next = assessed.get(provider.id());
      if (next == null) {
        logger.error(
            "policy '{}' returned no status for {}; keeping its previous status",
            policy.name(),
            provider);
        next = previous;
      } else {
        try {
          previous.state().checkTransition(provider, next.state());
        } catch (IllegalStateException e) {
          logger.error(
              "policy '{}' made an illegal state change; keeping the previous status: {}",
              policy.name(),
              e.getMessage());
          next = previous;
        }
      }
      checked.put(provider.id(), next);
    }
    return checked.buildOrThrow();
  }

  private StickyReading readSticky() {
    try {
      return checkNotNull(sticky.read(), "the sticky source returned null");
    } catch (RuntimeException e) {
      logger.error("reading the sticky provider failed; no provider forced", e);
      return StickyReading.ignored("reading the sticky provider failed: " + e);
    }
  }

  private void applyIfNeeded(RoutingState wanted, Instant now, boolean force) {
    if (!force) {
      ticksSinceApply++;
      ticksSinceFailedApply++;
    }
    boolean retry = lastApplyFailure != null;
    // While failing, "changed" is against the state that failed, so that retrying it backs off.
    boolean changed = !wanted.equals(retry ? failedState : lastApplied);
    boolean due =
        retry
            ? ticksSinceFailedApply
                >= Math.min(retryBackoffTicks(failedApplies), settings.reassertEveryTicks())
            : ticksSinceApply >= settings.reassertEveryTicks();
    if (!changed && !force && !due) {
      return;
    }
    ApplyOutcome outcome;
    try {
      try {
        outcome = checkNotNull(backend.apply(wanted), "the route backend returned no outcome");
      } catch (RuntimeException e) {
        throw new RouteBackendException(
            null, "the route backend threw " + e, List.of(), null, "", e);
      }
    } catch (RouteBackendException e) {
      // A failure (a refused request, a state that could not be read) is retried on every tick.
      failedApplies = 0;
      failedState = wanted;
      ticksSinceFailedApply = 0;
      String message = String.valueOf(e.getMessage());
      if (lastApplyFailure == null) {
        logger.error("applying the routing state failed; retrying on the next tick", e);
      } else if (!message.equals(lastApplyFailure)) {
        logger.error("applying the routing state failed again, differently; retrying: {}", message);
      } else {
        // The same failure on every tick: said once at ERROR, then at DEBUG until it changes or
        // the apply succeeds, which is logged at INFO.
        logger.debug("applying the routing state still fails the same way: {}", message);
      }
      lastApplyFailure = message;
      notifyListeners("onApplyFailed", l -> l.onApplyFailed(wanted, e));
      return;
    }
    if (!outcome.isComplete()) {
      // Back off only while traffic already goes where it should: a partial apply that left the
      // main route missing is retried on every tick.
      if (!outcome.mainRouteInPlace()) {
        failedApplies = 0;
      } else {
        failedApplies = retry && wanted.equals(failedState) ? failedApplies + 1 : 1;
      }
      failedState = wanted;
      ticksSinceFailedApply = 0;
      String message = "routing state applied only partly: " + outcome;
      if (!message.equals(lastApplyFailure)) {
        // An unplugged modem can last for days: said once, then at DEBUG until it changes.
        logger.warn("{}; retrying", message);
      } else {
        logger.debug("{}; still", message);
      }
      lastApplyFailure = message;
      ApplyOutcome partial = outcome;
      notifyListeners("onRoutesApplied", l -> l.onRoutesApplied(wanted, partial));
      return;
    }
    if (changed) {
      logger.info("applied routing state {}", describe(wanted));
    } else if (retry) {
      logger.info("applied routing state {} after a failure", describe(wanted));
    } else {
      logger.debug("re-asserted routing state {}", describe(wanted));
    }
    lastApplied = wanted;
    lastAppliedAt = now;
    lastApplyFailure = null;
    ticksSinceApply = 0;
    failedState = null;
    failedApplies = 0;
    notifyListeners("onRoutesApplied", l -> l.onRoutesApplied(wanted, ApplyOutcome.complete()));
  }

  /**
   * The ticks to wait before retrying after {@code failures} failed applies in a row of one state
   * whose main route was in place: 1, 2, 4, 8, then {@value #MAX_RETRY_BACKOFF_TICKS} (and never
   * more than {@code reassertEveryTicks}). A state that cannot be applied whole for long (an
   * unplugged modem's interface is gone) then costs a few {@code ip} runs every few seconds, not on
   * every tick; a new desired state or a link event is still applied at once.
   */
  static int retryBackoffTicks(int failures) {
    return failures <= 1 ? 1 : Math.min(MAX_RETRY_BACKOFF_TICKS, 1 << Math.min(failures - 1, 30));
  }

  private void notifyListeners(String method, Consumer<FailoverListener> call) {
    for (FailoverListener listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException e) {
        logger.warn("listener {} threw from {}; ignored", listener, method, e);
      }
    }
  }

  private static String describe(RoutingState state) {
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < state.routes().size(); i++) {
      if (i > 0) {
        text.append(", ");
      }
      text.append(state.routes().get(i).provider().id())
          .append(" metric ")
          .append(state.routes().get(i).metric());
    }
    return text.append(']').toString();
  }

  private EngineStatus buildStatus(Instant at, List<ProviderHistory> histories) {
    List<EngineStatus.ProviderReport> reports = new ArrayList<>(providers.size());
    ImmutableSet<String> down = linkDown;
    for (ProviderHistory h : histories) {
      String id = h.provider().id();
      reports.add(report(h, statuses.get(id), !down.contains(id)));
    }
    Decision current = decision;
    List<String> ranking = new ArrayList<>();
    if (current != null) {
      for (Provider provider : current.ranked()) {
        ranking.add(provider.id());
      }
    }
    return new EngineStatus(
        at,
        ticks,
        policy.name(),
        intervalInForce(),
        current == null ? null : current.main().id(),
        current == null ? null : current.reason(),
        current == null ? "" : current.detail(),
        mainSince,
        ranking,
        settings.startMetric(),
        stickyReading,
        lastAppliedAt,
        lastApplyFailure,
        reports);
  }

  private static EngineStatus.ProviderReport report(
      ProviderHistory h, ProviderStatus status, boolean linkUsable) {
    List<ProbeRound> rounds = h.rounds();
    List<TestResult.Outcome> recent = new ArrayList<>(RECENT_ROUNDS);
    for (int i = Math.max(0, rounds.size() - RECENT_ROUNDS); i < rounds.size(); i++) {
      recent.add(outcome(rounds.get(i)));
    }
    int checks = 0;
    int lost = 0;
    int successes = 0;
    Duration latencySum = Duration.ZERO;
    for (ProbeRound round : rounds) {
      for (TestResult result : round.results()) {
        checks++;
        if (result.succeeded()) {
          successes++;
          latencySum = latencySum.plus(result.latency());
        } else {
          lost++;
        }
      }
    }
    return new EngineStatus.ProviderReport(
        h.provider().id(),
        status.state(),
        status.since(),
        status.reason(),
        status.eligible(),
        linkUsable,
        recent,
        h.size(),
        h.failedCount(),
        checks == 0 ? 0 : 100.0 * lost / checks,
        successes == 0 ? null : latencySum.dividedBy(successes));
  }

  private static TestResult.Outcome outcome(ProbeRound round) {
    for (TestResult result : round.results()) {
      if (!result.succeeded()) {
        return result.outcome();
      }
    }
    return TestResult.Outcome.SUCCESS;
  }
}
