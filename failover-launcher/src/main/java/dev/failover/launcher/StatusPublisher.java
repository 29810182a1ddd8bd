package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.util.concurrent.AbstractScheduledService;
import dev.failover.core.EngineStatus;
import dev.failover.core.FailoverEngine;
import dev.failover.launcher.status.StatusDocument;
import dev.failover.launcher.status.StatusFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the engines' status to the status file after every tick, for {@code failover status}.
 *
 * <p>Made by {@link FailoverDaemon} for the engines of its services (not injected, so that it can
 * never get an engine of its own): the IPv4 one and, when a provider has IPv6, the IPv6 one, both
 * in one document ({@link StatusDocument}), so that a reader sees the two families of one moment
 * and one write never undoes the other's. It runs on the IPv4 engine's tick thread, so a write
 * never overlaps an IPv4 tick, and reads each engine's last status snapshot, which never waits for
 * a tick of the other family's thread; it looks every {@value #MAX_POLL_MILLIS} ms (or every
 * check interval, if shorter) whether either engine's status changed (a tick, or a decision on a
 * link change) since its last write; the file is therefore at most that much behind the engines. A
 * failed write is logged at WARN once until a write succeeds again, and never stops the daemon: the
 * status is for people, the routes are what matter.
 */
final class StatusPublisher extends AbstractScheduledService {
  private static final Logger logger = LoggerFactory.getLogger(StatusPublisher.class);

  /** The longest a completed tick waits to be written. */
  static final long MAX_POLL_MILLIS = 1_000;

  private final FailoverEngine engine;
  private final Optional<FailoverEngine> ipv6;
  private final StatusFile file;
  private final Duration checkInterval;
  private final Path stickyFile;
  private final InstantSource clock;
  private final ScheduledExecutorService executor;

  private @Nullable EngineStatus written;
  private Optional<EngineStatus> writtenIpv6 = Optional.empty();
  private @Nullable String lastFailure;

  /**
   * @param engine the IPv4 engine
   * @param ipv6 the IPv6 engine, if the daemon runs one
   */
  StatusPublisher(
      FailoverEngine engine,
      Optional<FailoverEngine> ipv6,
      Path statusFile,
      Duration checkInterval,
      Path stickyFile,
      InstantSource clock,
      ScheduledExecutorService executor) {
    this.engine = checkNotNull(engine, "engine");
    this.ipv6 = checkNotNull(ipv6, "ipv6");
    this.file = new StatusFile(checkNotNull(statusFile, "statusFile"));
    this.checkInterval = checkNotNull(checkInterval, "checkInterval");
    this.stickyFile = checkNotNull(stickyFile, "stickyFile");
    this.clock = checkNotNull(clock, "clock");
    this.executor = checkNotNull(executor, "executor");
  }

  @Override
  protected void runOneIteration() {
    EngineStatus status = engine.status();
    Optional<EngineStatus> six = ipv6.map(FailoverEngine::status);
    // Equal snapshots hold nothing new; a tick or a decision of either engine makes a new one.
    if (!status.equals(written) || !six.equals(writtenIpv6)) {
      write(status, six, true);
    }
  }

  /** Writes the final status of a stopped daemon; called once the engines no longer tick. */
  void writeStopped() {
    write(engine.status(), ipv6.map(FailoverEngine::status), false);
  }

  private synchronized void write(
      EngineStatus status, Optional<EngineStatus> six, boolean running) {
    try {
      file.write(
          StatusDocument.of(status, six, checkInterval, stickyFile, running, clock.instant()));
      written = status;
      writtenIpv6 = six;
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
