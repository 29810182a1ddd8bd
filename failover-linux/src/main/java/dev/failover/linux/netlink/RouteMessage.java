package dev.failover.linux.netlink;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * One route, as the kernel describes it in an {@code RTM_NEWROUTE} or {@code RTM_DELROUTE} message
 * ({@code struct rtmsg} and its attributes), and as a request to add, replace or delete one carries
 * it. Immutable; the compact constructor rejects a value out of its field's range.
 *
 * <p>Addresses are the kernel's bytes, never text. Only what the route backend needs is decoded: a
 * multipath route ({@code RTA_MULTIPATH}), a route through a nexthop object ({@code RTA_NH_ID}) and
 * a route with an IPv6 next hop or an encapsulation ({@code RTA_VIA}, {@code RTA_ENCAP}) are
 * recognised as such, without their next hops.
 *
 * @param family IPv4 or IPv6
 * @param dstLength the destination's prefix length; 0 for a default route
 * @param tos the type-of-service selector (IPv4), usually 0
 * @param table the table id ({@code RTA_TABLE}, else {@code rtm_table}); unsigned, 254 is main
 * @param protocol who made the route: 2 kernel, 3 boot, 4 static, 16 dhcp, ...
 * @param scope 0 universe, 253 link, 254 host, 255 nowhere
 * @param type 1 unicast, 2 local, 3 broadcast, 6 blackhole, 7 unreachable, 8 prohibit, ...
 * @param flags {@code rtm_flags}: next-hop flags such as {@link #FLAG_ONLINK} and {@link
 *     #FLAG_LINKDOWN}, and {@code RTM_F_*}
 * @param dst the destination network, absent for a default route
 * @param gateway the next hop's address ({@code RTA_GATEWAY}), if any
 * @param outputInterface the next hop's interface index ({@code RTA_OIF}), 0 if none
 * @param preferredSource the preferred source address ({@code RTA_PREFSRC}), if any
 * @param metric the route's priority ({@code RTA_PRIORITY}), 0 to 2^32-1; 0 when absent
 * @param multipath whether the route has several next hops ({@code RTA_MULTIPATH})
 * @param nextHopId the nexthop object it uses ({@code RTA_NH_ID}), 0 if none
 * @param otherNextHop whether its next hop is of another kind ({@code RTA_VIA}, {@code RTA_ENCAP})
 */
public record RouteMessage(
    AddressFamily family,
    int dstLength,
    int tos,
    int table,
    int protocol,
    int scope,
    int type,
    int flags,
    @Nullable InetAddress dst,
    @Nullable InetAddress gateway,
    int outputInterface,
    @Nullable InetAddress preferredSource,
    long metric,
    boolean multipath,
    int nextHopId,
    boolean otherNextHop) {

  /** The main table. */
  public static final int TABLE_MAIN = 254;

  /** {@code RTN_UNICAST}: a route to a gateway or a directly connected network. */
  public static final int TYPE_UNICAST = 1;

  /** {@code RTN_BLACKHOLE}: drops silently. */
  public static final int TYPE_BLACKHOLE = 6;

  /** {@code RTN_UNREACHABLE}: drops with "network unreachable". */
  public static final int TYPE_UNREACHABLE = 7;

  /** {@code RTN_PROHIBIT}: drops with "administratively prohibited". */
  public static final int TYPE_PROHIBIT = 8;

  /** {@code RT_SCOPE_UNIVERSE}: a route through a gateway, or a special type. */
  public static final int SCOPE_UNIVERSE = 0;

  /** {@code RT_SCOPE_LINK}: a directly connected network. */
  public static final int SCOPE_LINK = 253;

  /** {@code RT_SCOPE_NOWHERE}: in a delete request, any scope. */
  public static final int SCOPE_NOWHERE = 255;

  /** {@code RTNH_F_ONLINK}: the gateway is on the link even though no route says so. */
  public static final int FLAG_ONLINK = 4;

  /** {@code RTNH_F_LINKDOWN}: the next hop's interface has no carrier. */
  public static final int FLAG_LINKDOWN = 16;

  /** The largest metric, the last resort. */
  public static final long MAX_METRIC = 0xffffffffL;

  /**
   * @throws IllegalArgumentException if a field is out of its range, an address is of another
   *     family, or a route with a prefix length above 0 has no destination
   */
  public RouteMessage {
    checkNotNull(family, "family");
    checkArgument(
        dstLength >= 0 && dstLength <= family.maxPrefixLength(),
        "dstLength must be 0 to %s, was %s",
        family.maxPrefixLength(),
        dstLength);
    checkU8(tos, "tos");
    checkU8(protocol, "protocol");
    checkU8(scope, "scope");
    checkU8(type, "type");
    checkArgument(
        dst != null || dstLength == 0, "a route with dstLength %s needs a dst", dstLength);
    checkFamily(family, dst, "dst");
    checkFamily(family, gateway, "gateway");
    checkFamily(family, preferredSource, "preferredSource");
    checkArgument(outputInterface >= 0, "outputInterface must be >= 0, was %s", outputInterface);
    checkArgument(
        metric >= 0 && metric <= MAX_METRIC, "metric must be 0 to %s, was %s", MAX_METRIC, metric);
  }

  /** Whether it is a default route (prefix length 0). */
  public boolean isDefault() {
    return dstLength == 0;
  }

  /** Whether it is of type unicast. */
  public boolean isUnicast() {
    return type == TYPE_UNICAST;
  }

  /**
   * Whether its next hop is more than a gateway and an interface (multipath, a nexthop object, an
   * IPv6 next hop or an encapsulation), so that a copy made from this message would differ.
   */
  public boolean complexNextHop() {
    return multipath || nextHopId != 0 || otherNextHop;
  }

  /** A copy at metric {@code newMetric}. */
  public RouteMessage withMetric(long newMetric) {
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
        newMetric,
        multipath,
        nextHopId,
        otherNextHop);
  }

  /**
   * A unicast route of {@code family}, with no next hop, metric 0 and nothing else; the {@code
   * with*} methods fill in the rest.
   */
  public static RouteMessage unicast(
      AddressFamily family, int table, int protocol, @Nullable InetAddress dst, int dstLength) {
    return new RouteMessage(
        family,
        dstLength,
        0,
        table,
        protocol,
        SCOPE_UNIVERSE,
        TYPE_UNICAST,
        0,
        dst,
        null,
        0,
        null,
        0,
        false,
        0,
        false);
  }

  /** A copy of type {@code newType} (unicast, unreachable, ...). */
  public RouteMessage withType(int newType) {
    return new RouteMessage(
        family,
        dstLength,
        tos,
        table,
        protocol,
        scope,
        newType,
        flags,
        dst,
        gateway,
        outputInterface,
        preferredSource,
        metric,
        multipath,
        nextHopId,
        otherNextHop);
  }

  /** A copy with scope {@code newScope}. */
  public RouteMessage withScope(int newScope) {
    return new RouteMessage(
        family,
        dstLength,
        tos,
        table,
        protocol,
        newScope,
        type,
        flags,
        dst,
        gateway,
        outputInterface,
        preferredSource,
        metric,
        multipath,
        nextHopId,
        otherNextHop);
  }

  /** A copy with {@code rtm_flags} {@code newFlags}. */
  public RouteMessage withFlags(int newFlags) {
    return new RouteMessage(
        family,
        dstLength,
        tos,
        table,
        protocol,
        scope,
        type,
        newFlags,
        dst,
        gateway,
        outputInterface,
        preferredSource,
        metric,
        multipath,
        nextHopId,
        otherNextHop);
  }

  /** A copy whose next hop is {@code newGateway} (none if null) on interface {@code index}. */
  public RouteMessage withNextHop(@Nullable InetAddress newGateway, int index) {
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
        newGateway,
        index,
        preferredSource,
        metric,
        false,
        0,
        false);
  }

  /** A copy that uses nexthop object {@code id} (0 for none) and names no other next hop. */
  public RouteMessage withNextHopId(int id) {
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
        null,
        0,
        preferredSource,
        metric,
        false,
        id,
        false);
  }

  /** A copy with preferred source {@code source} (none if null). */
  public RouteMessage withPreferredSource(@Nullable InetAddress source) {
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
        source,
        metric,
        multipath,
        nextHopId,
        otherNextHop);
  }

  /**
   * The route much as {@code ip route} would print it (numbers for tables and protocols, no metric
   * when it is 0), with the interface as its index: {@code default via 192.168.1.1 dev #3 table 254
   * proto 201 src 192.168.1.11 metric 100}.
   */
  @Override
  public String toString() {
    return describe(index -> "#" + index);
  }

  /**
   * The route as {@code ip route} would print it, with the interface named by {@code
   * interfaceNames}: {@code default via 192.168.1.1 dev wan1 table 254 proto 201 src 192.168.1.11
   * metric 100}.
   */
  public String describe(IntFunction<String> interfaceNames) {
    StringBuilder text = new StringBuilder();
    switch (type) {
      case TYPE_UNICAST -> {}
      case TYPE_BLACKHOLE -> text.append("blackhole ");
      case TYPE_UNREACHABLE -> text.append("unreachable ");
      case TYPE_PROHIBIT -> text.append("prohibit ");
      default -> text.append("type ").append(type).append(' ');
    }
    text.append(dst == null ? "default" : InetAddresses.toAddrString(dst) + "/" + dstLength);
    if (gateway != null) {
      text.append(" via ").append(InetAddresses.toAddrString(gateway));
    }
    if (outputInterface != 0) {
      text.append(" dev ").append(interfaceNames.apply(outputInterface));
    }
    if (multipath) {
      text.append(" (multipath)");
    }
    if (nextHopId != 0) {
      text.append(" nhid ").append(Integer.toUnsignedString(nextHopId));
    }
    if (otherNextHop) {
      text.append(" (via/encap)");
    }
    text.append(" table ")
        .append(Integer.toUnsignedString(table))
        .append(" proto ")
        .append(protocol);
    switch (scope) {
      case SCOPE_UNIVERSE -> {}
      case SCOPE_LINK -> text.append(" scope link");
      case 254 -> text.append(" scope host");
      case SCOPE_NOWHERE -> text.append(" scope any"); // a delete request's "whatever scope"
      default -> text.append(" scope ").append(scope);
    }
    if (preferredSource != null) {
      text.append(" src ").append(InetAddresses.toAddrString(preferredSource));
    }
    if (metric != 0) {
      text.append(" metric ").append(metric);
    }
    if ((flags & FLAG_ONLINK) != 0) {
      text.append(" onlink");
    }
    if ((flags & FLAG_LINKDOWN) != 0) {
      text.append(" linkdown");
    }
    return text.toString();
  }

  static void checkU8(int value, String name) {
    checkArgument(value >= 0 && value <= 0xff, "%s must be 0 to 255, was %s", name, value);
  }

  static void checkFamily(AddressFamily family, @Nullable InetAddress address, String name) {
    checkArgument(
        address == null || AddressFamily.of(address) == family,
        "%s must be an %s address, was %s",
        name,
        family,
        address);
  }
}
