package dev.failover.launcher.metrics;

import java.time.Duration;

/** Hears how long each scheduled tick took, on the tick thread; must return quickly. */
public interface TickObserver {

  /** A scheduled tick (probe, assess, select, apply, publish) took {@code took}. */
  void tickCompleted(Duration took);
}
