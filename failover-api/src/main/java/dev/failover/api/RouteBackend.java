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
   * Makes {@code desired} true.
   *
   * <p>If some of it cannot be applied (a provider's interface is gone, a command fails), the
   * backend applies what it can and then throws; the engine retries on its next tick.
   *
   * @throws RouteBackendException if the state could not be applied whole
   */
  void apply(RoutingState desired) throws RouteBackendException;

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
