package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * The settings of {@link FlowPinning}.
 *
 * @param pinFlows whether a flow keeps the uplink it started on while that uplink is usable (the
 *     restore chains of the nftables table and one {@code fwmark} rule per provider); config key
 *     {@code pin_flows}
 * @param flushOnDown which conntrack entries go when a provider stops being usable; config key
 *     {@code flush_flows_on_down}
 * @param fwmarkMask the bits of the connection and packet marks that failover owns: one run of
 *     contiguous bits, wide enough to number every provider from 1; config key {@code fwmark_mask},
 *     {@value #DEFAULT_FWMARK_MASK_TEXT} by default (see {@link #DEFAULT_FWMARK_MASK})
 * @param rulePriority the priority of the {@code fwmark} rules, 1 to 32765; {@value
 *     #DEFAULT_RULE_PRIORITY} by default, before the route backend's {@code from ADDR} rules
 *     (30000), so that a pinned flow is routed by its mark before anything else failover adds
 * @param ruleProtocol the rule protocol number that marks failover's {@code fwmark} rules, 5 to
 *     255; {@value #DEFAULT_RULE_PROTOCOL} by default, deliberately not the route backend's (201),
 *     which deletes every rule of its own protocol that it did not make
 */
public record FlowPinningSettings(
    boolean pinFlows,
    FlushFlowsOnDown flushOnDown,
    int fwmarkMask,
    int rulePriority,
    int ruleProtocol) {

  /**
   * The default mark mask, bits 24 to 27 (room for 15 providers): clear of the marks of mwan3
   * (0x3f00), kube-proxy (0x4000, 0x8000), Cilium (0x0f00 and 0x0200), wg-quick (0xca6c), Tailscale
   * (0xff0000) and firewalld (none); Calico's default mask 0xffff0000 overlaps it, so with Calico
   * configure either mask.
   */
  public static final int DEFAULT_FWMARK_MASK = 0x0f000000;

  static final String DEFAULT_FWMARK_MASK_TEXT = "0x0f000000";

  /** The default priority of the {@code fwmark} rules. */
  public static final int DEFAULT_RULE_PRIORITY = 29000;

  /** The default protocol number of the {@code fwmark} rules. */
  public static final int DEFAULT_RULE_PROTOCOL = 202;

  /**
   * @throws IllegalArgumentException if a value breaks its rule; the message names the field
   */
  public FlowPinningSettings {
    checkNotNull(flushOnDown, "flushOnDown");
    checkArgument(
        isContiguous(fwmarkMask),
        "fwmarkMask must be one run of contiguous bits, was 0x%s",
        Integer.toHexString(fwmarkMask));
    checkArgument(
        rulePriority >= 1 && rulePriority <= 32765,
        "rulePriority must be between 1 and 32765 (before the main table's rule), was %s",
        rulePriority);
    checkArgument(
        ruleProtocol >= 5 && ruleProtocol <= 255,
        "ruleProtocol must be between 5 and 255, was %s",
        ruleProtocol);
  }

  /** Pinning on, {@link FlushFlowsOnDown#PROVIDER}, mask 0x0f000000, priority 29000, proto 202. */
  public static FlowPinningSettings defaults() {
    return new FlowPinningSettings(
        true,
        FlushFlowsOnDown.PROVIDER,
        DEFAULT_FWMARK_MASK,
        DEFAULT_RULE_PRIORITY,
        DEFAULT_RULE_PROTOCOL);
  }

  /** Whether {@code mask} is one non-empty run of contiguous set bits. */
  public static boolean isContiguous(int mask) {
    if (mask == 0) {
      return false;
    }
    int shifted = mask >>> Integer.numberOfTrailingZeros(mask);
    return (shifted & (shifted + 1)) == 0;
  }

  /** How many providers {@code mask} can number (its values 1 to 2^bits - 1). */
  public static long capacity(int mask) {
    return (1L << Integer.bitCount(mask)) - 1;
  }

  /**
   * Whether failover needs its nftables table at all: to pin, or to tell one provider's flows from
   * another's when it deletes them.
   */
  public boolean needsMarks() {
    return pinFlows || flushOnDown == FlushFlowsOnDown.PROVIDER;
  }
}
