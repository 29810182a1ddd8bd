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
 * <p>An engine calls a backend from one thread at a time. The engines of two families that share
 * one backend (a dual-stack daemon: one engine per family, each on a thread of its own) call it
 * from two threads, so a backend shared that way must be thread-safe, as failover-linux's
 * {@code NetlinkRouteBackend} is (its calls are serialised).
 *
 * <p><b>Address families.</b> A {@link RoutingState} covers one family, and the engine of a family
 * hands over only states of its family; a backend applies them without touching the other family's
 * routes. A backend says which families it serves ({@link #supports}); an engine refuses a backend
 * that does not serve its family, so that a backend written before IPv6 is never handed IPv6 routes
 * it would misread.
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
   * Whether this backend can apply {@link RoutingState}s of {@code family}. The default serves IPv4
   * alone, as every backend did before IPv6.
   */
  default boolean supports(AddressFamily family) {
    return family == AddressFamily.IPV4;
  }

  /**
   * Reads back the IPv4 routing state the system holds now, as far as this backend manages it, or
   * empty if this backend cannot read it.
   *
   * @throws RouteBackendException if reading failed
   */
  default Optional<RoutingState> current() throws RouteBackendException {
    return Optional.empty();
  }

  /**
   * Reads back the routing state of {@code family} the system holds now, as far as this backend
   * manages it, or empty if this backend cannot read it. The default gives {@link #current()} for
   * IPv4 and empty for IPv6.
   *
   * @throws RouteBackendException if reading failed
   */
  default Optional<RoutingState> current(AddressFamily family) throws RouteBackendException {
    return family == AddressFamily.IPV4 ? current() : Optional.empty();
  }
}
