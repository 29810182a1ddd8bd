package dev.failover.core;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.util.concurrent.AbstractScheduledService;
import jakarta.inject.Inject;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link FailoverEngine} tick on a fixed cadence ({@code check_interval}) as a Guava {@link
 * com.google.common.util.concurrent.Service}.
 *
 * <p>The first tick runs at start; each next one is scheduled {@link
 * FailoverEngine#nextTickDelay()} after the previous one ends, which is {@code check_interval}
 * minus the tick's own duration, so ticks start {@code check_interval} apart. {@link
 * #requestTick()} runs an extra tick at once (for a link event), without waiting for the cadence.
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
    if (!isRunning()) {
      return false;
    }
    if (!tickRequested.compareAndSet(false, true)) {
      return true;
    }
    try {
      executor.execute(
          () -> {
            tickRequested.set(false);
            if (isRunning()) {
              tickSafely("requested");
            }
          });
      return true;
    } catch (RejectedExecutionException e) {
      tickRequested.set(false);
      logger.warn("a requested tick could not be scheduled; the next scheduled tick will run", e);
      return false;
    }
  }

  @Override
  protected void startUp() {
    logger.info(
        "failover started: {} providers, policy '{}', check_interval {} ms",
        engine.providers().size(),
        engine.policyName(),
        engine.settings().checkInterval().toMillis());
  }

  @Override
  protected void runOneIteration() {
    tickSafely("scheduled");
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

  private void tickSafely(String kind) {
    try {
      engine.runOnce();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      // Everything else is caught: an exception escaping here would stop the service for good.
      logger.error("the {} tick failed; the next tick runs as scheduled", kind, e);
    }
  }
}
