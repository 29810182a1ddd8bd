package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The daemon's threads: one tick thread (the engine's ticks and the status writes, serialised) and
 * a pool for the probes, both owned here and shut down when the daemon stops.
 *
 * <p>The tick thread can be interrupted, so that a stop does not wait for a tick that is still
 * waiting for its probes: the engine then ends the tick without recording anything or touching the
 * routes. Thread-safe.
 */
final class DaemonExecutors {
  private final ScheduledExecutorService tick;
  private final ExecutorService probes;
  private final AtomicReference<Thread> tickThread;

  DaemonExecutors(ScheduledExecutorService tick, ExecutorService probes) {
    this(tick, probes, new AtomicReference<>());
  }

  private DaemonExecutors(
      ScheduledExecutorService tick, ExecutorService probes, AtomicReference<Thread> tickThread) {
    this.tick = checkNotNull(tick, "tick");
    this.probes = checkNotNull(probes, "probes");
    this.tickThread = tickThread;
  }

  /**
   * Real threads: a daemon tick thread, and a cached pool of daemon probe threads (one per blocking
   * check running at the same time; idle ones end after a minute). Socket {@code ping} checks need
   * none: they wait on the ICMP engine's own reply loop thread.
   */
  static DaemonExecutors create() {
    AtomicReference<Thread> tickThread = new AtomicReference<>();
    ScheduledThreadPoolExecutor tick =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, "failover-tick");
              thread.setDaemon(true);
              tickThread.set(thread);
              return thread;
            });
    tick.setRemoveOnCancelPolicy(true);
    AtomicInteger probeCount = new AtomicInteger();
    ThreadFactory probeThreads =
        runnable -> {
          Thread thread = new Thread(runnable, "failover-probe-" + probeCount.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    return new DaemonExecutors(tick, Executors.newCachedThreadPool(probeThreads), tickThread);
  }

  /** Runs the ticks and the status writes. */
  ScheduledExecutorService tick() {
    return tick;
  }

  /** Runs the probes. */
  ExecutorService probes() {
    return probes;
  }

  /** Interrupts whatever the tick thread is running, if there is a tick thread. */
  void interruptTick() {
    Thread thread = tickThread.get();
    if (thread != null) {
      thread.interrupt();
    }
  }

  /**
   * Stops both without waiting: the tick thread ends after its current task, probes that still run
   * are interrupted. Called from the tick thread itself when the daemon stops, so it must not wait
   * for that thread.
   */
  void shutdown() {
    tick.shutdown();
    probes.shutdownNow();
  }
}
