package dev.failover.linux.netlink;

/**
 * Numbers of the netlink and rtnetlink protocols ({@code linux/netlink.h}, {@code
 * linux/rtnetlink.h}), used by the codec; the values a caller of this package needs are repeated on
 * the public message types.
 */
final class Nl {
  private Nl() {}

  static final int HEADER_LENGTH = 16;
  static final int ATTRIBUTE_HEADER_LENGTH = 4;

  // Message types.
  static final int NLMSG_NOOP = 1;
  static final int NLMSG_ERROR = 2;
  static final int NLMSG_DONE = 3;
  static final int RTM_NEWLINK = 16;
  static final int RTM_DELLINK = 17;
  static final int RTM_GETLINK = 18;
  static final int RTM_NEWADDR = 20;
  static final int RTM_DELADDR = 21;
  static final int RTM_GETADDR = 22;
  static final int RTM_NEWROUTE = 24;
  static final int RTM_DELROUTE = 25;
  static final int RTM_GETROUTE = 26;
  static final int RTM_NEWRULE = 32;
  static final int RTM_DELRULE = 33;
  static final int RTM_GETRULE = 34;

  // Header flags.
  static final int NLM_F_REQUEST = 0x1;
  static final int NLM_F_MULTI = 0x2;
  static final int NLM_F_ACK = 0x4;
  static final int NLM_F_DUMP_INTR = 0x10;
  static final int NLM_F_DUMP = 0x300;
  static final int NLM_F_REPLACE = 0x100;
  static final int NLM_F_EXCL = 0x200;
  static final int NLM_F_CREATE = 0x400;
  static final int NLM_F_ACK_TLVS = 0x200;

  // The attributes of an extended acknowledgement.
  static final int NLMSGERR_ATTR_MSG = 1;

  /** The bits of an attribute type that are flags (nested, network byte order), not the type. */
  static final int NLA_TYPE_MASK = 0x3fff;

  static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;

  /** {@code NLMSG_ALIGN}: rounds up to a multiple of 4. */
  static int align(int length) {
    return (length + 3) & ~3;
  }

  /** The name of a message type, for messages and logs. */
  static String typeName(int type) {
    return switch (type) {
      case NLMSG_NOOP -> "NLMSG_NOOP";
      case NLMSG_ERROR -> "NLMSG_ERROR";
      case NLMSG_DONE -> "NLMSG_DONE";
      case RTM_NEWLINK -> "RTM_NEWLINK";
      case RTM_DELLINK -> "RTM_DELLINK";
      case RTM_GETLINK -> "RTM_GETLINK";
      case RTM_NEWADDR -> "RTM_NEWADDR";
      case RTM_DELADDR -> "RTM_DELADDR";
      case RTM_GETADDR -> "RTM_GETADDR";
      case RTM_NEWROUTE -> "RTM_NEWROUTE";
      case RTM_DELROUTE -> "RTM_DELROUTE";
      case RTM_GETROUTE -> "RTM_GETROUTE";
      case RTM_NEWRULE -> "RTM_NEWRULE";
      case RTM_DELRULE -> "RTM_DELRULE";
      case RTM_GETRULE -> "RTM_GETRULE";
      default -> "type " + type;
    };
  }
}
