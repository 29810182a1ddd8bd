package dev.failover.core;

/**
 * Where the engine learns, once per tick, whether the operator forces a provider to be main.
 *
 * <p>The stock implementation is {@link StickyProviderFile}; tests and embedding programs supply
 * their own. {@link #read()} is called from the engine's thread once per tick and must not block
 * for long; it reports problems in the returned {@link StickyReading} (and its own log) rather than
 * by throwing. If it throws anyway, the engine logs it and proceeds without a sticky provider.
 */
public interface StickySource {

  /** Reads the current sticky choice. */
  StickyReading read();

  /** A source that never forces a provider. */
  static StickySource none() {
    return StickyReading::absent;
  }
}
