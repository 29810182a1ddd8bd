package dev.failover.linux.netlink;

import static com.google.common.base.Preconditions.checkArgument;

import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/**
 * Decodes the rtnetlink messages this package reads and encodes the ones it sends: routes ({@code
 * struct rtmsg}), rules ({@code struct fib_rule_hdr}), links ({@code struct ifinfomsg}), addresses
 * ({@code struct ifaddrmsg}), and the acknowledgements and errors ({@code struct nlmsgerr}, with
 * the extended acknowledgement's message).
 *
 * <p>Decoding takes the current message of a {@link MessageReader} and throws only {@link
 * NetlinkFormatException}: every field is read bounds-checked, and a value the message type's
 * record rejects becomes a format error too. Attributes it does not know are skipped. Encoding
 * appends one message body to a {@link MessageWriter} after the caller began the message.
 */
final class Codec {
  private Codec() {}

  // struct rtmsg and RTA_*
  static final int RTMSG_LENGTH = 12;
  private static final int RTA_DST = 1;
  static final int RTA_OIF = 4;
  private static final int RTA_GATEWAY = 5;
  private static final int RTA_PRIORITY = 6;
  private static final int RTA_PREFSRC = 7;
  private static final int RTA_MULTIPATH = 9;
  static final int RTA_TABLE = 15;
  private static final int RTA_VIA = 18;
  private static final int RTA_ENCAP = 22;
  private static final int RTA_NH_ID = 30;
  private static final int RT_TABLE_COMPAT = 252;

  // struct fib_rule_hdr and FRA_*
  static final int FIB_RULE_HDR_LENGTH = 12;
  private static final int FRA_DST = 1;
  private static final int FRA_SRC = 2;
  private static final int FRA_PRIORITY = 6;
  private static final int FRA_FWMARK = 10;
  private static final int FRA_SUPPRESS_IFGROUP = 13;
  private static final int FRA_SUPPRESS_PREFIXLEN = 14;
  private static final int FRA_TABLE = 15;
  private static final int FRA_FWMASK = 16;
  private static final int FRA_PAD = 18;
  private static final int FRA_PROTOCOL = 21;

  // struct ifinfomsg and IFLA_*
  static final int IFINFOMSG_LENGTH = 16;
  static final int IFLA_IFNAME = 3;
  private static final int IFLA_OPERSTATE = 16;
  static final int IFLA_EXT_MASK = 29;

  // struct ifaddrmsg and IFA_*
  static final int IFADDRMSG_LENGTH = 8;
  private static final int IFA_ADDRESS = 1;
  private static final int IFA_LOCAL = 2;
  private static final int IFA_FLAGS = 8;

  // struct nlmsgerr: int error, then the request's header (and, uncapped, its payload).
  private static final int NLM_F_CAPPED = 0x100;

  /**
   * An acknowledgement or error ({@code NLMSG_ERROR}) or the end of a dump ({@code NLMSG_DONE}).
   *
   * @param errno 0 for success, else the positive errno
   * @param message the kernel's explanation, if it sent one
   */
  record Ack(int errno, @Nullable String message) {}

  static RouteMessage route(MessageReader m) throws NetlinkFormatException {
    m.requirePayload(RTMSG_LENGTH, "struct rtmsg");
    AddressFamily family = family(m.u8(0), "route");
    int dstLength = m.u8(1);
    int tos = m.u8(3);
    int table = m.u8(4);
    int protocol = m.u8(5);
    int scope = m.u8(6);
    int type = m.u8(7);
    int flags = m.u32(8);
    InetAddress dst = null;
    InetAddress gateway = null;
    InetAddress preferredSource = null;
    int outputInterface = 0;
    long metric = 0;
    boolean multipath = false;
    int nextHopId = 0;
    boolean other = false;
    AttributeReader a = m.attributes(RTMSG_LENGTH);
    while (a.next()) {
      switch (a.type()) {
        case RTA_DST -> dst = a.address(family);
        case RTA_OIF -> outputInterface = a.u32();
        case RTA_GATEWAY -> gateway = a.address(family);
        case RTA_PRIORITY -> metric = Integer.toUnsignedLong(a.u32());
        case RTA_PREFSRC -> preferredSource = a.address(family);
        case RTA_MULTIPATH -> multipath = true;
        case RTA_TABLE -> table = a.u32();
        case RTA_VIA, RTA_ENCAP -> other = true;
        case RTA_NH_ID -> nextHopId = a.u32();
        default -> {} // metrics, cache info, preference, expiry, ...: not needed
      }
    }
    try {
      return new RouteMessage(
          family,
          dstLength,
          tos,
          table,
          protocol,
          scope,
          type,
          flags,
          dst,
          gateway,
          outputInterface,
          preferredSource,
          metric,
          multipath,
          nextHopId,
          other);
    } catch (IllegalArgumentException e) {
      throw new NetlinkFormatException("route: " + e.getMessage());
    }
  }

  /**
   * Appends a route's {@code rtmsg} and attributes, as a request to add, replace or delete it
   * carries them (and as the kernel sends them). The table always goes into {@code RTA_TABLE}.
   *
   * @throws IllegalArgumentException if the route is multipath or has another kind of next hop,
   *     which this codec cannot encode
   */
  static void route(MessageWriter w, RouteMessage r) {
    checkArgument(!r.multipath() && !r.otherNextHop(), "cannot encode the next hops of %s", r);
    w.u8(r.family().value())
        .u8(r.dstLength())
        .u8(0)
        .u8(r.tos())
        .u8(r.table() >= 0 && r.table() < 256 ? r.table() : RT_TABLE_COMPAT)
        .u8(r.protocol())
        .u8(r.scope())
        .u8(r.type())
        .u32(r.flags());
    w.attributeU32(RTA_TABLE, r.table());
    if (r.dst() != null) {
      w.attributeAddress(RTA_DST, r.dst());
    }
    if (r.metric() != 0) {
      w.attributeU32(RTA_PRIORITY, (int) r.metric());
    }
    if (r.gateway() != null) {
      w.attributeAddress(RTA_GATEWAY, r.gateway());
    }
    if (r.outputInterface() != 0) {
      w.attributeU32(RTA_OIF, r.outputInterface());
    }
    if (r.preferredSource() != null) {
      w.attributeAddress(RTA_PREFSRC, r.preferredSource());
    }
    if (r.nextHopId() != 0) {
      w.attributeU32(RTA_NH_ID, r.nextHopId());
    }
  }

  static RuleMessage rule(MessageReader m) throws NetlinkFormatException {
    m.requirePayload(FIB_RULE_HDR_LENGTH, "struct fib_rule_hdr");
    AddressFamily family = family(m.u8(0), "rule");
    int dstLength = m.u8(1);
    int srcLength = m.u8(2);
    int tos = m.u8(3);
    int table = m.u8(4);
    int action = m.u8(7);
    int flags = m.u32(8);
    InetAddress src = null;
    InetAddress dst = null;
    long priority = 0;
    int protocol = 0;
    boolean other = false;
    int fwmark = 0;
    int fwmask = 0;
    boolean maskSeen = false;
    AttributeReader a = m.attributes(FIB_RULE_HDR_LENGTH);
    while (a.next()) {
      switch (a.type()) {
        case FRA_DST -> dst = a.address(family);
        case FRA_SRC -> src = a.address(family);
        case FRA_PRIORITY -> priority = Integer.toUnsignedLong(a.u32());
        case FRA_TABLE -> table = a.u32();
        case FRA_PROTOCOL -> protocol = a.u8();
        case FRA_FWMARK -> fwmark = a.u32();
        case FRA_FWMASK -> {
          fwmask = a.u32();
          maskSeen = true;
        }
        // Always sent; -1 (the default) means the setting is off.
        case FRA_SUPPRESS_PREFIXLEN, FRA_SUPPRESS_IFGROUP -> other |= a.u32() != -1;
        case FRA_PAD -> {}
        default -> other = true; // iif, oif, goto, uidrange, ports, ...: not plain
      }
    }
    if (fwmark != 0 && !maskSeen) {
      fwmask = -1; // the kernel's default for a mark given without a mask
    }
    try {
      return new RuleMessage(
          family, srcLength, dstLength, tos, table, action, flags, src, dst, priority, protocol,
          other, fwmark, fwmask);
    } catch (IllegalArgumentException e) {
      throw new NetlinkFormatException("rule: " + e.getMessage());
    }
  }

  /**
   * Appends a rule's header and attributes, as a request to add or delete it carries them.
   *
   * @throws IllegalArgumentException if the rule has selectors this codec cannot encode
   */
  static void rule(MessageWriter w, RuleMessage r) {
    checkArgument(!r.otherSelectors(), "cannot encode the other selectors of %s", r);
    w.u8(r.family().value())
        .u8(r.dstLength())
        .u8(r.srcLength())
        .u8(r.tos())
        .u8(r.table() >= 0 && r.table() < 256 ? r.table() : 0)
        .u8(0)
        .u8(0)
        .u8(r.action())
        .u32(r.flags());
    w.attributeU32(FRA_TABLE, r.table());
    w.attributeU32(FRA_PRIORITY, (int) r.priority());
    if (r.src() != null) {
      w.attributeAddress(FRA_SRC, r.src());
    }
    if (r.dst() != null) {
      w.attributeAddress(FRA_DST, r.dst());
    }
    if (r.protocol() != 0) {
      w.attributeU8(FRA_PROTOCOL, r.protocol());
    }
    if (r.hasFwmark()) {
      w.attributeU32(FRA_FWMARK, r.fwmark());
      w.attributeU32(FRA_FWMASK, r.fwmask());
    }
  }

  static LinkMessage link(MessageReader m) throws NetlinkFormatException {
    m.requirePayload(IFINFOMSG_LENGTH, "struct ifinfomsg");
    int family = m.u8(0);
    int index = m.u32(4);
    int flags = m.u32(8);
    String name = null;
    int operState = LinkMessage.OPER_UNKNOWN;
    AttributeReader a = m.attributes(IFINFOMSG_LENGTH);
    while (a.next()) {
      switch (a.type()) {
        case IFLA_IFNAME -> name = a.string();
        case IFLA_OPERSTATE -> operState = a.u8();
        default -> {} // statistics, link info, MTU, ...: not needed
      }
    }
    if (name == null) {
      throw new NetlinkFormatException("link #" + index + " without IFLA_IFNAME");
    }
    try {
      return new LinkMessage(family, index, flags, name, operState);
    } catch (IllegalArgumentException e) {
      throw new NetlinkFormatException("link: " + e.getMessage());
    }
  }

  /**
   * Appends a link's {@code ifinfomsg}, name and operational state (tests build kernel-like ones).
   */
  static void link(MessageWriter w, LinkMessage l) {
    w.u8(l.family()).u8(0).u16(0).u32(l.index()).u32(l.flags()).u32(0);
    w.attributeString(IFLA_IFNAME, l.name());
    w.attributeU8(IFLA_OPERSTATE, l.operState());
  }

  static AddressMessage address(MessageReader m) throws NetlinkFormatException {
    m.requirePayload(IFADDRMSG_LENGTH, "struct ifaddrmsg");
    AddressFamily family = family(m.u8(0), "address");
    int prefixLength = m.u8(1);
    int flags = m.u8(2);
    int scope = m.u8(3);
    int index = m.u32(4);
    InetAddress local = null;
    InetAddress address = null;
    AttributeReader a = m.attributes(IFADDRMSG_LENGTH);
    while (a.next()) {
      switch (a.type()) {
        case IFA_ADDRESS -> address = a.address(family);
        case IFA_LOCAL -> local = a.address(family);
        case IFA_FLAGS -> flags = a.u32();
        default -> {} // label, broadcast, cache info, ...: not needed
      }
    }
    try {
      return new AddressMessage(family, prefixLength, flags, scope, index, local, address);
    } catch (IllegalArgumentException e) {
      throw new NetlinkFormatException("address: " + e.getMessage());
    }
  }

  /** Appends an address's {@code ifaddrmsg} and addresses (tests build kernel-like ones). */
  static void address(MessageWriter w, AddressMessage a) {
    w.u8(a.family().value()).u8(a.prefixLength()).u8(a.flags() & 0xff).u8(a.scope()).u32(a.index());
    if (a.address() != null) {
      w.attributeAddress(IFA_ADDRESS, a.address());
    }
    if (a.local() != null) {
      w.attributeAddress(IFA_LOCAL, a.local());
    }
    w.attributeU32(IFA_FLAGS, a.flags());
  }

  /** Decodes an {@code NLMSG_ERROR}: an acknowledgement (errno 0) or a failure. */
  static Ack error(MessageReader m) throws NetlinkFormatException {
    m.requirePayload(4 + Nl.HEADER_LENGTH, "struct nlmsgerr");
    int errno = errno(m.u32(0));
    String message = null;
    if ((m.flags() & Nl.NLM_F_ACK_TLVS) != 0) {
      int echoed = m.u32(4);
      if (echoed < Nl.HEADER_LENGTH) {
        throw new NetlinkFormatException("NLMSG_ERROR echoes a request of " + echoed + " bytes");
      }
      int tlvs = 4 + ((m.flags() & NLM_F_CAPPED) != 0 ? Nl.HEADER_LENGTH : Nl.align(echoed));
      if (tlvs < 0 || tlvs > m.payloadLength()) {
        throw new NetlinkFormatException(
            "NLMSG_ERROR: extended acknowledgement at "
                + tlvs
                + " beyond a payload of "
                + m.payloadLength()
                + " bytes");
      }
      message = extAckMessage(m.attributes(tlvs));
    }
    return new Ack(errno, message);
  }

  /** Decodes an {@code NLMSG_DONE}: the end of a dump, with the dump's error if it failed. */
  static Ack done(MessageReader m) throws NetlinkFormatException {
    if (m.payloadLength() < 4) {
      return new Ack(0, null); // some families send an empty NLMSG_DONE
    }
    int errno = errno(m.u32(0));
    String message = (m.flags() & Nl.NLM_F_ACK_TLVS) != 0 ? extAckMessage(m.attributes(4)) : null;
    return new Ack(errno, message);
  }

  private static int errno(int error) throws NetlinkFormatException {
    if (error > 0 || error == Integer.MIN_VALUE) {
      throw new NetlinkFormatException("error code " + error + " is not a negative errno or 0");
    }
    return -error;
  }

  private static @Nullable String extAckMessage(AttributeReader a) throws NetlinkFormatException {
    String message = null;
    while (a.next()) {
      if (a.type() == Nl.NLMSGERR_ATTR_MSG) {
        message = a.string();
      }
    }
    return message == null || message.isEmpty() ? null : message;
  }

  private static AddressFamily family(int value, String what) throws NetlinkFormatException {
    return AddressFamily.fromValue(value)
        .orElseThrow(() -> new NetlinkFormatException(what + " of address family " + value));
  }
}
