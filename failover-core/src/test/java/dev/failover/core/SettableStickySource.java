package dev.failover.core;

/** A sticky source whose reading a test sets directly. */
public final class SettableStickySource implements StickySource {
  private volatile StickyReading reading = StickyReading.absent();

  /** Forces {@code providerId} from now on. */
  public void force(String providerId) {
    reading = StickyReading.forced(providerId, "test forces '" + providerId + "'");
  }

  /** Forces nothing from now on. */
  public void clear() {
    reading = StickyReading.absent();
  }

  @Override
  public StickyReading read() {
    return reading;
  }
}
