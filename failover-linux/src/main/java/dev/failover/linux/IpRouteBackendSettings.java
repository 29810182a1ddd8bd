package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.time.Duration;
import java.util.Set;

/**
 * The settings of {@link IpRouteBackend}.
 *
 * @param ipCommand the {@code ip} program, a path or a name looked up on the PATH
 * @param rulePriority the priority of the {@code from ADDR lookup TABLE} rules, 1 to 32765 (they
 *     must come before the main table's rule at 32766); 30000 by default, which leaves room for an
 *     operator's or a VPN's own rules before them
 * @param routeProtocol the route (and rule) protocol number that marks what the backend made, 5 to
 *     255 and not one that iproute2 names for another daemon; 201 by default
 * @param foreignRoutes what to do with default routes in the main table that are not ours; {@link
 *     ForeignRouteHandling#DEMOTE} by default
 * @param commandTimeout how long one {@code ip} run may take before it is killed
 */
public record IpRouteBackendSettings(
    String ipCommand,
    int rulePriority,
    int routeProtocol,
    ForeignRouteHandling foreignRoutes,
    Duration commandTimeout) {

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
  public IpRouteBackendSettings {
    checkNotNull(ipCommand, "ipCommand");
    checkNotNull(foreignRoutes, "foreignRoutes");
    checkNotNull(commandTimeout, "commandTimeout");
    checkArgument(!ipCommand.isBlank(), "ipCommand must not be blank");
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
        !commandTimeout.isNegative() && !commandTimeout.isZero(),
        "commandTimeout must be > 0, was %s",
        commandTimeout);
  }

  /** {@code ip} from the PATH, priority 30000, protocol 201, DEMOTE, 10 s. */
  public static IpRouteBackendSettings defaults() {
    return new IpRouteBackendSettings(
        "ip",
        DEFAULT_RULE_PRIORITY,
        DEFAULT_ROUTE_PROTOCOL,
        ForeignRouteHandling.DEMOTE,
        CommandRunner.DEFAULT_TIMEOUT);
  }

  /** A copy with {@code handling} for foreign default routes. */
  public IpRouteBackendSettings withForeignRoutes(ForeignRouteHandling handling) {
    return new IpRouteBackendSettings(ipCommand, rulePriority, routeProtocol, handling, commandTimeout);
  }
}
