package dev.failover.api;

/** Why the main provider changed. */
public enum SwitchReason {
  /** The first decision after start. */
  STARTUP,
  /** The sticky-provider file forces this provider. */
  STICKY,
  /** The main provider stopped being eligible; the next eligible one in priority order took over. */
  FAILOVER,
  /** A provider of higher priority than the main one is eligible again. */
  FAILBACK,
  /** The sticky-provider file was cleared, or names an unknown provider; normal selection resumed. */
  STICKY_CLEARED,
  /** No provider is eligible; the documented fallback chose this one. */
  NONE_ELIGIBLE
}
