package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.FailoverListener;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.launcher.systemd.SystemdNotify;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * one, not the timed view the metrics observe, so pings are not counted as ticks.
 *
 * <p>Called on the engine's thread (as every {@link FailoverListener}); never throws.
 */
final class SystemdNotifier implements FailoverListener {
  private static final Logger logger = LoggerFactory.getLogger(SystemdNotifier.class);

  private final SystemdNotify notify;
  private final ScheduledExecutorService tickThread;
  private final Duration probeTimeout;
  private boolean ready;
  private boolean watchdogStarted;
  private String mainStatus = "no main provider yet";

  /**
   * @param notify where the messages go; {@link SystemdNotify#disabled()} makes this do nothing
   * @param tickThread the daemon's tick thread, on which the watchdog pings run between ticks
   * @param probeTimeout {@code probe_timeout}, about the longest a healthy tick holds the thread
   */
  SystemdNotifier(
      SystemdNotify notify, ScheduledExecutorService tickThread, Duration probeTimeout) {
    this.notify = checkNotNull(notify, "notify");
    this.tickThread = checkNotNull(tickThread, "tickThread");
    this.probeTimeout = checkNotNull(probeTimeout, "probeTimeout");
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
    try {
      tickThread.scheduleAtFixedRate(
          notify::watchdog, 0, Math.max(1, period.toMillis()), TimeUnit.MILLISECONDS);
      logger.info("systemd watchdog: pinging every {} ms from the tick thread", period.toMillis());
    } catch (RejectedExecutionException e) {
      logger.warn("cannot schedule the systemd watchdog pings; the daemon is stopping", e);
    }
  }
}
