package dev.failover.launcher;

import dev.failover.api.Provider;
import dev.failover.linux.FlowPinningException;

/**
 * The daemon's seam in front of failover-linux's {@code FlowPinning}: pin a usable provider's
 * flows, release an unusable one's, so that the listener's test can use a fake.
 */
interface PinnedFlows {

  /** Puts {@code provider}'s {@code fwmark} rule back; idempotent. */
  void pin(Provider provider) throws FlowPinningException;

  /** Deletes {@code provider}'s rule and its flows; idempotent. */
  void release(Provider provider) throws FlowPinningException;
}
