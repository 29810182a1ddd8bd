package dev.failover.linux.netlink;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static dev.failover.linux.netlink.RouteMessage.checkFamily;
import static dev.failover.linux.netlink.RouteMessage.checkU8;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/**
 * One policy routing rule, as an {@code RTM_NEWRULE} message describes it ({@code struct
 * fib_rule_hdr} and its {@code FRA_*} attributes). Immutable.
 *
 * <p>Only the selectors and actions the route backend and flow pinning make are decoded ({@code
 * from PREFIX lookup TABLE priority P protocol N}, {@code fwmark MARK/MASK lookup TABLE}); any
 * other selector or action, such as {@code iif}, {@code uidrange}, {@code sport}, {@code goto} or
 * {@code not}, makes {@link #otherSelectors()} true, so that such a rule is never taken for a plain
 * one.
 *
 * @param family IPv4 or IPv6
 * @param srcLength the source prefix length; 0 for "from all"
 * @param dstLength the destination prefix length; 0 for "to all"
 * @param tos the type-of-service selector, usually 0
 * @param table the table it looks up ({@code FRA_TABLE}, else the header's); unsigned
 * @param action {@link #ACTION_TO_TABLE}, or goto, blackhole, unreachable, prohibit, ...
 * @param flags the header's {@code FIB_RULE_*} flags, such as {@code INVERT} ("not")
 * @param src the source prefix ({@code FRA_SRC}), absent for "from all"
 * @param dst the destination prefix ({@code FRA_DST}), absent for "to all"
 * @param priority its priority ({@code FRA_PRIORITY}), 0 to 2^32-1
 * @param protocol who made it ({@code FRA_PROTOCOL}), 0 if unset
 * @param otherSelectors whether it has a selector or setting not listed above
 * @param fwmark the firewall mark selector ({@code FRA_FWMARK}), 0 if none; unsigned
 * @param fwmask the mask the mark is compared under ({@code FRA_FWMASK}); 0 (with {@code fwmark}
 *     0) for a rule without a mark selector; unsigned
 */
public record RuleMessage(
    AddressFamily family,
    int srcLength,
    int dstLength,
    int tos,
    int table,
    int action,
    int flags,
    @Nullable InetAddress src,
    @Nullable InetAddress dst,
    long priority,
    int protocol,
    boolean otherSelectors,
    int fwmark,
    int fwmask) {

  /** {@code FR_ACT_TO_TBL}: look the packet up in the rule's table. */
  public static final int ACTION_TO_TABLE = 1;

  /** {@code FIB_RULE_INVERT}: the selectors match when they do not ({@code not}). */
  public static final int FLAG_INVERT = 2;

  /**
   * @throws IllegalArgumentException if a field is out of its range or an address is of another
   *     family or missing for its prefix length
   */
  public RuleMessage {
    checkNotNull(family, "family");
    checkArgument(
        srcLength >= 0 && srcLength <= family.maxPrefixLength(),
        "srcLength must be 0 to %s, was %s",
        family.maxPrefixLength(),
        srcLength);
    checkArgument(
        dstLength >= 0 && dstLength <= family.maxPrefixLength(),
        "dstLength must be 0 to %s, was %s",
        family.maxPrefixLength(),
        dstLength);
    checkU8(tos, "tos");
    checkU8(action, "action");
    checkU8(protocol, "protocol");
    checkArgument(src != null || srcLength == 0, "a rule with srcLength %s needs a src", srcLength);
    checkArgument(dst != null || dstLength == 0, "a rule with dstLength %s needs a dst", dstLength);
    checkFamily(family, src, "src");
    checkFamily(family, dst, "dst");
    checkArgument(
        priority >= 0 && priority <= 0xffffffffL, "priority must be 0 to 2^32-1, was %s", priority);
    checkArgument(
        (fwmark & ~fwmask) == 0,
        "fwmark 0x%s has bits outside fwmask 0x%s",
        Integer.toHexString(fwmark),
        Integer.toHexString(fwmask));
  }

  /** A rule without a firewall mark selector. */
  public RuleMessage(
      AddressFamily family,
      int srcLength,
      int dstLength,
      int tos,
      int table,
      int action,
      int flags,
      @Nullable InetAddress src,
      @Nullable InetAddress dst,
      long priority,
      int protocol,
      boolean otherSelectors) {
    this(
        family, srcLength, dstLength, tos, table, action, flags, src, dst, priority, protocol,
        otherSelectors, 0, 0);
  }

  /**
   * {@code priority P fwmark MARK/MASK lookup TABLE protocol N} for {@code family}, and nothing
   * else.
   *
   * @throws IllegalArgumentException if {@code mask} is 0 or {@code mark} has bits outside it
   */
  public static RuleMessage fwmark(
      AddressFamily family, int mark, int mask, int table, long priority, int protocol) {
    checkNotNull(family, "family");
    checkArgument(mask != 0, "mask must not be 0");
    return new RuleMessage(
        family,
        0,
        0,
        0,
        table,
        ACTION_TO_TABLE,
        0,
        null,
        null,
        priority,
        protocol,
        false,
        mark,
        mask);
  }

  /** Whether it selects by firewall mark. */
  public boolean hasFwmark() {
    return fwmask != 0 || fwmark != 0;
  }

  /** {@code priority P from SRC/LENGTH lookup TABLE protocol N}, and nothing else. */
  public static RuleMessage fromSource(
      InetAddress src, int srcLength, int table, long priority, int protocol) {
    checkNotNull(src, "src");
    return new RuleMessage(
        AddressFamily.of(src),
        srcLength,
        0,
        0,
        table,
        ACTION_TO_TABLE,
        0,
        src,
        null,
        priority,
        protocol,
        false);
  }

  /**
   * Whether it is {@code from PREFIX lookup TABLE} and nothing more: no destination, no tos, no
   * firewall mark, no other selector, not inverted.
   */
  public boolean plain() {
    return action == ACTION_TO_TABLE
        && (flags & FLAG_INVERT) == 0
        && dstLength == 0
        && tos == 0
        && !otherSelectors
        && !hasFwmark();
  }

  /**
   * The rule as {@code ip rule} prints it: {@code 30000: from 192.168.1.11/32 lookup 101 proto
   * 201}.
   */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder().append(priority).append(": ");
    if ((flags & FLAG_INVERT) != 0) {
      text.append("not ");
    }
    text.append("from ")
        .append(src == null ? "all" : InetAddresses.toAddrString(src) + "/" + srcLength);
    if (dst != null) {
      text.append(" to ").append(InetAddresses.toAddrString(dst)).append('/').append(dstLength);
    }
    if (tos != 0) {
      text.append(" tos ").append(tos);
    }
    if (hasFwmark()) {
      text.append(" fwmark 0x")
          .append(Integer.toHexString(fwmark))
          .append("/0x")
          .append(Integer.toHexString(fwmask));
    }
    if (otherSelectors) {
      text.append(" (other selectors)");
    }
    if (action == ACTION_TO_TABLE) {
      text.append(" lookup ").append(Integer.toUnsignedString(table));
    } else {
      text.append(" action ").append(action);
    }
    return text.append(" proto ").append(protocol).toString();
  }
}
