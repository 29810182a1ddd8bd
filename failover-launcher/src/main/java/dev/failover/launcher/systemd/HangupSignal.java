package dev.failover.launcher.systemd;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP as "reload the config" ({@code ExecReload=} in the unit sends it), instead of the JVM's
 * default for it, which is to exit.
 *
 * <p>The handler comes from {@code sun.misc.Signal} (module {@code jdk.unsupported}, which the JDK
 * keeps exported for exactly this use; javac warns that it is internal): the JDK has no public
 * signal API, and a JNA {@code sigaction} handler would run Java code on a thread the JVM does not
 * expect. The JVM delivers the signal on its signal thread; the work runs on one daemon thread of
 * its own, so that reloads never overlap and the signal thread never waits. Signals that arrive
 * while a reload runs queue behind it.
 */
public final class HangupSignal {
  private static final Logger logger = LoggerFactory.getLogger(HangupSignal.class);

  private HangupSignal() {}

  /**
   * Runs {@code action} on a thread of its own at every SIGHUP from now on.
   *
   * @return whether the handler is installed; false (logged at WARN) if the JVM refused it, as it
   *     does when started with {@code -Xrs}
   */
  public static boolean onHangup(Runnable action) {
    checkNotNull(action, "action");
    ExecutorService worker =
        Executors.newSingleThreadExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "failover-reload");
              thread.setDaemon(true);
              return thread;
            });
    try {
      sun.misc.Signal.handle(
          new sun.misc.Signal("HUP"),
          signal -> {
            try {
              worker.execute(action);
            } catch (RejectedExecutionException e) {
              logger.warn("SIGHUP ignored: the reload thread is gone", e);
            }
          });
      return true;
    } catch (IllegalArgumentException e) {
      logger.warn("cannot handle SIGHUP, so 'systemctl reload' will not work: {}", e.getMessage());
      worker.shutdown();
      return false;
    }
  }
}
