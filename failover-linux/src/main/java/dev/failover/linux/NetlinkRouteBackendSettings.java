package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.linux.netlink.RtNetlink;
import java.time.Duration;
import java.util.Set;

/**
 * The settings of {@link NetlinkRouteBackend}.
 *
 * @param rulePriority the priority of the {@code from ADDR lookup TABLE} rules, 1 to 32765 (they
 *     must come before the main table's rule at 32766); 30000 by default, which leaves room for an
 *     operator's or a VPN's own rules before them
 * @param routeProtocol the route (and rule) protocol number that marks what the backend made, 5 to
 *     255 and not one that iproute2 names for another daemon; 201 by default
 * @param foreignRoutes what to do with default routes in the main table that are not ours; {@link
 *     ForeignRouteHandling#DEMOTE} by default
 * @param timeout how long one netlink operation (a dump, or a transaction and its answers) may take
 *     before the call fails; 10 s by default
 */
public record NetlinkRouteBackendSettings(
    int rulePriority, int routeProtocol, ForeignRouteHandling foreignRoutes, Duration timeout) {

  /** The default rule priority. */
  public static final int DEFAULT_RULE_PRIORITY = 30000;

  /** The default route protocol number: unassigned in iproute2's {@code rt_protos} list. */
  public static final int DEFAULT_ROUTE_PROTOCOL = 201;

  /** The protocol numbers the kernel or iproute2's {@code rt_protos} give to someone else. */
  private static final Set<Integer> TAKEN_PROTOCOLS =
      Set.of(8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 42, 99, 186, 187, 188, 189, 192);

  /**
   * @throws IllegalArgumentException if a value breaks its rule; the message names the field
   */
  public NetlinkRouteBackendSettings {
    checkNotNull(foreignRoutes, "foreignRoutes");
    checkNotNull(timeout, "timeout");
    checkArgument(
        rulePriority >= 1 && rulePriority <= 32765,
        "rulePriority must be between 1 and 32765 (before the main table's rule), was %s",
        rulePriority);
    checkArgument(
        routeProtocol >= 5 && routeProtocol <= 255 && !TAKEN_PROTOCOLS.contains(routeProtocol),
        "routeProtocol must be between 5 and 255 and not one of iproute2's named protocols %s,"
            + " was %s",
        TAKEN_PROTOCOLS.stream().sorted().toList(),
        routeProtocol);
    checkArgument(
        !timeout.isNegative() && !timeout.isZero(), "timeout must be > 0, was %s", timeout);
  }

  /** Priority 30000, protocol 201, DEMOTE, 10 s. */
  public static NetlinkRouteBackendSettings defaults() {
    return new NetlinkRouteBackendSettings(
        DEFAULT_RULE_PRIORITY,
        DEFAULT_ROUTE_PROTOCOL,
        ForeignRouteHandling.DEMOTE,
        RtNetlink.DEFAULT_TIMEOUT);
  }

  /** A copy with {@code handling} for foreign default routes. */
  public NetlinkRouteBackendSettings withForeignRoutes(ForeignRouteHandling handling) {
    return new NetlinkRouteBackendSettings(rulePriority, routeProtocol, handling, timeout);
  }
}
