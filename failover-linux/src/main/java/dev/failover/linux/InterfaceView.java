package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.linux.netlink.AddressFamily;
import dev.failover.linux.netlink.AddressMessage;
import dev.failover.linux.netlink.LinkMessage;
import dev.failover.linux.netlink.RouteMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * What the kernel shows of one interface at one moment, as far as an uplink learns from it: the
 * link, its IPv4 addresses in the kernel's order, the main table's IPv4 default routes through it
 * (a DHCP client's, ours, any other program's), and the same two for IPv6. A {@link LinkMonitor}
 * hands one to its listener whenever any of these changes; {@link UplinkResolver} turns it into a
 * provider's IPv4 values, {@link Ipv6UplinkResolver} into its IPv6 values.
 *
 * <p>The IPv6 parts hold only what an uplink learns from, so that two views are equal unless
 * something that matters changed; the compact constructor normalises them (see {@link
 * #ipv6Addresses()} and {@link #ipv6DefaultRoutes()}). Why: the kernel sends IPv6 address and route
 * messages for many reasons that change nothing here (every router advertisement refreshes the
 * lifetimes, a new link gets a link-local address and finishes duplicate address detection on it a
 * second later, carrier loss sets {@code linkdown} on the routes without a notification), and a
 * listener should wake only for a change it can act on. The IPv4 parts are kept exactly as the
 * kernel sent them, as before IPv6 came.
 *
 * @param name the interface's name
 * @param link the interface; null if no interface has that name (missing, deleted, renamed)
 * @param addresses its IPv4 addresses, primary before secondary, as the kernel lists them; empty
 *     when {@code link} is null
 * @param defaultRoutes the main table's IPv4 default routes that leave through it; empty when
 *     {@code link} is null or the monitor does not follow routes
 * @param ipv6Addresses its IPv6 addresses of global scope (link-local and host addresses are left
 *     out: nothing is learned from them), in the kernel's order (the newest first), with their
 *     flags reduced to {@link #IPV6_FLAGS_READ}; empty when {@code link} is null or the monitor
 *     does not follow IPv6
 * @param ipv6DefaultRoutes the main table's IPv6 default routes that leave through it, without the
 *     {@code linkdown} flag (the link's state is in {@code link}); empty when {@code link} is null
 *     or the monitor does not follow IPv6 routes
 */
public record InterfaceView(
    String name,
    @org.jspecify.annotations.Nullable LinkMessage link,
    List<AddressMessage> addresses,
    List<RouteMessage> defaultRoutes,
    List<AddressMessage> ipv6Addresses,
    List<RouteMessage> ipv6DefaultRoutes) {

  /** {@code IFF_POINTOPOINT}: the interface has a peer, not a network. */
  public static final int IFF_POINTOPOINT = 0x10;

  /** {@code IFF_NOARP}: no link-layer resolution, as on tun and raw-IP modem interfaces. */
  public static final int IFF_NOARP = 0x80;

  /** {@code IFA_F_SECONDARY}: another address of the same prefix came first. */
  public static final int IFA_F_SECONDARY = 0x01;

  /**
   * {@code IFA_F_TEMPORARY} (IPv6; the same bit as {@link #IFA_F_SECONDARY}): an RFC 4941 privacy
   * address, replaced every day or so.
   */
  public static final int IFA_F_TEMPORARY = 0x01;

  /** {@code IFA_F_OPTIMISTIC} (IPv6): tentative, but usable meanwhile (RFC 4429). */
  public static final int IFA_F_OPTIMISTIC = 0x04;

  /** {@code IFA_F_DADFAILED} (IPv6): another node on the link has the address; never usable. */
  public static final int IFA_F_DADFAILED = 0x08;

  /** {@code IFA_F_DEPRECATED} (IPv6): its preferred lifetime ended; valid, but not for new use. */
  public static final int IFA_F_DEPRECATED = 0x20;

  /** {@code IFA_F_TENTATIVE} (IPv6): duplicate address detection is still running. */
  public static final int IFA_F_TENTATIVE = 0x40;

  /**
   * The IPv6 address flags a view keeps: those that say whether and how well an address can be
   * used, and which the kernel changes over an address's life. The others ({@code permanent},
   * {@code noprefixroute}, {@code mngtmpaddr}, ...) are set when an address is made and say nothing
   * an uplink learns from.
   */
  public static final int IPV6_FLAGS_READ =
      IFA_F_TEMPORARY | IFA_F_OPTIMISTIC | IFA_F_DADFAILED | IFA_F_DEPRECATED | IFA_F_TENTATIVE;

  /**
   * @throws IllegalArgumentException if an interface that does not exist has addresses or routes,
   *     an address or route is of the other family, or an IPv6 route is not a default route
   */
  public InterfaceView {
    checkNotNull(name, "name");
    addresses = List.copyOf(checkNotNull(addresses, "addresses"));
    defaultRoutes = List.copyOf(checkNotNull(defaultRoutes, "defaultRoutes"));
    ipv6Addresses = ipv6Read(checkNotNull(ipv6Addresses, "ipv6Addresses"));
    ipv6DefaultRoutes = ipv6RoutesRead(checkNotNull(ipv6DefaultRoutes, "ipv6DefaultRoutes"));
    checkArgument(
        link != null
            || (addresses.isEmpty()
                && defaultRoutes.isEmpty()
                && ipv6Addresses.isEmpty()
                && ipv6DefaultRoutes.isEmpty()),
        "a missing interface has no addresses or routes: %s",
        name);
  }

  /** A view without IPv6: its IPv4 addresses and default routes only. */
  public InterfaceView(
      String name,
      @org.jspecify.annotations.Nullable LinkMessage link,
      List<AddressMessage> addresses,
      List<RouteMessage> defaultRoutes) {
    this(name, link, addresses, defaultRoutes, List.of(), List.of());
  }

  /** The view of an interface that does not exist. */
  public static InterfaceView missing(String name) {
    return new InterfaceView(name, null, List.of(), List.of());
  }

  /** Whether the interface exists. */
  public boolean exists() {
    return link != null;
  }

  /** Whether traffic can leave through it now (see {@link LinkStatus#usable()}). */
  public boolean usable() {
    return link != null && LinkStatus.of(link, List.of()).usable();
  }

  /**
   * Whether the link itself is point-to-point or resolves no link-layer addresses (PPP, tun, a
   * modem in raw-IP mode): a route through it needs no gateway.
   */
  public boolean pointToPointLink() {
    return link != null && (link.flags() & (IFF_POINTOPOINT | IFF_NOARP)) != 0;
  }

  /**
   * Whether an IPv6 address is one a view keeps: of global scope and not link-local. A unique local
   * address (fc00::/7) is of global scope in Linux, so it is kept; the resolver ranks it last.
   */
  static boolean ipv6Kept(AddressMessage address) {
    return address.scope() == RouteMessage.SCOPE_UNIVERSE
        && !address.interfaceAddress().isLinkLocalAddress()
        && !address.interfaceAddress().isLoopbackAddress();
  }

  private static List<AddressMessage> ipv6Read(List<AddressMessage> given) {
    List<AddressMessage> kept = new ArrayList<>();
    for (AddressMessage address : given) {
      checkArgument(
          address.family() == AddressFamily.INET6, "ipv6Addresses holds IPv4 address %s", address);
      if (ipv6Kept(address)) {
        kept.add(
            new AddressMessage(
                address.family(),
                address.prefixLength(),
                address.flags() & IPV6_FLAGS_READ,
                address.scope(),
                address.index(),
                address.local(),
                address.address()));
      }
    }
    return List.copyOf(kept);
  }

  private static List<RouteMessage> ipv6RoutesRead(List<RouteMessage> given) {
    List<RouteMessage> kept = new ArrayList<>();
    for (RouteMessage route : given) {
      checkArgument(
          route.family() == AddressFamily.INET6 && route.isDefault(),
          "ipv6DefaultRoutes holds %s, which is not an IPv6 default route",
          route);
      kept.add(route.withFlags(route.flags() & ~RouteMessage.FLAG_LINKDOWN));
    }
    return List.copyOf(kept);
  }
}
