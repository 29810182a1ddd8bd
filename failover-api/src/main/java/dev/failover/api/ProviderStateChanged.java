package dev.failover.api;

import java.time.Instant;

/**
 * A provider moved from one state to another.
 *
 * @param provider which provider
 * @param from its previous status
 * @param to its new status, with the reason
 * @param at when the engine decided it
 */
public record ProviderStateChanged(
    Provider provider, ProviderStatus from, ProviderStatus to, Instant at) {
  public ProviderStateChanged {
    Checks.checkNotNull(provider, "provider");
    Checks.checkNotNull(from, "from");
    Checks.checkNotNull(to, "to");
    Checks.checkNotNull(at, "at");
  }
}
