package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Ticker;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.FailoverListener;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.launcher.systemd.SystemdNotify;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells systemd how the daemon is doing, from the engine's events: {@code READY=1} after the first
 * routing state was applied, {@code STATUS=} the main provider and why, and {@code WATCHDOG=1} from
 * the tick thread.
 *
 * <p><b>Ready:</b> at the outcome of the first apply. A first apply that fails (a provider's
 * interface is missing, say) also counts, with a status that says so: the daemon runs and retries
 * on every tick, while a service that never became ready would be killed and restarted after {@code
 * TimeoutStartSec}, losing its history without fixing the interface.
 *
 * <p><b>Watchdog:</b> from the first tick on, a ping is queued on the tick thread itself every
 * third of {@code WatchdogSec}, between the ticks. A tick that hangs (a probe the timeout did not
 * stop, a route request that never returns) holds the thread, the pings stop, and systemd restarts
 * the service. The pings stop with the daemon, whose tick thread ends. The tick thread is the raw
 * one, not the timed view the metrics observe, so pings are not counted as ticks. A dual-stack
 * daemon's IPv6 engine ticks on a thread of its own: that thread records a heartbeat at the same
 * period, and a ping is sent only while every heartbeat is younger than {@code WatchdogSec}, so a
 * hung IPv6 tick stops the pings too (logged at ERROR once).
 *
 * <p>Called on the engine's thread (as every {@link FailoverListener}); never throws.
 */
final class SystemdNotifier implements FailoverListener {
  private static final Logger logger = LoggerFactory.getLogger(SystemdNotifier.class);

  private final SystemdNotify notify;
  private final ScheduledExecutorService tickThread;
  private final List<ScheduledExecutorService> otherTickThreads;
  private final Duration probeTimeout;
  private final Ticker ticker;
  private final List<AtomicLong> heartbeats = new ArrayList<>();
  private boolean ready;
  private boolean staleLogged;
  private boolean watchdogStarted;
  private String mainStatus = "no main provider yet";

  /**
   * @param notify where the messages go; {@link SystemdNotify#disabled()} makes this do nothing
   * @param tickThread the daemon's tick thread, on which the watchdog pings run between ticks
   * @param probeTimeout {@code probe_timeout}, about the longest a healthy tick holds the thread
   */
  SystemdNotifier(
      SystemdNotify notify, ScheduledExecutorService tickThread, Duration probeTimeout) {
    this(notify, tickThread, List.of(), probeTimeout, Ticker.systemTicker());
  }

  /**
   * @param otherTickThreads the other engines' tick threads (the IPv6 one), each of which must keep
   *     running for the pings to go on
   * @param ticker reads the heartbeats' age
   */
  SystemdNotifier(
      SystemdNotify notify,
      ScheduledExecutorService tickThread,
      List<ScheduledExecutorService> otherTickThreads,
      Duration probeTimeout,
      Ticker ticker) {
    this.notify = checkNotNull(notify, "notify");
    this.tickThread = checkNotNull(tickThread, "tickThread");
    this.otherTickThreads = List.copyOf(otherTickThreads);
    this.probeTimeout = checkNotNull(probeTimeout, "probeTimeout");
    this.ticker = checkNotNull(ticker, "ticker");
  }

  @Override
  public void onRoundRecorded(Provider provider, ProbeRound round) {
    startWatchdog();
  }

  @Override
  public void onMainProviderSwitched(MainProviderSwitched event) {
    startWatchdog();
    mainStatus =
        "main provider '"
            + event.to().id()
            + "' ("
            + event.reason().name().toLowerCase(Locale.ROOT).replace('_', ' ')
            + ": "
            + event.detail()
            + ")";
    if (ready) {
      notify.status(mainStatus);
    }
  }

  @Override
  public void onRoutesApplied(RoutingState desired, ApplyOutcome outcome) {
    startWatchdog();
    String status =
        outcome.isComplete() ? mainStatus : mainStatus + "; some routes not applied, retrying";
    if (!ready) {
      ready = true;
      notify.ready(status);
    } else {
      notify.status(status);
    }
  }

  @Override
  public void onApplyFailed(RoutingState desired, RouteBackendException failure) {
    startWatchdog();
    String status = mainStatus + "; applying the routes failed, retrying: " + failure.getMessage();
    if (!ready) {
      ready = true;
      notify.ready(status);
    } else {
      notify.status(status);
    }
  }

  /** Queues the pings on the tick thread, once, if systemd asked for a watchdog. */
  private void startWatchdog() {
    if (watchdogStarted || notify.watchdogInterval().isEmpty()) {
      return;
    }
    watchdogStarted = true;
    Duration interval = notify.watchdogInterval().get();
    Duration period = interval.dividedBy(3);
    if (probeTimeout.plus(period).compareTo(interval) >= 0) {
      // A healthy tick holds the thread for up to probe_timeout: the pings would come too late.
      logger.warn(
          "probe_timeout {} ms leaves too little of WatchdogSec ({} ms): systemd may restart a"
              + " healthy daemon; raise WatchdogSec with 'systemctl edit failover'",
          probeTimeout.toMillis(),
          interval.toMillis());
    }
    long periodMillis = Math.max(1, period.toMillis());
    try {
      for (ScheduledExecutorService other : otherTickThreads) {
        AtomicLong heartbeat = new AtomicLong(ticker.read());
        heartbeats.add(heartbeat);
        other.scheduleAtFixedRate(
            () -> heartbeat.set(ticker.read()), 0, periodMillis, TimeUnit.MILLISECONDS);
      }
      tickThread.scheduleAtFixedRate(
          () -> pingWhileEveryTickThreadRuns(interval), 0, periodMillis, TimeUnit.MILLISECONDS);
      logger.info("systemd watchdog: pinging every {} ms from the tick thread", period.toMillis());
    } catch (RejectedExecutionException e) {
      logger.warn("cannot schedule the systemd watchdog pings; the daemon is stopping", e);
    }
  }

  /** Pings unless another tick thread's heartbeat is older than {@code interval}. */
  private void pingWhileEveryTickThreadRuns(Duration interval) {
    long now = ticker.read();
    for (AtomicLong heartbeat : heartbeats) {
      long age = now - heartbeat.get();
      if (age > interval.toNanos()) {
        if (!staleLogged) {
          staleLogged = true;
          logger.error(
              "the IPv6 engine's tick thread has not run for {} ms: no more watchdog pings, so"
                  + " that systemd restarts the daemon",
              TimeUnit.NANOSECONDS.toMillis(age));
        }
        return;
      }
    }
    notify.watchdog();
  }
}
