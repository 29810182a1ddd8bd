package dev.failover.api;

import java.util.Optional;

/**
 * Makes a desired {@link RoutingState} true in the system's routing tables.
 *
 * <p>The engine always hands over the complete desired state, never "add X" or "remove Y".
 * Implementations must be idempotent (applying the same state twice changes nothing) and must never
 * leave the system without a default route while they work: a switch of the main provider replaces
 * routes in place rather than deleting and re-adding them.
 *
 * <p>The engine calls a backend from one thread at a time.
 */
public interface RouteBackend {

  /**
   * Makes {@code desired} true, and says how far it got.
   *
   * <p>A provider the backend cannot serve for now (its interface is gone, down, or lacks its
   * address) is skipped: the backend applies the rest and returns a {@linkplain
   * ApplyOutcome#partial partial} outcome naming it; the engine retries later. So may a provider
   * whose requests the system refused while the desired main route is verified in place. Anything
   * else that keeps the state from being applied (the main provider's request was refused, the
   * state could not be read or verified) is a failure: the backend applies what it can and then
   * throws; the engine retries on its next tick.
   *
   * @return {@link ApplyOutcome#complete()}, or a partial outcome naming each skipped provider
   * @throws RouteBackendException if the state could not be applied, other than by skipping
   *     providers
   */
  ApplyOutcome apply(RoutingState desired) throws RouteBackendException;

  /**
   * Reads back the routing state the system holds now, as far as this backend manages it, or empty
   * if this backend cannot read it.
   *
   * @throws RouteBackendException if reading failed
   */
  default Optional<RoutingState> current() throws RouteBackendException {
    return Optional.empty();
  }
}
