package dev.failover.linux.netlink;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * What a route dump asks the kernel for: the kernel itself skips every route that does not match
 * (strict checking, Linux 4.20 and later), and with a table given it walks only that table, so a
 * router's foreign tables cost nothing however large they are. {@link RtNetlink} applies the filter
 * again to what arrives, so that an older kernel, which ignores it, costs time, not correctness.
 *
 * <p>The kernel cannot filter by destination; a caller that wants only the default routes of a
 * table filters those from the streamed dump.
 *
 * @param family the address family
 * @param table the table, 0 for every table; unsigned
 * @param protocol the route protocol, 0 for any
 * @param type the route type, 0 for any
 * @param outputInterface the next hop's interface index, 0 for any
 */
public record RouteFilter(
    AddressFamily family, int table, int protocol, int type, int outputInterface) {

  /**
   * @throws IllegalArgumentException if protocol or type is not 0 to 255, or the interface index is
   *     negative
   */
  public RouteFilter {
    checkNotNull(family, "family");
    checkArgument(protocol >= 0 && protocol <= 0xff, "protocol must be 0 to 255, was %s", protocol);
    checkArgument(type >= 0 && type <= 0xff, "type must be 0 to 255, was %s", type);
    checkArgument(outputInterface >= 0, "outputInterface must be >= 0, was %s", outputInterface);
  }

  /** Every route of {@code family}, in every table. */
  public static RouteFilter all(AddressFamily family) {
    return new RouteFilter(family, 0, 0, 0, 0);
  }

  /** The routes of {@code family} in table {@code table} (not 0). */
  public static RouteFilter table(AddressFamily family, int table) {
    checkArgument(table != 0, "table must not be 0 (every table); use all()");
    return new RouteFilter(family, table, 0, 0, 0);
  }

  /** Whether {@code route} is one this filter asks for. */
  public boolean matches(RouteMessage route) {
    return route.family() == family
        && (table == 0 || route.table() == table)
        && (protocol == 0 || route.protocol() == protocol)
        && (type == 0 || route.type() == type)
        && (outputInterface == 0 || route.outputInterface() == outputInterface);
  }

  /** A copy that asks only for routes of protocol {@code newProtocol}. */
  public RouteFilter withProtocol(int newProtocol) {
    return new RouteFilter(family, table, newProtocol, type, outputInterface);
  }
}
