package dev.failover.launcher;

import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.linux.FlowPinningException;

/**
 * The daemon's seam in front of failover-linux's {@code FlowPinning}: pin a usable provider's flows
 * of one family, release an unusable one's, so that the listener's test can use a fake. Per family,
 * since each family has its own engine, verdicts and main route.
 */
interface PinnedFlows {

  /** Puts {@code provider}'s {@code fwmark} rule of {@code family} back; idempotent. */
  void pin(Provider provider, AddressFamily family) throws FlowPinningException;

  /** Deletes {@code provider}'s rule of {@code family} and its flows of it; idempotent. */
  void release(Provider provider, AddressFamily family) throws FlowPinningException;
}
