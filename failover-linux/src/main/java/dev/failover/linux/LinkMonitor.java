package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.annotations.VisibleForTesting;
import dev.failover.linux.netlink.AddressFamily;
import dev.failover.linux.netlink.AddressMessage;
import dev.failover.linux.netlink.LinkMessage;
import dev.failover.linux.netlink.NetlinkEvents;
import dev.failover.linux.netlink.NetlinkEvents.Group;
import dev.failover.linux.netlink.NetlinkEvents.Snapshot;
import dev.failover.linux.netlink.NetlinkEvents.SyncReason;
import dev.failover.linux.netlink.NetlinkException;
import dev.failover.linux.netlink.RouteFilter;
import dev.failover.linux.netlink.RouteMessage;
import dev.failover.linux.netlink.RtNetlink;
import java.net.Inet4Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the kernel's interfaces through one rtnetlink socket subscribed to the link and IPv4
 * address notifications ({@link NetlinkEvents}) and tells a {@link LinkListener} when an interface
 * becomes usable or unusable (admin down/up, carrier lost/back, deleted, renamed) and when an IPv4
 * address comes or goes.
 *
 * <p>Why: the kernel deletes every route through an interface that goes down, silently, and probes
 * take a few ticks to notice; a link event lets the daemon re-decide at once, treating a provider
 * whose interface is not usable as not eligible (see {@code docs/linux.md}, "Link monitor").
 *
 * <p>Life cycle: {@link #start()} subscribes in the calling thread's network namespace, reads every
 * interface and address once, reports them, and returns; from then on each notification that
 * changes what was last reported is reported. When the socket overruns (notifications came faster
 * than they were read, and the kernel dropped some), every interface and address is read again and
 * every difference from what was last reported is reported: a change can come late, never get lost.
 * {@link #close()} ends the thread and closes the socket; nothing is left behind. No process is
 * started. A plain monitor follows no route notifications: a router that loads a large table would
 * only overrun the socket; one {@linkplain #followingDefaultRoutes following default routes} does,
 * for the uplinks that learn their values from their interface.
 *
 * <p><b>IPv6</b> (the groundwork for issue 16). A monitor following default routes also joins the
 * IPv6 address and route groups ({@code RTNLGRP_IPV6_IFADDR}, {@code RTNLGRP_IPV6_ROUTE}), when the
 * kernel has IPv6, and its views ({@link LinkListener#onInterfaceChanged}) carry each interface's
 * IPv6 addresses and the main table's IPv6 default routes through it, other programs' only. What
 * counts as a change is what {@link InterfaceView} keeps: a global address added or removed, its
 * prefix length or peer, whether it is tentative, optimistic, dadfailed, deprecated or temporary; a
 * default route's gateway, metric, device, protocol, type or next-hop kind. A router advertisement
 * that only refreshes lifetimes and expiries, a link-local address, or {@code linkdown} on a route
 * wakes no listener. The finer calls ({@link LinkListener#onAddressChanged}) stay IPv4 only.
 *
 * <p>Listener calls come from the monitor's own thread (made by the given thread factory, which
 * must start a plain thread so that it shares the starting thread's namespace), one at a time, in
 * the kernel's order. Thread-safe: {@code start} and {@code close} may be called from any thread.
 */
public final class LinkMonitor implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(LinkMonitor.class);

  /** The kernel's main routing table, whose default routes the views show. */
  private static final int MAIN_TABLE = 254;

  /** {@code ENODEV}: a dump filtered by an interface that is gone. */
  private static final int ENODEV = 19;

  /** Present when the kernel has IPv6 (absent when booted with {@code ipv6.disable=1}). */
  private static final Path IPV6_SYSCTLS = Path.of("/proc/sys/net/ipv6");

  /**
   * Reads the main table's routes of one family through one interface again, where the kernel may
   * have changed them without a notification, or with one that does not say what it replaced.
   */
  @FunctionalInterface
  interface DefaultRouteReader {
    /** The main table's routes of {@code family} through interface {@code index} (a superset). */
    List<RouteMessage> read(AddressFamily family, int index) throws NetlinkException;
  }

  /**
   * Reads from the kernel in the calling thread's namespace: IPv4's whole main table, filtered here
   * (as before IPv6 came), IPv6's filtered by table and interface in the kernel; an interface gone
   * meanwhile has none.
   */
  private static List<RouteMessage> readRoutes(AddressFamily family, int index)
      throws NetlinkException {
    List<RouteMessage> read = new ArrayList<>();
    try (RtNetlink netlink = RtNetlink.open()) {
      if (family == AddressFamily.INET) {
        netlink.dumpRoutes(
            RouteFilter.table(AddressFamily.INET, MAIN_TABLE),
            r -> {
              if (r.outputInterface() == index) {
                read.add(r);
              }
            });
      } else {
        netlink.dumpRoutes(new RouteFilter(family, MAIN_TABLE, 0, 0, index), read::add);
      }
    } catch (NetlinkException e) {
      if (e.errno() == ENODEV) {
        return List.of();
      }
      throw e;
    }
    return read;
  }

  private final LinkListener listener;
  private final ThreadFactory threadFactory;
  private final int receiveBufferBytes;
  private final @Nullable Integer ownRouteProtocol;
  private final DefaultRouteReader routeReader;

  /**
   * Whether IPv6 addresses and default routes are followed: with default routes, unless {@link
   * #start()} finds a kernel without IPv6 (then it re-reads no IPv6 routes either).
   */
  private volatile boolean ipv6Followed;

  private final Tracker tracker = new Tracker();
  private final Object lock = new Object();
  private @Nullable NetlinkEvents events;
  private boolean started;
  private boolean closed;

  /** A monitor whose thread is a daemon thread named {@code failover-link-monitor}. */
  public LinkMonitor(LinkListener listener) {
    this(
        listener,
        runnable -> {
          Thread thread = new Thread(runnable, "failover-link-monitor");
          thread.setDaemon(true);
          return thread;
        });
  }

  /** A monitor that reports to {@code listener} on a thread from {@code threadFactory}. */
  public LinkMonitor(LinkListener listener, ThreadFactory threadFactory) {
    this(listener, threadFactory, NetlinkEvents.DEFAULT_RECEIVE_BUFFER_BYTES);
  }

  /**
   * A monitor whose socket has a receive buffer of {@code receiveBufferBytes} (a test makes it
   * tiny, to overrun it).
   *
   * @throws IllegalArgumentException if {@code receiveBufferBytes} is not positive
   */
  LinkMonitor(LinkListener listener, ThreadFactory threadFactory, int receiveBufferBytes) {
    this(listener, threadFactory, receiveBufferBytes, null);
  }

  /**
   * A monitor that also follows the main table's IPv4 and IPv6 default routes, and the IPv6
   * addresses, for {@link LinkListener#onInterfaceChanged}'s views: the routes other programs put
   * there (a DHCP client's default route teaches an uplink its gateway, a router advertisement's
   * its IPv6 gateway). Routes of {@code ownRouteProtocol}, failover's own, are left out of the
   * views, so that its own switches report nothing. On a kernel without IPv6 (booted with {@code
   * ipv6.disable=1}) it follows IPv4 only.
   */
  public static LinkMonitor followingDefaultRoutes(LinkListener listener, int ownRouteProtocol) {
    return new LinkMonitor(
        listener,
        runnable -> {
          Thread thread = new Thread(runnable, "failover-link-monitor");
          thread.setDaemon(true);
          return thread;
        },
        NetlinkEvents.DEFAULT_RECEIVE_BUFFER_BYTES,
        ownRouteProtocol);
  }

  @VisibleForTesting
  LinkMonitor(
      LinkListener listener,
      ThreadFactory threadFactory,
      int receiveBufferBytes,
      @Nullable Integer ownRouteProtocol) {
    this(listener, threadFactory, receiveBufferBytes, ownRouteProtocol, LinkMonitor::readRoutes);
  }

  /** A monitor that re-reads default routes with {@code routeReader} (a test gives a fake). */
  @VisibleForTesting
  LinkMonitor(
      LinkListener listener,
      ThreadFactory threadFactory,
      int receiveBufferBytes,
      @Nullable Integer ownRouteProtocol,
      DefaultRouteReader routeReader) {
    this.ownRouteProtocol = ownRouteProtocol;
    this.routeReader = checkNotNull(routeReader, "routeReader");
    this.ipv6Followed = ownRouteProtocol != null;
    this.listener = checkNotNull(listener, "listener");
    this.threadFactory = checkNotNull(threadFactory, "threadFactory");
    checkArgument(
        receiveBufferBytes > 0, "receiveBufferBytes must be > 0, was %s", receiveBufferBytes);
    this.receiveBufferBytes = receiveBufferBytes;
  }

  /**
   * Starts watching the calling thread's network namespace, and returns once every current
   * interface and address has been reported to the listener.
   *
   * @throws IllegalStateException if already started or closed, or if the kernel's notifications
   *     cannot be followed (then nothing is left running)
   */
  public void start() {
    synchronized (lock) {
      checkState(!started, "link monitor already started");
      checkState(!closed, "link monitor is closed");
      started = true;
    }
    EnumSet<Group> groups = EnumSet.of(Group.LINK, Group.IPV4_ADDRESS);
    boolean ipv6 = ownRouteProtocol != null && Files.isDirectory(IPV6_SYSCTLS);
    ipv6Followed = ipv6; // before the events thread starts, which reads it
    if (ownRouteProtocol != null) {
      groups.add(Group.IPV4_ROUTE);
    }
    if (ipv6) {
      groups.add(Group.IPV6_ADDRESS);
      groups.add(Group.IPV6_ROUTE);
    }
    NetlinkEvents created;
    try {
      created = NetlinkEvents.start(groups, tracker, threadFactory, receiveBufferBytes);
    } catch (NetlinkException e) {
      throw new IllegalStateException("cannot start the link monitor: " + e.getMessage(), e);
    }
    synchronized (lock) {
      if (closed) {
        created.close();
        return;
      }
      events = created;
    }
    logger.info(
        "link monitor started (rtnetlink link{} notifications)",
        ownRouteProtocol == null
            ? " and IPv4 address"
            : ipv6
                ? ", IPv4 and IPv6 address, and IPv4 and IPv6 route"
                : ", IPv4 address and IPv4 route (the kernel has no IPv6)");
  }

  /** How many times the socket overran and everything was read again, since the start. */
  int overruns() {
    synchronized (lock) {
      return events == null ? 0 : events.overruns();
    }
  }

  /** Whether the monitor's thread is still alive. */
  @VisibleForTesting
  boolean threadAlive() {
    synchronized (lock) {
      return events != null && events.running();
    }
  }

  /** What the netlink events thread calls; a test calls it directly. */
  @VisibleForTesting
  NetlinkEvents.Listener events() {
    return tracker;
  }

  /** Stops watching: ends the thread (waiting up to 5 s) and closes the socket. Idempotent. */
  @Override
  public void close() {
    NetlinkEvents running;
    synchronized (lock) {
      closed = true;
      running = events;
    }
    if (running != null) {
      running.close();
    }
  }

  /**
   * The kernel's view (interfaces by index, their addresses and default routes) and what the
   * listener was told (per name), kept in step: after each snapshot or notification, every name it
   * may have changed is compared and the differences are reported. Touched by the events thread
   * only.
   */
  private final class Tracker implements NetlinkEvents.Listener {
    private final Map<Integer, LinkMessage> links = new HashMap<>();
    private final Map<Integer, Set<Inet4Address>> addresses = new HashMap<>();

    /** Per interface index: its IPv4 address messages, in the kernel's order (for the views). */
    private final Map<Integer, List<AddressMessage>> addressMessages = new HashMap<>();

    /** Per output interface index: the main table's foreign IPv4 default routes through it. */
    private final Map<Integer, List<RouteMessage>> defaultRoutes = new HashMap<>();

    /** Per interface index: its IPv6 address messages, in the kernel's order (newest first). */
    private final Map<Integer, List<AddressMessage>> ipv6Addresses = new HashMap<>();

    /** Per output interface index: the main table's foreign IPv6 default routes through it. */
    private final Map<Integer, List<RouteMessage>> ipv6DefaultRoutes = new HashMap<>();

    private final Map<String, InterfaceView> reportedViews = new HashMap<>();
    private final Map<String, Boolean> reportedUsable = new HashMap<>();
    private final Map<String, Set<Inet4Address>> reportedAddresses = new HashMap<>();
    private boolean synced;

    @Override
    public void onSync(Snapshot snapshot, SyncReason reason) {
      links.clear();
      addresses.clear();
      addressMessages.clear();
      defaultRoutes.clear();
      ipv6Addresses.clear();
      ipv6DefaultRoutes.clear();
      snapshot.links().stream().filter(l -> l.family() == 0).forEach(l -> links.put(l.index(), l));
      snapshot.addresses().forEach(a -> address(a, true));
      // In the dump's order, which is the kernel's: each one after those before it.
      snapshot.addresses().forEach(a -> ipv6Address(a, true, false));
      snapshot.routes().forEach(r -> route(r, true));
      snapshot.routes().stream()
          .filter(this::foreignIpv6Default)
          .forEach(
              r ->
                  ipv6DefaultRoutes
                      .computeIfAbsent(r.outputInterface(), i -> new ArrayList<>())
                      .add(r));
      Set<String> names = new LinkedHashSet<>();
      links.values().stream()
          .sorted(java.util.Comparator.comparingInt(LinkMessage::index))
          .forEach(l -> names.add(l.name()));
      names.addAll(reportedUsable.keySet());
      names.forEach(this::report);
      if (!synced) {
        synced = true;
      } else {
        logger.info("link monitor: read every interface again ({})", reason);
        try {
          listener.onResynced();
        } catch (RuntimeException e) {
          logger.warn("link listener failed after a resync", e);
        }
      }
    }

    @Override
    public void onLink(LinkMessage link, boolean deleted) {
      if (link.family() != 0) {
        return; // a bridge port's message, not about the interface itself
      }
      LinkMessage previous = deleted ? links.remove(link.index()) : links.put(link.index(), link);
      if (deleted) {
        addresses.remove(link.index());
        addressMessages.remove(link.index());
        ipv6Addresses.remove(link.index());
        ipv6DefaultRoutes.remove(link.index());
      }
      boolean stateChanged =
          previous == null
              || previous.flags() != link.flags()
              || previous.operState() != link.operState();
      if (deleted || (stateChanged && !LinkStatus.of(link, List.of()).usable())) {
        // The kernel deletes the routes through an interface that goes down without a word; one
        // that loses carrier keeps them (flagged linkdown): read them again, once per change of
        // state, not on every message the kernel repeats (statistics, MTU) while it stays down.
        rereadDefaultRoutes(link.index());
        if (!deleted) {
          rereadIpv6DefaultRoutes(link.index());
        }
      }
      if (previous != null && !previous.name().equals(link.name())) {
        report(previous.name()); // renamed: the old name is gone
      }
      report(link.name());
    }

    @Override
    public void onRoute(RouteMessage route, boolean deleted) {
      if (foreignIpv6Default(route)) {
        // An IPv6 "replace" says what came, not what went, and several routes may share a metric
        // (two routers on one link): read the interface's default routes again, a small dump.
        if (!rereadIpv6DefaultRoutes(route.outputInterface())) {
          ipv6Route(route, !deleted);
        }
        LinkMessage link = links.get(route.outputInterface());
        if (link != null) {
          report(link.name());
        }
        return;
      }
      if (route(route, !deleted)) {
        LinkMessage link = links.get(route.outputInterface());
        if (link != null) {
          report(link.name());
        }
      }
    }

    /** Records a main-table IPv4 default route of another program; returns whether it was one. */
    private boolean route(RouteMessage route, boolean present) {
      if (ownRouteProtocol == null
          || route.family() != AddressFamily.INET
          || route.table() != MAIN_TABLE
          || !route.isDefault()
          || route.protocol() == ownRouteProtocol) {
        return false;
      }
      List<RouteMessage> known =
          defaultRoutes.computeIfAbsent(route.outputInterface(), i -> new ArrayList<>());
      // The kernel keys an IPv4 route by (table, destination, tos, metric): a new one replaces.
      known.removeIf(
          r ->
              r.metric() == route.metric()
                  && r.tos() == route.tos()
                  && (present || Objects.equals(r.gateway(), route.gateway())));
      if (present) {
        known.add(route);
      }
      return true;
    }

    /**
     * Reads the main table's default routes through interface {@code index} again, where the kernel
     * may have deleted some without a notification (the interface went down, an address went).
     */
    private void rereadDefaultRoutes(int index) {
      if (ownRouteProtocol == null) {
        return;
      }
      List<RouteMessage> read;
      try {
        read = routeReader.read(AddressFamily.INET, index);
      } catch (NetlinkException e) {
        logger.warn("link monitor: cannot read the default routes again: {}", e.getMessage());
        return;
      }
      defaultRoutes.remove(index);
      read.forEach(r -> route(r, true));
    }

    /**
     * Whether {@code route} is a main-table IPv6 default route of another program, followed when
     * default routes are.
     */
    private boolean foreignIpv6Default(RouteMessage route) {
      return ipv6Followed
          && ownRouteProtocol != null
          && route.family() == AddressFamily.INET6
          && route.table() == MAIN_TABLE
          && route.isDefault()
          && route.protocol() != ownRouteProtocol;
    }

    /** Applies one IPv6 default route message: the kernel keys it by metric and next hop. */
    private void ipv6Route(RouteMessage route, boolean present) {
      List<RouteMessage> known =
          ipv6DefaultRoutes.computeIfAbsent(route.outputInterface(), i -> new ArrayList<>());
      known.removeIf(
          r -> r.metric() == route.metric() && Objects.equals(r.gateway(), route.gateway()));
      if (present) {
        known.add(route);
      }
    }

    /**
     * Reads the main table's IPv6 default routes through interface {@code index} again; returns
     * false (and keeps what it knew) if they cannot be read or IPv6 routes are not followed.
     */
    private boolean rereadIpv6DefaultRoutes(int index) {
      if (!ipv6Followed) {
        return false;
      }
      List<RouteMessage> read;
      try {
        read = routeReader.read(AddressFamily.INET6, index);
      } catch (NetlinkException e) {
        logger.warn("link monitor: cannot read the IPv6 default routes again: {}", e.getMessage());
        return false;
      }
      List<RouteMessage> kept = new ArrayList<>();
      for (RouteMessage r : read) {
        if (r.outputInterface() == index && foreignIpv6Default(r)) {
          kept.add(r);
        }
      }
      ipv6DefaultRoutes.put(index, kept);
      return true;
    }

    @Override
    public void onAddress(AddressMessage address, boolean deleted) {
      if (ipv6Address(address, !deleted, true)) {
        LinkMessage link = links.get(address.index());
        if (link != null) {
          report(link.name());
        }
        return;
      }
      if (deleted && address.interfaceAddress() instanceof Inet4Address) {
        rereadDefaultRoutes(address.index());
      }
      if (address(address, !deleted)) {
        LinkMessage link = links.get(address.index());
        if (link != null) {
          report(link.name());
        }
      }
    }

    /**
     * Records an IPv6 address, when IPv6 is followed; returns whether it was one. A changed address
     * keeps its place; a new one goes first if {@code newest} (the kernel lists the newest global
     * address first), else last (a dump, in the kernel's order).
     */
    private boolean ipv6Address(AddressMessage address, boolean present, boolean newest) {
      if (!ipv6Followed || address.family() != AddressFamily.INET6) {
        return false;
      }
      List<AddressMessage> known =
          ipv6Addresses.computeIfAbsent(address.index(), i -> new ArrayList<>());
      int at = -1;
      for (int i = 0; i < known.size(); i++) {
        if (known.get(i).interfaceAddress().equals(address.interfaceAddress())) {
          at = i;
          break;
        }
      }
      if (!present) {
        if (at >= 0) {
          known.remove(at);
        }
      } else if (at >= 0) {
        known.set(at, address);
      } else if (newest) {
        known.add(0, address);
      } else {
        known.add(address);
      }
      return true;
    }

    /** Records an IPv4 address; returns whether it was one. */
    private boolean address(AddressMessage address, boolean present) {
      if (!(address.interfaceAddress() instanceof Inet4Address ipv4)) {
        return false;
      }
      Set<Inet4Address> known = addresses.computeIfAbsent(address.index(), i -> new HashSet<>());
      List<AddressMessage> messages =
          addressMessages.computeIfAbsent(address.index(), i -> new ArrayList<>());
      messages.removeIf(
          m -> m.interfaceAddress().equals(ipv4) && m.prefixLength() == address.prefixLength());
      if (present) {
        known.add(ipv4);
        messages.add(address);
      } else {
        known.remove(ipv4);
      }
      return true;
    }

    /**
     * Reports what changed for interface {@code name} since it was last reported: addresses gone
     * first, then the link, then addresses added (so a deleted interface loses its addresses before
     * it becomes unusable, and a new one is usable before its addresses come).
     */
    private void report(String name) {
      LinkMessage link =
          links.values().stream().filter(l -> l.name().equals(name)).findFirst().orElse(null);
      boolean usable = link != null && LinkStatus.of(link, List.of()).usable();
      Set<Inet4Address> now =
          link == null ? Set.of() : addresses.getOrDefault(link.index(), Set.of());
      Set<Inet4Address> before = reportedAddresses.computeIfAbsent(name, n -> new HashSet<>());
      for (Inet4Address gone : new ArrayList<>(before)) {
        if (!now.contains(gone)) {
          before.remove(gone);
          tellAddress(name, gone, false);
        }
      }
      Boolean wasUsable = reportedUsable.put(name, usable);
      if (wasUsable == null || wasUsable != usable) {
        if (synced) {
          // DEBUG: the listener decides what to say, and a failover should not wait for a line.
          logger.debug("interface '{}' is {}", name, usable ? "usable" : "not usable");
        }
        try {
          listener.onLinkChanged(name, usable);
        } catch (RuntimeException e) {
          logger.warn("link listener failed for interface '{}'", name, e);
        }
      }
      for (Inet4Address added : now) {
        if (before.add(added)) {
          tellAddress(name, added, true);
        }
      }
      InterfaceView view =
          link == null
              ? InterfaceView.missing(name)
              : new InterfaceView(
                  name,
                  link,
                  addressMessages.getOrDefault(link.index(), List.of()),
                  defaultRoutes.getOrDefault(link.index(), List.of()),
                  ipv6Addresses.getOrDefault(link.index(), List.of()),
                  ipv6DefaultRoutes.getOrDefault(link.index(), List.of()));
      if (!view.equals(reportedViews.put(name, view))) {
        try {
          listener.onInterfaceChanged(view);
        } catch (RuntimeException e) {
          logger.warn("link listener failed for the view of interface '{}'", name, e);
        }
      }
    }

    private void tellAddress(String name, Inet4Address address, boolean present) {
      logger.debug(
          "interface '{}': address {} {}",
          name,
          address.getHostAddress(),
          present ? "added" : "removed");
      try {
        listener.onAddressChanged(name, address, present);
      } catch (RuntimeException e) {
        logger.warn(
            "link listener failed for interface '{}', address {}",
            name,
            address.getHostAddress(),
            e);
      }
    }
  }

  @Override
  public String toString() {
    return "LinkMonitor[" + listener + "]";
  }
}
