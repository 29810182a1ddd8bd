package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The daemon's threads: one tick thread per address family (each engine's ticks; the IPv4 one also
 * runs the status writes, the track files' checks and the watchdog pings) and a pool for the
 * probes, all owned here and shut down when the daemon stops.
 *
 * <p>Each family has a tick thread of its own because a tick waits for its round's probes: on one
 * shared thread, an IPv6 round waiting out its timeouts (an IPv6 outage) would hold back the IPv4
 * engine's next round, and a blackhole of both families would take each engine one timeout more per
 * round. The route backend serialises the two engines' calls itself. The IPv6 thread is made only
 * when its first task comes, so an IPv4-only daemon has one tick thread, as before.
 *
 * <p>The tick threads can be interrupted, so that a stop does not wait for a tick that is still
 * waiting for its probes: the engine then ends the tick without recording anything or touching the
 * routes. Thread-safe.
 */
final class DaemonExecutors {
  private final ScheduledExecutorService tick;
  private final ScheduledExecutorService ipv6Tick;
  private final ExecutorService probes;
  private final List<AtomicReference<Thread>> tickThreads;

  /** For tests: both families tick on {@code tick}. */
  DaemonExecutors(ScheduledExecutorService tick, ExecutorService probes) {
    this(tick, tick, probes, List.of());
  }

  private DaemonExecutors(
      ScheduledExecutorService tick,
      ScheduledExecutorService ipv6Tick,
      ExecutorService probes,
      List<AtomicReference<Thread>> tickThreads) {
    this.tick = checkNotNull(tick, "tick");
    this.ipv6Tick = checkNotNull(ipv6Tick, "ipv6Tick");
    this.probes = checkNotNull(probes, "probes");
    this.tickThreads = List.copyOf(tickThreads);
  }

  /**
   * Real threads: a daemon tick thread, and a cached pool of daemon probe threads (one per blocking
   * check running at the same time; idle ones end after a minute). Socket {@code ping} checks need
   * none: they wait on the ICMP engine's own reply loop thread.
   */
  static DaemonExecutors create() {
    AtomicReference<Thread> tickThread = new AtomicReference<>();
    AtomicReference<Thread> ipv6TickThread = new AtomicReference<>();
    AtomicInteger probeCount = new AtomicInteger();
    ThreadFactory probeThreads =
        runnable -> {
          Thread thread = new Thread(runnable, "failover-probe-" + probeCount.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        };
    return new DaemonExecutors(
        tickExecutor("failover-tick", tickThread),
        tickExecutor("failover-tick-ipv6", ipv6TickThread),
        Executors.newCachedThreadPool(probeThreads),
        List.of(tickThread, ipv6TickThread));
  }

  /** One daemon thread, made at the first task, whose thread {@code current} holds. */
  private static ScheduledThreadPoolExecutor tickExecutor(
      String name, AtomicReference<Thread> current) {
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            runnable -> {
              Thread thread = new Thread(runnable, name);
              thread.setDaemon(true);
              current.set(thread);
              return thread;
            });
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  /** Runs the IPv4 engine's ticks, the status writes and the other daemon-wide tasks. */
  ScheduledExecutorService tick() {
    return tick;
  }

  /** Runs the IPv6 engine's ticks. */
  ScheduledExecutorService ipv6Tick() {
    return ipv6Tick;
  }

  /** Runs the probes. */
  ExecutorService probes() {
    return probes;
  }

  /** Interrupts whatever the tick threads are running, for those that exist. */
  void interruptTick() {
    for (AtomicReference<Thread> each : tickThreads) {
      Thread thread = each.get();
      if (thread != null) {
        thread.interrupt();
      }
    }
  }

  /**
   * Stops them all without waiting: the tick threads end after their current task, probes that
   * still run are interrupted. Called from a tick thread itself when the daemon stops, so it must
   * not wait for that thread.
   */
  void shutdown() {
    tick.shutdown();
    ipv6Tick.shutdown();
    probes.shutdownNow();
  }
}
