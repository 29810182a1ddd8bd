package dev.failover.linux;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.linux.netlink.AddressFamily;
import dev.failover.linux.netlink.AddressMessage;
import dev.failover.linux.netlink.LinkMessage;
import dev.failover.linux.netlink.NetlinkException;
import dev.failover.linux.netlink.RouteFilter;
import dev.failover.linux.netlink.RouteMessage;
import dev.failover.linux.netlink.RtNetlink;
import dev.failover.linux.netlink.RuleMessage;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of the kernel's IPv4 routing state that {@link NetlinkRouteBackend} works on, read over
 * rtnetlink with dumps the kernel filters, so that a router's other tables, however large, are
 * never read: the default routes of the main table (the main table is streamed and only its default
 * routes kept), the routes of the backend's own protocol in the tables it manages, every IPv4 rule
 * (rules are few), and every interface with its IPv4 addresses. Immutable.
 *
 * @param links every interface, by name
 * @param mainDefaults every default route of the main table, whatever its protocol
 * @param tableRoutes the routes of the backend's protocol in the tables that were read (see {@link
 *     #read}), main table excluded
 * @param rules every IPv4 policy rule
 */
record KernelState(
    Map<String, Link> links,
    List<RouteMessage> mainDefaults,
    List<RouteMessage> tableRoutes,
    List<RuleMessage> rules) {
  private static final Logger logger = LoggerFactory.getLogger(KernelState.class);

  static final int MAIN_TABLE = RouteMessage.TABLE_MAIN;

  /** Reads that the kernel flagged as interrupted (something changed meanwhile), retried. */
  private static final int READ_ATTEMPTS = 3;

  KernelState {
    links = Map.copyOf(links);
    mainDefaults = List.copyOf(mainDefaults);
    tableRoutes = List.copyOf(tableRoutes);
    rules = List.copyOf(rules);
  }

  /**
   * One interface.
   *
   * @param index its index, which routes name it by
   * @param name its name (the kernel's bytes, decoded as UTF-8)
   * @param up whether it is administratively up (flag UP)
   * @param carrier whether it has carrier (LOWER_UP, not NO-CARRIER)
   * @param addresses its addresses of the family that was read, without IPv6 addresses still
   *     tentative or that failed duplicate address detection
   */
  record Link(int index, String name, boolean up, boolean carrier, List<InetAddress> addresses) {
    Link {
      checkNotNull(name, "name");
      addresses = List.copyOf(addresses);
    }
  }

  Optional<Link> link(String name) {
    return Optional.ofNullable(links.get(name));
  }

  /** The index of interface {@code name}, or 0 (which no route names) if there is none. */
  int index(String name) {
    Link link = links.get(name);
    return link == null ? 0 : link.index();
  }

  /** The name of interface {@code index}, or {@code #index} if no interface has it. */
  String name(int index) {
    return links.values().stream()
        .filter(l -> l.index() == index)
        .map(Link::name)
        .findFirst()
        .orElse("#" + index);
  }

  /** The routes of table {@code table} that were read. */
  List<RouteMessage> table(int table) {
    return tableRoutes.stream().filter(r -> r.table() == table).toList();
  }

  /** {@code route} as {@code ip route} prints it, with interface names. */
  String describe(RouteMessage route) {
    return route.describe(this::name);
  }

  /**
   * Reads the state of {@code family}: the links and their addresses of that family, every rule
   * of it, its main table's default routes, and its routes of {@code protocol} in {@code tables}
   * and in every table a rule of {@code protocol} looks up (so that the tables of a provider no
   * longer configured are found while its rule is there). Nothing of the other family is read,
   * so what is computed from the result never touches it. A dump the kernel flags as interrupted
   * is read again, up to 3 times.
   *
   * @throws NetlinkException if a dump fails; {@code netlink} is unusable then
   */
  static KernelState read(
      RtNetlink netlink, AddressFamily family, int protocol, Set<Integer> tables)
      throws NetlinkException {
    return read(netlink, family, protocol, Depth.LISTED_TABLES, tables);
  }

  /**
   * Reads the state like {@link #read}, but the routes of {@code protocol} in every table: the
   * kernel walks every table and sends only those routes (for the {@code uninstall} command).
   */
  static KernelState readEveryTable(RtNetlink netlink, AddressFamily family, int protocol)
      throws NetlinkException {
    return read(netlink, family, protocol, Depth.EVERY_TABLE, Set.of());
  }

  /**
   * Reads only the links, their addresses and the main table's default routes, without rules and
   * without any other table: the least a replace of a main default route needs (for a switch's
   * fast path). The result's {@link #rules} and {@link #tableRoutes} are empty.
   *
   * @throws NetlinkException if a dump fails; {@code netlink} is unusable then
   */
  static KernelState readMainDefaults(RtNetlink netlink, AddressFamily family)
      throws NetlinkException {
    return read(netlink, family, 0, Depth.MAIN_DEFAULTS, Set.of());
  }

  /** How much of the routing state a read covers. */
  private enum Depth {
    /** Links, addresses and the main table's default routes. */
    MAIN_DEFAULTS,
    /** Also every rule, and the routes of the protocol in the listed tables and in ruled ones. */
    LISTED_TABLES,
    /** Also every rule, and the routes of the protocol in every table. */
    EVERY_TABLE
  }

  private static KernelState read(
      RtNetlink netlink, AddressFamily family, int protocol, Depth depth, Set<Integer> tables)
      throws NetlinkException {
    for (int attempt = 1; ; attempt++) {
      Reader reader = new Reader(family);
      reader.read(netlink, protocol, depth, tables);
      if (!reader.interrupted || attempt == READ_ATTEMPTS) {
        if (reader.interrupted) {
          logger.debug("the kernel state changed during every read; using the last one");
        }
        return reader.state();
      }
    }
  }

  /** One attempt to read the state. */
  private static final class Reader {
    private final List<LinkMessage> links = new ArrayList<>();
    private final AddressFamily family;
    private final Map<Integer, List<InetAddress>> addresses = new HashMap<>();
    private final List<RuleMessage> rules = new ArrayList<>();
    private final List<RouteMessage> mainDefaults = new ArrayList<>();
    private final List<RouteMessage> tableRoutes = new ArrayList<>();
    private boolean interrupted;

    Reader(AddressFamily family) {
      this.family = family;
    }

    void read(RtNetlink netlink, int protocol, Depth depth, Set<Integer> tables)
        throws NetlinkException {
      interrupted |=
          netlink
              .dumpLinks(
                  link -> {
                    if (link.family() == 0) { // not a bridge port's message
                      links.add(link);
                    }
                  })
              .interrupted();
      interrupted |= netlink.dumpAddresses(family, 0, this::addAddress).interrupted();
      // The kernel cannot filter by destination: the main table streams through, defaults stay.
      interrupted |=
          netlink
              .dumpRoutes(
                  RouteFilter.table(family, MAIN_TABLE),
                  route -> {
                    if (route.isDefault()) {
                      mainDefaults.add(route);
                    }
                  })
              .interrupted();
      if (depth == Depth.MAIN_DEFAULTS) {
        return;
      }
      interrupted |= netlink.dumpRules(family, rules::add).interrupted();
      if (depth == Depth.EVERY_TABLE) {
        interrupted |=
            netlink
                .dumpRoutes(
                    RouteFilter.all(family).withProtocol(protocol),
                    route -> {
                      if (route.table() != MAIN_TABLE) {
                        tableRoutes.add(route);
                      }
                    })
                .interrupted();
        return;
      }
      Set<Integer> toRead = new TreeSet<>(tables);
      rules.stream()
          .filter(r -> r.protocol() == protocol && r.action() == RuleMessage.ACTION_TO_TABLE)
          .forEach(r -> toRead.add(r.table()));
      toRead.remove(MAIN_TABLE);
      toRead.remove(0);
      for (int table : toRead) {
        interrupted |=
            netlink
                .dumpRoutes(
                    RouteFilter.table(family, table).withProtocol(protocol),
                    tableRoutes::add)
                .interrupted();
      }
    }

    private void addAddress(AddressMessage address) {
      InetAddress a = address.interfaceAddress();
      boolean ofFamily =
          family == AddressFamily.INET6 ? a instanceof Inet6Address : a instanceof Inet4Address;
      // An IPv6 address still in duplicate address detection, or that failed it, is not held yet:
      // the kernel refuses it as a route's source, and nothing can be sent from it.
      boolean unusable =
          a instanceof Inet6Address
              && (address.flags() & (InterfaceView.IFA_F_TENTATIVE | InterfaceView.IFA_F_DADFAILED))
                  != 0;
      if (ofFamily && !unusable) {
        addresses.computeIfAbsent(address.index(), i -> new ArrayList<>()).add(a);
      }
    }

    KernelState state() {
      Map<String, Link> byName = new HashMap<>();
      for (LinkMessage link : links) {
        byName.put(
            link.name(),
            new Link(
                link.index(),
                link.name(),
                link.adminUp(),
                link.carrier(),
                addresses.getOrDefault(link.index(), List.of())));
      }
      return new KernelState(byName, mainDefaults, tableRoutes, rules);
    }
  }
}
