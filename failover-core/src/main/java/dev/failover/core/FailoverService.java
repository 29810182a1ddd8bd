package dev.failover.core;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.util.concurrent.AbstractScheduledService;
import dev.failover.api.ProviderResolution;
import jakarta.inject.Inject;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link FailoverEngine} tick on its cadence ({@code check_interval}, or {@code
 * fast_check_interval} while a provider is in doubt) as a Guava {@link
 * com.google.common.util.concurrent.Service}.
 *
 * <p>The first tick runs at start; each next one is scheduled {@link
 * FailoverEngine#nextTickDelay()} after the previous one ends, which is the interval in force minus
 * the tick's own duration, so ticks start one interval apart and the cadence switches to fast and
 * back at the tick whose statuses call for it. {@link #requestTick()} runs an extra tick at once,
 * without waiting for the cadence. {@link #linkChanged} records a link event in the engine and
 * re-decides at once without probing, on the calling thread when it can (see {@link
 * #requestDecision()}).
 *
 * <p>Ticks run on the injected executor, and so do decisions that could not run on the thread
 * that asked for them. The engine serialises ticks and decisions, so a scheduled tick never starts
 * while another one is running: a tick longer than the interval in force only delays the next
 * one, which then starts at once.
 *
 * <p>A tick never stops the service: everything it throws is caught and logged here, because one
 * exception from {@code runOneIteration} would stop an {@link AbstractScheduledService} for good.
 * Stopping the service leaves the routes as they are (the router keeps its default route), and
 * does not shut the injected executor down: its owner does.
 *
 * <p>Thread-safe, like every {@code Service}.
 */
public final class FailoverService extends AbstractScheduledService {
  private static final Logger logger = LoggerFactory.getLogger(FailoverService.class);

  private final FailoverEngine engine;
  private final ScheduledExecutorService executor;
  private final AtomicBoolean tickRequested = new AtomicBoolean();
  private final AtomicBoolean decisionRequested = new AtomicBoolean();

  /**
   * Creates the service; it starts with {@link #startAsync()}.
   *
   * @param engine the engine to tick
   * @param executor runs the ticks; owned by the caller
   */
  @Inject
  public FailoverService(FailoverEngine engine, ScheduledExecutorService executor) {
    this.engine = checkNotNull(engine, "engine");
    this.executor = checkNotNull(executor, "executor");
  }

  /** The engine this service ticks. */
  public FailoverEngine engine() {
    return engine;
  }

  /**
   * Asks for a tick now, on the service's executor, in addition to the scheduled ones (for example
   * because a link went down). Requests made while one is pending are merged into it. Safe to call
   * from any thread.
   *
   * @return whether a tick is pending; false if the service is not running or the executor
   *     refused the task
   */
  public boolean requestTick() {
    return submitMerged(tickRequested, "requested tick", engine::runOnce);
  }

  /**
   * Runs {@code work} once on the executor unless a run is already pending ({@code pending} set).
   * The flag is cleared before the work starts, so a request made while it runs gets a run of its
   * own that sees whatever the request was about.
   */
  private boolean submitMerged(AtomicBoolean pending, String kind, Runnable work) {
    if (!isRunning()) {
      return false;
    }
    if (!pending.compareAndSet(false, true)) {
      return true;
    }
    try {
      executor.execute(
          () -> {
            pending.set(false);
            if (isRunning()) {
              runSafely(kind, work);
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      pending.set(false);
      logger.warn("a {} could not be scheduled; the next scheduled tick will run", kind, e);
      return false;
    }
  }

  /**
   * Records that the link of {@code interfaceName} is usable or not ({@link
   * FailoverEngine#linkChanged}) and, if that changed what the engine knows, re-decides at once
   * ({@link FailoverEngine#decideNow()}: selection, apply and events from the current statuses,
   * without probing), on the calling thread or the service's executor as {@link
   * #requestDecision()} says. Decisions requested while one is pending are merged into it; the
   * pending one reads the newest link states. Safe to call from any thread that may wait for one
   * decision. Before the service runs (or after it stopped) the link state is still recorded, and
   * the first tick uses it.
   *
   * @param interfaceName the interface whose link changed, such as {@code eth1}; an interface no
   *     provider uses is ignored
   * @param usable whether traffic can leave through it (carrier and interface up)
   * @return whether a decision ran or is pending: false if nothing changed (unknown interface, repeated
   *     state), the service is not running, or the executor refused the task
   */
  public boolean linkChanged(String interfaceName, boolean usable) {
    if (!engine.linkChanged(interfaceName, usable)) {
      return false;
    }
    return requestDecision();
  }

  /**
   * Records what a provider is now ({@link FailoverEngine#providerResolved}: a learned address,
   * gateway or peer, or unconfigured with the reason) and, if that changed, re-decides at once as
   * {@link #linkChanged} does, and asks for a tick, so that a provider that has just been resolved
   * is probed without waiting for the cadence. Safe to call from any thread.
   *
   * @return whether a decision ran or is pending: false if nothing changed or the service is not
   *     running
   * @throws IllegalArgumentException as {@link FailoverEngine#providerResolved}
   */
  public boolean providerResolved(ProviderResolution resolution) {
    if (!engine.providerResolved(resolution)) {
      return false;
    }
    boolean decided = requestDecision();
    if (resolution.isResolved()) {
      requestTick();
    }
    return decided;
  }

  /**
   * Asks for a {@link FailoverEngine#decideNow() decision without probing} now: on the calling
   * thread if no tick is stepping or applying and no other decision runs at this instant ({@link
   * FailoverEngine#tryDecideNow()}; it then takes the step and the backend's apply, a few
   * milliseconds), otherwise on the service's executor, where requests made while one is pending
   * are merged into it. A tick that is only waiting for its probes does not hold the decision
   * back. Safe to call from any thread that may wait that long; nothing it throws escapes.
   *
   * @return whether a decision ran or is pending; false if the service is not running or the
   *     executor refused the task
   */
  public boolean requestDecision() {
    if (!isRunning()) {
      return false;
    }
    // On this thread when nothing steps at this instant: a thread handoff costs about a
    // millisecond on the path that decides how long the LAN is cut off.
    boolean[] ran = new boolean[1];
    runSafely("decision", () -> ran[0] = engine.tryDecideNow().isPresent());
    return ran[0] || submitMerged(decisionRequested, "decision", engine::decideNow);
  }

  @Override
  protected void startUp() {
    logger.info(
        "failover started: {} providers, policy '{}', check_interval {} ms,"
            + " fast_check_interval {} ms, probe_timeout {} ms",
        engine.providers().size(),
        engine.policyName(),
        engine.settings().checkInterval().toMillis(),
        engine.settings().fastCheckInterval().toMillis(),
        engine.settings().probeTimeout().toMillis());
  }

  @Override
  protected void runOneIteration() {
    runSafely("scheduled tick", engine::runOnce);
  }

  @Override
  protected void shutDown() {
    logger.info("failover stopped; the routes stay as they are");
  }

  @Override
  protected ScheduledExecutorService executor() {
    return executor;
  }

  @Override
  protected Scheduler scheduler() {
    return new CustomScheduler() {
      @Override
      protected Schedule getNextSchedule() {
        return new Schedule(engine.nextTickDelay());
      }
    };
  }

  @Override
  protected String serviceName() {
    return "FailoverService";
  }

  private void runSafely(String kind, Runnable work) {
    try {
      work.run();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      // Everything else is caught: an exception escaping here would stop the service for good.
      logger.error("the {} failed; the next tick runs as scheduled", kind, e);
    }
  }
}
