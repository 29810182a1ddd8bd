package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Stopwatch;
import com.google.common.base.Ticker;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.failover.api.AddressFamily;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.FailoverListener;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.Providers;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.api.RouteBackend;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.api.TestScenario;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reliability engine: each {@link #runOnce() tick} probes every provider, records the results,
 * asks the policy, selects the main provider and makes the route backend apply the result.
 *
 * <p>This class is the shell around a pure step (docs/architecture.md, "One tick"): it does the I/O
 * and the bookkeeping of threads, and {@link EngineStep} holds every rule. A tick:
 *
 * <ol>
 *   <li><b>probe:</b> each provider's scenarios ({@link ProviderScenarios}: the global ones, its
 *       own, or both) run against it, every provider concurrently on the probe executor, all
 *       within one {@code probe_timeout}, or with adaptive timeouts ({@link ProbeTimeouts}) each
 *       within its own, following its round-trip time ({@link ProbeRunner}); a hung check is
 *       cancelled and recorded as a timeout, a check that throws as a failure; each provider's
 *       {@link ProbeRound} goes into the {@link HistoryStore};
 *   <li><b>step:</b> with the histories, the sticky reading, the link states and the time (read
 *       once), {@link EngineStep#step} assesses (keeping the previous statuses where the {@link
 *       ReliabilityPolicy} throws or breaks {@link ProviderState}'s table), selects ({@link
 *       Selection}; the first selection waits, for at most {@value #MAX_STARTUP_HOLDS} decisions,
 *       while a provider ranked above the one it would pick has no verdict yet) and says whether to
 *       apply;
 *   <li><b>apply:</b> the backend gets the whole desired {@link RoutingState} when it differs from
 *       the last one applied successfully, when the last attempt failed (a retry: on the next tick;
 *       while the same state keeps being applied only partly with its main route in place, see
 *       {@link ApplyOutcome#mainRouteInPlace()}, after 2, 4, 8 and at most {@value
 *       #MAX_RETRY_BACKOFF_TICKS} ticks), or when {@code reassertEveryTicks} ticks passed since the
 *       last successful apply (to repair drift); a {@link #decideNow()} that decides applies; the
 *       answer goes back into the state through {@link EngineStep#afterApply};
 *   <li><b>publish:</b> the step's {@link EngineEvent}s are logged and told to the listeners (state
 *       changes, a switch of the main provider, then the apply's outcome; an exception from a
 *       listener is logged and ignored), and a new {@link EngineStatus} is stored. Publishing
 *       follows the apply, so that a switch waits for no log line and no listener.
 * </ol>
 *
 * <p><b>Address family:</b> an engine judges and routes one family, {@link
 * EngineSettings#family()} (IPv4 unless set). It takes only the providers that have that family,
 * runs only the scenarios of it ({@link ProviderScenarios#forFamily}), keeps its own histories and
 * verdicts, takes resolutions of its family, and hands the backend routing states of its family. A
 * dual-stack router runs two engines over the same providers, one per family, so that a provider
 * whose IPv6 is down and IPv4 up loses the IPv6 main route and keeps the IPv4 one
 * (docs/architecture.md, "IPv6 (dual stack)"). The family is a setting rather than a parameter of
 * its own so that the engine's injected constructor keeps its shape, and because it is what the
 * other settings are for: one engine's cadence, metrics and history.
 *
 * <p><b>Cadence:</b> the next tick is due {@code check_interval} after the start of the last one,
 * or {@code fast_check_interval} while any provider is in doubt ({@code SUSPECT}, {@code
 * RECOVERING} or {@code INSUFFICIENT_DATA}), half of it while a policy's sequential test runs, or
 * three quarters of it for at most two ticks after a provider in service answered nothing; see
 * {@link #nextTickDelay()}.
 *
 * <p><b>Links:</b> {@link #linkChanged} records whether a provider's link is usable. A provider
 * whose link is down is not selected as main whatever its policy status, keeps its route (ranked
 * after the usable providers), and keeps its history and status; {@link #decideNow()} re-decides at
 * once from what is known, without probing.
 *
 * <p>Nothing a probe, the policy, the sticky source, the backend or a listener throws escapes a
 * tick (an {@link Error} from the engine's own thread aside), and the engine never removes routes:
 * stopping it leaves the last applied state in place, so the router keeps a default route.
 *
 * <p><b>Threading:</b> ticks and decisions are serialised, so {@link #runOnce()} and {@link
 * #decideNow()} may be called from the scheduler and from an immediate {@link
 * FailoverService#requestTick() request} alike. A tick probes without holding back decisions: it
 * takes the decision lock only once its round is in, to record, step and apply, so a decision for
 * a link event waits at most for another step and apply, never for a probe's timeout. {@link
 * #linkChanged} never waits for a tick. {@link
 * #status()}, {@link #nextTickDelay()} and {@link #desiredState()} read immutable snapshots and may
 * be called from any thread at any time.
 *
 * <p><b>Time:</b> timestamps come from the injected {@link InstantSource}, elapsed time from the
 * injected {@link Ticker}; the engine reads no system clock and never sleeps. The policy is given
 * the engine's monotonic time (the wall clock at creation plus the ticker's elapsed time), so the
 * dwell and damping follow the ticker even when the wall clock is stepped; the wall clock only
 * stamps what is displayed (rounds, events, the status, whose {@code since} are converted back).
 */
public final class FailoverEngine {
  private static final Logger logger = LoggerFactory.getLogger(FailoverEngine.class);

  /** How many of the newest rounds {@link EngineStatus.ProviderReport#recentOutcomes} shows. */
  public static final int RECENT_ROUNDS = 10;

  /**
   * The most decisions the first one is held for while a better-ranked provider has no verdict yet
   * (see {@link Selection#unjudgedAhead}); the damped policy judges a provider within 3 rounds.
   */
  public static final int MAX_STARTUP_HOLDS = EngineStep.MAX_STARTUP_HOLDS;

  /** The most ticks between two retries of a state whose apply keeps failing. */
  public static final int MAX_RETRY_BACKOFF_TICKS = ApplyLedger.MAX_RETRY_BACKOFF_TICKS;

  private final EngineSettings settings;
  private final AddressFamily family;
  private final Providers providers;
  private final ProviderScenarios scenarios;
  private final String policyName;
  private final RouteBackend backend;
  private final StickySource sticky;
  private final ImmutableList<FailoverListener> listeners;
  private final InstantSource clock;
  private final Ticker ticker;
  private final HistoryStore history;
  private final ProbeRunner probes;
  private final EngineStep step;
  /** The origin of the monotonic timeline: the wall clock and the ticker at creation. */
  private final Instant origin;

  private final long originNanos;

  // Held by a tick from start to end, so that two ticks never probe at once.
  private final ReentrantLock probeLock = new ReentrantLock();
  // Held while the state steps, applies and publishes: by a tick after its probes, by a decision.
  private final ReentrantLock decisionLock = new ReentrantLock();
  private final Object linkLock = new Object();

  // Written under linkLock, read anywhere: the ids of the providers whose link is down.
  private volatile ImmutableSet<String> linkDown = ImmutableSet.of();
  // Written under linkLock, read anywhere: each provider's resolution, by id, in priority order.
  private volatile ImmutableMap<String, ProviderResolution> resolutions;
  // Written under decisionLock, read anywhere.
  private volatile EngineState state;
  private volatile EngineStatus status;
  private volatile Duration nextTickDelay = Duration.ZERO;
  // Written under decisionLock.
  private boolean failoverPathWarmed;

  /**
   * Creates an engine; nothing runs until the first {@link #runOnce()}.
   *
   * @param settings the engine's settings, among them its address family
   * @param providers the uplinks in priority order (most preferred first); the engine takes those
   *     that have its family
   * @param scenarios the health checks run against every provider, in configured order (the order
   *     of each {@link ProbeRound}'s results); not empty, with unique names
   * @param policy judges the providers
   * @param backend applies the routing state
   * @param sticky read once per tick; {@link StickySource#none()} if there is no sticky file
   * @param listeners told of events, in iteration order
   * @param probeExecutor handed to {@link dev.failover.api.TestScenario#start}, runs the checks
   *     that block; should have a thread for each provider &times; scenario pair of such checks;
   *     owned by the caller, which shuts it down
   * @param clock timestamps (rounds, statuses, events)
   * @param ticker elapsed time (the probe deadline, the cadence)
   * @throws IllegalArgumentException if the scenarios are empty or not unique, or the metrics
   *     {@code start_metric + number of providers - 1} overflow
   */
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
    this(
        settings,
        ProbeTimeouts.fixed(),
        providers,
        scenarios,
        policy,
        backend,
        sticky,
        listeners,
        probeExecutor,
        clock,
        ticker);
  }

  /**
   * Creates an engine whose probes time out as {@code timeouts} say: fixed at {@code
   * probe_timeout}, or following each target's round-trip time through each provider ({@link
   * ProbeRunner}); the other parameters are those of the constructor without it, which keeps fixed
   * timeouts.
   *
   * @throws IllegalArgumentException as the constructor without {@code timeouts}
   */
  public FailoverEngine(
      EngineSettings settings,
      ProbeTimeouts timeouts,
      Providers providers,
      Set<TestScenario> scenarios,
      ReliabilityPolicy policy,
      RouteBackend backend,
      StickySource sticky,
      Set<FailoverListener> listeners,
      ExecutorService probeExecutor,
      InstantSource clock,
      Ticker ticker) {
    this(
        settings,
        timeouts,
        providers,
        ProviderScenarios.shared(checkNotNull(scenarios, "scenarios")),
        policy,
        backend,
        sticky,
        listeners,
        probeExecutor,
        clock,
        ticker);
  }

  /**
   * Creates an engine in which a provider may run health checks of its own, in addition to the
   * global ones or instead of them ({@link ProviderScenarios}); the other parameters are those of
   * the constructor with a set of scenarios, which runs the same ones through every provider.
   *
   * @throws IllegalArgumentException if no provider has the engine's family, a provider of the
   *     family would run no scenario of it, {@code scenarios} names a provider that is not among
   *     {@code providers}, the backend does not {@linkplain RouteBackend#supports serve} the
   *     family, or the metrics {@code start_metric + number of providers - 1} overflow
   */
  @Inject
  public FailoverEngine(
      EngineSettings settings,
      ProbeTimeouts timeouts,
      Providers providers,
      ProviderScenarios scenarios,
      ReliabilityPolicy policy,
      RouteBackend backend,
      StickySource sticky,
      Set<FailoverListener> listeners,
      ExecutorService probeExecutor,
      InstantSource clock,
      Ticker ticker) {
    this.settings = checkNotNull(settings, "settings");
    this.family = settings.family();
    checkNotNull(providers, "providers");
    checkNotNull(scenarios, "scenarios");
    List<Provider> ofFamily = providers.having(family);
    checkArgument(
        !ofFamily.isEmpty(),
        "no provider has %s, so an %s engine has nothing to judge; providers: %s",
        family,
        family,
        providers.ids());
    this.providers = Providers.of(ofFamily);
    this.scenarios = scenarios.forFamily(family);
    checkNotNull(policy, "policy");
    this.backend = checkNotNull(backend, "backend");
    checkArgument(
        backend.supports(family),
        "the route backend %s does not serve %s, so an %s engine cannot use it",
        backend,
        family,
        family);
    this.sticky = checkNotNull(sticky, "sticky");
    this.listeners = ImmutableList.copyOf(checkNotNull(listeners, "listeners"));
    this.clock = checkNotNull(clock, "clock");
    this.ticker = checkNotNull(ticker, "ticker");
    checkScenarios(providers, this.providers, scenarios, this.scenarios, family);
    checkArgument(
        settings.startMetric() <= Integer.MAX_VALUE - (this.providers.size() - 1),
        "start_metric + number of providers - 1 must be <= %s, was %s + %s",
        Integer.MAX_VALUE,
        settings.startMetric(),
        this.providers.size() - 1);
    this.history = new HistoryStore(this.providers, settings.historyCapacity());
    this.probes =
        new ProbeRunner(
            checkNotNull(probeExecutor, "probeExecutor"),
            ticker,
            settings.probeTimeout(),
            checkNotNull(timeouts, "timeouts"));
    this.step = new EngineStep(this.providers, settings, policy);
    this.policyName = policy.name();
    ImmutableMap.Builder<String, ProviderResolution> initial = ImmutableMap.builder();
    for (Provider provider : this.providers) {
      initial.put(
          provider.id(),
          provider.learnsFromInterface(family)
              ? ProviderResolution.unconfigured(
                  provider.id(),
                  family,
                  "not learned from interface " + provider.interfaceName() + " yet")
              : ProviderResolution.resolved(provider, family));
    }
    this.resolutions = initial.buildOrThrow();
    Instant now = clock.instant();
    this.origin = now;
    this.originNanos = ticker.read();
    this.state = step.initial(now);
    this.status =
        EngineStatus.of(state, history.snapshot(), resolutions, policyName, settings, now, now);
  }

  /**
   * Now on the engine's monotonic timeline: the wall-clock time at the engine's creation plus the
   * ticker's elapsed time since. It never steps, whatever the wall clock does, so the policy
   * measures the dwell and damping on it.
   */
  private Instant monotonicNow() {
    return origin.plusNanos(ticker.read() - originNanos);
  }

  /**
   * Runs one tick: probe, record, assess, select, apply, publish. Blocks for at most about {@code
   * probe_timeout} (with adaptive timeouts, the longest timeout of the round, at most {@code
   * probe_timeout_max}) plus the backend's apply.
   *
   * <p>Never throws for a failure of a probe, the policy, the sticky source, the backend or a
   * listener. If the calling thread is interrupted while waiting for the probes, the tick stops
   * without recording anything, the interrupt flag stays set, and the previous status is returned.
   *
   * @return the status after this tick
   */
  public EngineStatus runOnce() {
    probeLock.lock();
    Stopwatch stopwatch = Stopwatch.createStarted(ticker);
    try {
      return tick();
    } finally {
      // Also after an Error escaped the tick, so that a failing tick does not re-run at once.
      Duration delay =
          state
              .interval(settings, EngineStatus.unconfigured(resolutions), history.snapshot())
              .minus(stopwatch.elapsed());
      nextTickDelay = delay.isNegative() ? Duration.ZERO : delay;
      probeLock.unlock();
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
   * (see {@link #MAX_STARTUP_HOLDS}) does it decide and apply nothing. Serialised with ticks;
   * blocks while a tick steps and applies, or another decision runs, but not while a tick waits
   * for its probes. Never throws for a failure of the sticky source, the backend or a
   * listener.
   *
   * @return the status after this decision
   */
  public EngineStatus decideNow() {
    decisionLock.lock();
    try {
      return decideLocked();
    } finally {
      decisionLock.unlock();
    }
  }

  /**
   * Runs a {@link #decideNow() decision} on the calling thread if no tick is stepping or applying
   * and no other decision runs at this instant, and the calling thread is not inside one (a
   * listener); otherwise does nothing and returns empty at once. A tick that is only waiting for
   * its probes does not hold the decision back. For {@link FailoverService#requestDecision}, so
   * that a link event is acted on without a thread handoff.
   *
   * @return the status after the decision, or empty if it did not run
   */
  public Optional<EngineStatus> tryDecideNow() {
    // A listener asking from inside a decision would otherwise nest one in the other.
    if (decisionLock.isHeldByCurrentThread() || !decisionLock.tryLock()) {
      return Optional.empty();
    }
    try {
      return Optional.of(decideLocked());
    } finally {
      decisionLock.unlock();
    }
  }

  private EngineStatus decideLocked() {
    ImmutableSet<String> down = linkDown;
    logger.debug("re-deciding without probing (links down: {})", down);
    return decide(
        EngineStep.Input.decision(readSticky(), down, clock.instant(), monotonicNow())
            .withCurrent(current()),
        history.snapshot());
  }

  /** The resolved providers with their values in force, in priority order. */
  private List<Provider> current() {
    List<Provider> current = new ArrayList<>(providers.size());
    for (ProviderResolution resolution : resolutions.values()) {
      if (resolution.provider() != null) {
        current.add(resolution.provider());
      }
    }
    return current;
  }

  /**
   * Records what provider {@code resolution.providerId()} is now: resolved with the values in
   * force (learned from its interface: a DHCP lease, a point-to-point peer) or unconfigured, with
   * the reason. Every provider whose config names all its values is resolved from the start; one
   * that leaves any to be learned is unconfigured until told otherwise. An unconfigured provider
   * is not probed, never main and has no routes; its history and status are kept for when it
   * returns.
   *
   * <p>Only records, as {@link #linkChanged} does: {@link FailoverService#providerResolved} asks
   * for a decision at once. Safe to call from any thread; never waits for a tick.
   *
   * @return whether the recorded resolution changed
   * @throws IllegalArgumentException if the resolution is of another family than the engine's, the
   *     id names no configured provider of the family, or the resolved provider has another
   *     interface or table than the configured one, or contradicts a configured value
   */
  public boolean providerResolved(ProviderResolution resolution) {
    checkNotNull(resolution, "resolution");
    checkArgument(
        resolution.family() == family,
        "an %s engine takes %s resolutions, but the one of provider '%s' is %s",
        family,
        family,
        resolution.providerId(),
        resolution.family());
    Provider configured =
        providers
            .byId(resolution.providerId())
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "no configured provider with "
                            + family
                            + " has id '"
                            + resolution.providerId()
                            + "'"));
    Provider given = resolution.provider();
    if (given != null) {
      checkArgument(
          given.resolves(configured),
          "%s resolved to values that contradict its configuration",
          configured);
    }
    synchronized (linkLock) {
      ImmutableMap<String, ProviderResolution> before = resolutions;
      if (resolution.equals(before.get(configured.id()))) {
        return false;
      }
      Map<String, ProviderResolution> after = new LinkedHashMap<>(before);
      after.put(configured.id(), resolution);
      resolutions = ImmutableMap.copyOf(after);
    }
    if (given == null) {
      logger.info("{} is unconfigured: {}", configured, resolution.reason());
    } else {
      logger.info(
          "{} resolved for {}: {} on {}, network {}, {}",
          configured,
          family,
          given.address(family).map(AddressFamily::text).orElse("?"),
          given.interfaceName(),
          given.networkText(family).orElse("?"),
          given
              .gateway(family)
              .map(
                  gw ->
                      "gateway "
                          + AddressFamily.text(gw)
                          + (family == AddressFamily.IPV4 && given.onlink() ? " on-link" : ""))
              .orElse("no gateway (point-to-point)"));
    }
    return true;
  }

  /** What each configured provider is now, by id, in priority order. Safe from any thread. */
  public Map<String, ProviderResolution> resolutions() {
    return resolutions;
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
   * While a policy's sequential test runs (a loss score above 0, or a recovery score above 0
   * while {@code DOWN}) the interval is half a {@code fast_check_interval}: the test decides on
   * probes. After a round in which a provider in service answered nothing, the next one or two
   * ticks are hurried to three quarters of a {@code fast_check_interval}, so a blackhole's three
   * failed rounds take 0.4 s instead of 0.5 s at the defaults (a tick longer than that is followed
   * at once); see {@code EngineState.interval}.
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
    return Optional.ofNullable(state.desired());
  }

  /** The configured providers that have the engine's family, in priority order. */
  public Providers providers() {
    return providers;
  }

  /** The address family the engine judges and routes. */
  public AddressFamily family() {
    return family;
  }

  /**
   * Every own list belongs to a configured provider, and every provider of the family runs at
   * least one scenario of it.
   */
  private static void checkScenarios(
      Providers all,
      Providers ofFamily,
      ProviderScenarios configured,
      ProviderScenarios scenarios,
      AddressFamily family) {
    if (configured.allShared()) {
      checkArgument(!configured.global().isEmpty(), "test_cases must not be empty");
    }
    for (String id : configured.withOwnScenarios()) {
      checkArgument(
          all.ids().contains(id),
          "test_cases of provider '%s' given, but there is no such provider; providers: %s",
          id,
          all.ids());
    }
    for (Provider provider : ofFamily) {
      checkArgument(
          !configured.forProvider(provider.id()).isEmpty(),
          "provider '%s' runs no test case: test_cases is empty and it has none of its own",
          provider.id());
      checkArgument(
          !scenarios.forProvider(provider.id()).isEmpty(),
          "provider '%s' has %s but runs no %s test case: none of its test cases targets an %s"
              + " address",
          provider.id(),
          family,
          family,
          family);
    }
  }

  /** Which scenarios of the engine's family run through which provider. */
  public ProviderScenarios scenarios() {
    return scenarios;
  }

  /** The engine's settings. */
  public EngineSettings settings() {
    return settings;
  }

  /** The policy's name. */
  public String policyName() {
    return policyName;
  }

  /** The history store, for tests. */
  HistoryStore history() {
    return history;
  }

  /**
   * Probes (holding only {@code probeLock}, so that a decision for a link event never waits for
   * the probes), then records the round and steps under {@code decisionLock}. Called with {@code
   * probeLock} held.
   */
  private EngineStatus tick() {
    List<Provider> current = current();
    Optional<ImmutableMap<Provider, ProbeRound>> round =
        probes.runRound(current, scenarios, clock.instant());
    if (round.isEmpty()) {
      logger.info("tick {} interrupted while probing; nothing recorded", state.ticks() + 1);
      return status;
    }
    decisionLock.lock();
    try {
      round.get().forEach(history::record);
      round.get().forEach(this::publishRound);
      List<ProviderHistory> histories = history.snapshot();
      EngineStep.Input input =
          EngineStep.Input.tick(
                  histories, readSticky(), linkDown, clock.instant(), monotonicNow())
              .withCurrent(current());
      return decide(input, histories);
    } finally {
      decisionLock.unlock();
    }
  }

  /**
   * Steps, applies what the step asks for, publishes the events and the status. Called with {@code
   * decisionLock} held.
   */
  private EngineStatus decide(EngineStep.Input input, List<ProviderHistory> histories) {
    EngineStep.Result next = step.step(state, input);
    state = next.state();
    Optional<RoutingState> wanted = next.toApply();
    if (wanted.isEmpty()) {
      publish(next.events());
    } else {
      // The kernel first: the step's log lines and listeners (hooks, metrics) follow the routes,
      // so a switch waits for none of them. Listeners still get the step's events first.
      EngineStep.ApplyResult result = apply(wanted.get());
      publish(next.events());
      EngineStep.Result applied = step.afterApply(state, result, input.now());
      state = applied.state();
      publish(applied.events());
      warmFailoverPath(input);
    }
    status =
        EngineStatus.of(
            state,
            histories,
            resolutions,
            policyName,
            settings,
            input.now(),
            input.monotonic());
    return status;
  }

  /**
   * Once a main provider is first in place, steps once more, as if its link had just gone down,
   * and throws the result away: the step is pure, so this changes nothing, but it loads and links
   * the code of a failover (the selection's other branches, the events and their texts) now rather
   * than during the first outage, where the JVM's lazy class loading cost about 5 ms.
   */
  private void warmFailoverPath(EngineStep.Input input) {
    Decision decision = state.decision();
    if (failoverPathWarmed || decision == null) {
      return;
    }
    failoverPathWarmed = true;
    Set<String> down = new LinkedHashSet<>(input.linkDown());
    down.add(decision.main().id());
    try {
      EngineStep.Input failover =
          EngineStep.Input.decision(input.sticky(), down, input.now(), input.monotonic());
      step.step(state, input.current() == null ? failover : failover.withCurrent(input.current()));
    } catch (RuntimeException e) {
      // The same step runs for real on the first outage, and its failure is handled there.
      logger.warn("warming the failover path failed; ignored", e);
    }
  }

  private StickyReading readSticky() {
    try {
      return checkNotNull(sticky.read(), "the sticky source returned null");
    } catch (RuntimeException e) {
      logger.error("reading the sticky provider failed; no provider forced", e);
      return StickyReading.ignored("reading the sticky provider failed: " + e);
    }
  }

  /** Hands {@code wanted} to the backend; whatever it throws is a failed apply. */
  private EngineStep.ApplyResult apply(RoutingState wanted) {
    try {
      try {
        ApplyOutcome outcome =
            checkNotNull(backend.apply(wanted), "the route backend returned no outcome");
        return new EngineStep.ApplyResult.Done(wanted, outcome);
      } catch (RuntimeException e) {
        throw new RouteBackendException(
            null, "the route backend threw " + e, List.of(), null, "", e);
      }
    } catch (RouteBackendException e) {
      return new EngineStep.ApplyResult.Failed(wanted, e);
    }
  }

  /** Tells every listener of a recorded round; a listener that throws is logged and skipped. */
  private void publishRound(Provider provider, ProbeRound round) {
    for (FailoverListener listener : listeners) {
      try {
        listener.onRoundRecorded(provider, round);
      } catch (RuntimeException e) {
        logger.warn("listener {} threw from onRoundRecorded; ignored", listener, e);
      }
    }
  }

  /** Logs each event, then tells every listener; a listener that throws is logged and skipped. */
  private void publish(List<EngineEvent> events) {
    for (EngineEvent event : events) {
      event.log(logger);
      for (FailoverListener listener : listeners) {
        try {
          event.deliver(listener);
        } catch (RuntimeException e) {
          logger.warn("listener {} threw from {}; ignored", listener, event.listenerMethod(), e);
        }
      }
    }
  }
}
