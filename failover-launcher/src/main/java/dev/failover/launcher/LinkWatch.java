package dev.failover.launcher;

import dev.failover.api.AddressFamily;
import dev.failover.api.ProviderResolution;
import dev.failover.api.Providers;

/**
 * Watches whether the providers' links are usable, for the daemon: the launcher's seam in front of
 * failover-linux's {@code LinkMonitor}, so that the component test can use a fake.
 *
 * <p>A link is <em>usable</em> in a family when traffic of that family can leave through the
 * provider's interface: it exists, is up, has carrier, and holds the provider's configured address
 * of the family ({@code ipv4_address}, {@code ipv6_address}), if any. The flag is per family
 * because a dual-stack uplink may lose one family's address and keep the other's (a lease lost,
 * the IPv6 prefix still there): only that family's engine should drop it. A link that goes down
 * is reported unusable in every family of its provider at once. The link state only speeds
 * failover up; the probes still judge every provider, so a missed change costs at most the usual
 * detection time.
 */
interface LinkWatch {

  /**
   * Starts watching the interfaces of {@code providers}: reports the current state of every one
   * of them to {@code sink} once before returning, then each change, from a thread of the watch's
   * own. Never fails the daemon: a watch that cannot follow changes logs a warning and still
   * reports the states it could read.
   *
   * @throws IllegalStateException if already started
   */
  void start(Providers providers, Sink sink);

  /** Stops watching and releases its process and thread; idempotent, also without a start. */
  void stop();

  /** Receives link states; must return quickly. */
  @FunctionalInterface
  interface Sink {
    /**
     * The link of {@code interfaceName} is {@code usable} or not for {@code family}. Only the
     * families its provider has are reported; a link going down or up comes as one call per family,
     * back to back.
     */
    void linkChanged(String interfaceName, AddressFamily family, boolean usable);

    /**
     * The watch missed changes and read every link again (see failover-linux's {@code
     * LinkListener.onResynced}): a link may have gone down and up unseen, which deletes its routes,
     * so the routes should be applied again. Ignored by default.
     */
    default void resynced() {}

    /**
     * What a provider that learns values of a family from its interface is now in that family
     * ({@link ProviderResolution#family()}): resolved with the values in force, or unconfigured
     * with the reason (see {@code ProviderLinks}). Ignored by default.
     */
    default void providerResolved(ProviderResolution resolution) {}
  }
}
