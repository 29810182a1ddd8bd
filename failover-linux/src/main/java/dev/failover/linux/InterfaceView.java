package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.linux.netlink.AddressMessage;
import dev.failover.linux.netlink.LinkMessage;
import dev.failover.linux.netlink.RouteMessage;
import java.util.List;

/**
 * What the kernel shows of one interface at one moment, as far as an uplink learns from it: the
 * link, its IPv4 addresses in the kernel's order, and the main table's IPv4 default routes through
 * it (a DHCP client's, ours, any other program's). A {@link LinkMonitor} hands one to its listener
 * whenever any of these changes; {@link UplinkResolver} turns it into a provider's values.
 *
 * @param name the interface's name
 * @param link the interface; null if no interface has that name (missing, deleted, renamed)
 * @param addresses its IPv4 addresses, primary before secondary, as the kernel lists them; empty
 *     when {@code link} is null
 * @param defaultRoutes the main table's IPv4 default routes that leave through it; empty when
 *     {@code link} is null or the monitor does not follow routes
 */
public record InterfaceView(
    String name,
    @org.jspecify.annotations.Nullable LinkMessage link,
    List<AddressMessage> addresses,
    List<RouteMessage> defaultRoutes) {

  /** {@code IFF_POINTOPOINT}: the interface has a peer, not a network. */
  public static final int IFF_POINTOPOINT = 0x10;

  /** {@code IFF_NOARP}: no link-layer resolution, as on tun and raw-IP modem interfaces. */
  public static final int IFF_NOARP = 0x80;

  /** {@code IFA_F_SECONDARY}: another address of the same prefix came first. */
  public static final int IFA_F_SECONDARY = 0x01;

  public InterfaceView {
    checkNotNull(name, "name");
    addresses = List.copyOf(checkNotNull(addresses, "addresses"));
    defaultRoutes = List.copyOf(checkNotNull(defaultRoutes, "defaultRoutes"));
    checkArgument(
        link != null || (addresses.isEmpty() && defaultRoutes.isEmpty()),
        "a missing interface has no addresses or routes: %s",
        name);
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
}
