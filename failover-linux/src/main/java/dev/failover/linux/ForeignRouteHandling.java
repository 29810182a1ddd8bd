package dev.failover.linux;

/**
 * What {@link NetlinkRouteBackend} does with a default route in the main table that it did not make
 * (another route protocol), such as one a DHCP client re-adds with a low metric.
 *
 * <p>Only plain unicast default routes are touched. Blackhole, unreachable and prohibit defaults
 * (deliberate kill switches) and multipath or nexthop-object routes are always left alone.
 */
public enum ForeignRouteHandling {
  /** Leave it where it is and log a warning if it would take traffic before the main provider. */
  LEAVE,
  /**
   * Re-add it just above the highest metric of the backend's own routes, then delete the original:
   * it stays as a last resort but never takes traffic from a provider. The copy is added before
   * the original is deleted, so there is never a moment without a default route. The default.
   */
  DEMOTE,
  /** Delete it, but only while at least one of the backend's own default routes is in place. */
  REMOVE
}
