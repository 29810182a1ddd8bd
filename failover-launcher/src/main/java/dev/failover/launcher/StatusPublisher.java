package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.util.concurrent.AbstractScheduledService;
import dev.failover.core.EngineStatus;
import dev.failover.core.FailoverEngine;
import dev.failover.launcher.status.StatusFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the engine's status to the status file after every tick, for {@code failover status}.
 *
 * <p>Made by {@link FailoverDaemon} for the engine of its service (not injected, so that it can
 * never get an engine of its own). It runs on the tick thread, so a write never overlaps a tick,
 * and looks every {@value #MAX_POLL_MILLIS} ms (or every check interval, if shorter) whether a tick
 * has completed since its last write; the file is therefore at most that much behind the engine. A
 * failed write is logged at WARN once until a write succeeds again, and never stops the daemon: the
 * status is for people, the routes are what matter.
 */
final class StatusPublisher extends AbstractScheduledService {
  private static final Logger logger = LoggerFactory.getLogger(StatusPublisher.class);

  /** The longest a completed tick waits to be written. */
  static final long MAX_POLL_MILLIS = 1_000;

  private final FailoverEngine engine;
  private final StatusFile file;
  private final Duration checkInterval;
  private final Path stickyFile;
  private final InstantSource clock;
  private final ScheduledExecutorService executor;

  private long writtenTicks = -1;
  private @Nullable String lastFailure;

  StatusPublisher(
      FailoverEngine engine,
      Path statusFile,
      Duration checkInterval,
      Path stickyFile,
      InstantSource clock,
      ScheduledExecutorService executor) {
    this.engine = checkNotNull(engine, "engine");
    this.file = new StatusFile(checkNotNull(statusFile, "statusFile"));
    this.checkInterval = checkNotNull(checkInterval, "checkInterval");
    this.stickyFile = checkNotNull(stickyFile, "stickyFile");
    this.clock = checkNotNull(clock, "clock");
    this.executor = checkNotNull(executor, "executor");
  }

  @Override
  protected void runOneIteration() {
    EngineStatus status = engine.status();
    if (status.ticks() != writtenTicks) {
      write(status, true);
    }
  }

  /** Writes the final status of a stopped daemon; called once the engine no longer ticks. */
  void writeStopped() {
    write(engine.status(), false);
  }

  private synchronized void write(EngineStatus status, boolean running) {
    try {
      file.write(status, checkInterval, stickyFile, running, clock.instant());
      writtenTicks = status.ticks();
      if (lastFailure != null) {
        logger.info("status file {} is written again", file.file());
        lastFailure = null;
      }
    } catch (IOException | RuntimeException e) {
      String failure = e.toString();
      if (!failure.equals(lastFailure)) {
        logger.warn(
            "cannot write the status file {}; 'failover status' will be stale", file.file(), e);
        lastFailure = failure;
      }
    }
  }

  @Override
  protected Scheduler scheduler() {
    long period = Math.max(1, Math.min(MAX_POLL_MILLIS, checkInterval.toMillis()));
    return Scheduler.newFixedDelaySchedule(Duration.ofMillis(period), Duration.ofMillis(period));
  }

  @Override
  protected ScheduledExecutorService executor() {
    return executor;
  }

  @Override
  protected String serviceName() {
    return "StatusPublisher";
  }
}
