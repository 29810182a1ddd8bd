package dev.failover.linux;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.net.InetAddresses;
import dev.failover.linux.netlink.AddressMessage;
import dev.failover.linux.netlink.RouteMessage;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns the IPv6 side of an uplink as configured ({@link Ipv6UplinkConfig}) and what the kernel
 * shows of its interface ({@link InterfaceView}) into its IPv6 values in force ({@link
 * Ipv6Uplink}): what the config names wins, what it omits is learned, as {@link UplinkResolver}
 * does for IPv4 (issue 16; the groundwork for IPv6 providers, see docs/linux.md "IPv6: what the
 * link monitor reads").
 *
 * <ul>
 *   <li>The address: one of the interface's global addresses (a SLAAC or DHCPv6 address, or one an
 *       operator added) that can be used: never link-local, never one still under duplicate address
 *       detection ({@code tentative}, unless {@code optimistic}: RFC 4429 lets that one be used),
 *       never one that failed it ({@code dadfailed}). Of those it prefers, in this order: a
 *       preferred address to a {@code deprecated} one (its preferred lifetime ended: a renumbered
 *       prefix on its way out); a global unicast address to a unique local one (fc00::/7 reaches no
 *       internet); a stable address to an RFC 4941 {@code temporary} one (it changes every day or
 *       so, and every flow pinned to it would go with it). Among equals it keeps the address of the
 *       previous resolution while that stays among them (a new address never moves an uplink's
 *       source by itself), else takes the first the kernel lists, which is the newest. Lifetimes
 *       are not compared: every router advertisement changes them, and the one case where they
 *       matter, a prefix on its way out, is the {@code deprecated} flag.
 *   <li>The prefix length: the address's own, 128 for an address with a peer.
 *   <li>The gateway: the lowest-metric main-table IPv6 default route through the interface that
 *       another program made (the kernel's from a router advertisement, {@code proto ra}, or a
 *       DHCPv6 client's or an operator's: any route protocol but ours), typically {@code via
 *       fe80::1}; a link-local gateway is meant with this interface only ({@link Ipv6Uplink}). When
 *       none is there any more but the address is the one it was learned with, the last learned
 *       gateway is kept (failover itself may have demoted or removed that route). A default route
 *       that names no gateway makes the uplink point-to-point; so does a point-to-point or ARP-less
 *       link, or an address with a peer, when no default route names a gateway: its routes name the
 *       device alone.
 * </ul>
 *
 * <p>A configured address must be on the interface and usable, or the uplink is unconfigured (it
 * could send nothing); a configured prefix length or gateway is taken as it is. When a value cannot
 * be learned, the uplink is unconfigured with the reason: "interface missing", "no global IPv6
 * address yet", "no usable global IPv6 address", "no IPv6 gateway learned". Pure: no I/O, no clock;
 * thread-safe.
 */
public final class Ipv6UplinkResolver {
  private final int ownProtocol;

  /**
   * @param ownProtocol the route protocol number of failover's own routes, which teach nothing
   */
  public Ipv6UplinkResolver(int ownProtocol) {
    this.ownProtocol = ownProtocol;
  }

  /**
   * What {@code configured} is with its interface as {@code view} shows it.
   *
   * @param previous the last resolution of the same uplink: its address is kept among equals, and
   *     its learned gateway while the address it came with stays; null at first
   * @param notes receives one line per noteworthy choice (several candidate addresses, a deprecated
   *     address, several routers at the same metric, an off-link global gateway), for the caller to
   *     log when it changes
   */
  public Ipv6UplinkResolution resolve(
      Ipv6UplinkConfig configured,
      InterfaceView view,
      @Nullable Ipv6UplinkResolution previous,
      List<String> notes) {
    checkNotNull(configured, "configured");
    checkNotNull(view, "view");
    checkNotNull(notes, "notes");
    String name = configured.interfaceName();
    if (!configured.learnsFromInterface()) {
      return Ipv6UplinkResolution.resolved(
          new Ipv6Uplink(
              name, configured.address(), configured.prefixLength(), configured.gateway(), false));
    }
    if (!view.exists()) {
      return Ipv6UplinkResolution.unconfigured(
          name, "interface missing: no interface is named " + name);
    }
    @Nullable Ipv6Uplink before =
        previous != null
                && previous.uplink() != null
                && previous.uplink().interfaceName().equals(name)
            ? previous.uplink()
            : null;

    AddressMessage chosen;
    if (configured.address() != null) {
      Inet6Address wanted = configured.address();
      Optional<AddressMessage> held =
          view.ipv6Addresses().stream()
              .filter(a -> a.interfaceAddress().equals(wanted))
              .findFirst();
      if (held.isEmpty()) {
        return Ipv6UplinkResolution.unconfigured(
            name,
            "configured ipv6_address " + text(wanted) + " is not on interface " + view.name());
      }
      chosen = held.get();
      Optional<String> unusable = unusable(chosen);
      if (unusable.isPresent()) {
        return Ipv6UplinkResolution.unconfigured(
            name,
            "configured ipv6_address "
                + text(wanted)
                + " "
                + unusable.get()
                + " on interface "
                + view.name());
      }
    } else {
      List<AddressMessage> usable =
          view.ipv6Addresses().stream().filter(a -> unusable(a).isEmpty()).toList();
      if (usable.isEmpty()) {
        if (view.ipv6Addresses().isEmpty()) {
          return Ipv6UplinkResolution.unconfigured(
              name, "no global IPv6 address yet on interface " + view.name());
        }
        AddressMessage first = view.ipv6Addresses().get(0);
        return Ipv6UplinkResolution.unconfigured(
            name,
            "no usable global IPv6 address on interface "
                + view.name()
                + " yet: "
                + text(first)
                + " "
                + unusable(first).orElseThrow());
      }
      chosen = choose(usable, before, view.name(), notes);
    }
    Inet6Address address = (Inet6Address) chosen.interfaceAddress();
    if ((chosen.flags() & InterfaceView.IFA_F_DEPRECATED) != 0) {
      notes.add(
          "IPv6 address "
              + text(chosen)
              + " on interface "
              + view.name()
              + " is deprecated (its preferred lifetime ended) and no preferred one is there");
    }

    boolean peer =
        chosen.address() != null
            && chosen.local() != null
            && !chosen.address().equals(chosen.local());
    int prefixLength;
    if (configured.prefixLength() != null) {
      prefixLength = configured.prefixLength();
    } else if (peer) {
      prefixLength = 128;
    } else {
      prefixLength = chosen.prefixLength();
    }
    boolean pointToPoint = peer || view.pointToPointLink();

    @Nullable Inet6Address gateway = configured.gateway();
    if (gateway == null) {
      List<RouteMessage> foreign =
          view.ipv6DefaultRoutes().stream()
              .filter(r -> r.protocol() != ownProtocol && r.isUnicast() && !r.complexNextHop())
              .sorted(Comparator.comparingLong(RouteMessage::metric))
              .toList();
      if (!foreign.isEmpty()) {
        RouteMessage lowest = foreign.get(0);
        long ties = foreign.stream().filter(r -> r.metric() == lowest.metric()).count();
        if (ties > 1) {
          notes.add(
              "interface "
                  + view.name()
                  + " has "
                  + ties
                  + " IPv6 default routes at metric "
                  + lowest.metric()
                  + "; the first the kernel lists, "
                  + lowest.describe(i -> view.name())
                  + ", is used");
        }
        if (lowest.gateway() instanceof Inet6Address learned) {
          gateway = learned;
        } else {
          pointToPoint = true; // "default dev IF": the program that added it knows no gateway
        }
      } else if (!pointToPoint) {
        gateway = keptGateway(before, address, prefixLength);
        if (gateway == null) {
          return Ipv6UplinkResolution.unconfigured(
              name,
              "no IPv6 gateway learned: no IPv6 default route through "
                  + view.name()
                  + " yet (no router advertisement seen)");
        }
      }
    }
    if (gateway != null && gateway.equals(address)) {
      return Ipv6UplinkResolution.unconfigured(
          name, "learned IPv6 gateway " + text(gateway) + " is the uplink's own address");
    }
    if (gateway != null
        && !gateway.isLinkLocalAddress()
        && !sameNetwork(address, gateway, prefixLength)) {
      notes.add(
          "IPv6 gateway "
              + text(gateway)
              + " lies outside "
              + text(address)
              + "/"
              + prefixLength
              + "; it is used on-link, as the kernel would");
    }
    try {
      return Ipv6UplinkResolution.resolved(
          new Ipv6Uplink(name, address, prefixLength, gateway, gateway == null));
    } catch (IllegalArgumentException e) {
      return Ipv6UplinkResolution.unconfigured(name, "learned values refused: " + e.getMessage());
    }
  }

  /**
   * Why {@code address} cannot be used (the words follow the address in a reason), or empty if it
   * can.
   */
  private static Optional<String> unusable(AddressMessage address) {
    int flags = address.flags();
    if ((flags & InterfaceView.IFA_F_DADFAILED) != 0) {
      return Optional.of("failed duplicate address detection (another node has it)");
    }
    if ((flags & InterfaceView.IFA_F_TENTATIVE) != 0
        && (flags & InterfaceView.IFA_F_OPTIMISTIC) == 0) {
      return Optional.of("is tentative (duplicate address detection is running)");
    }
    return Optional.empty();
  }

  /**
   * The best of the usable addresses {@code usable} (in the kernel's order): the lowest {@link
   * #rank}, and among those the previous address if it is one, else the first.
   */
  private static AddressMessage choose(
      List<AddressMessage> usable, @Nullable Ipv6Uplink before, String name, List<String> notes) {
    int best = usable.stream().mapToInt(Ipv6UplinkResolver::rank).min().orElseThrow();
    List<AddressMessage> equals = usable.stream().filter(a -> rank(a) == best).toList();
    if (before != null) {
      for (AddressMessage candidate : equals) {
        if (candidate.interfaceAddress().equals(before.address())) {
          return candidate;
        }
      }
    }
    AddressMessage chosen = equals.get(0);
    if (equals.size() > 1) {
      notes.add(
          "interface "
              + name
              + " has "
              + equals.size()
              + " equally good global IPv6 addresses ("
              + String.join(", ", equals.stream().map(Ipv6UplinkResolver::text).toList())
              + "); the first the kernel lists, "
              + text(chosen)
              + ", is used");
    }
    return chosen;
  }

  /**
   * How little an address is preferred: deprecated weighs most, then unique local, then temporary;
   * 0 is a preferred, stable, global unicast address.
   */
  private static int rank(AddressMessage address) {
    int flags = address.flags();
    byte[] bytes = address.interfaceAddress().getAddress();
    boolean uniqueLocal = (bytes[0] & 0xfe) == 0xfc;
    return ((flags & InterfaceView.IFA_F_DEPRECATED) != 0 ? 4 : 0)
        + (uniqueLocal ? 2 : 0)
        + ((flags & InterfaceView.IFA_F_TEMPORARY) != 0 ? 1 : 0);
  }

  /** The previous gateway, if it was learned along with this very address and prefix length. */
  private static @Nullable Inet6Address keptGateway(
      @Nullable Ipv6Uplink before, Inet6Address address, int prefixLength) {
    if (before == null) {
      return null;
    }
    return address.equals(before.address()) && prefixLength == before.prefixLength()
        ? before.gateway()
        : null;
  }

  private static boolean sameNetwork(Inet6Address a, Inet6Address b, int prefixLength) {
    byte[] x = a.getAddress();
    byte[] y = b.getAddress();
    for (int bit = 0; bit < prefixLength; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((x[bit / 8] & mask) != (y[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  private static String text(AddressMessage address) {
    return text(address.interfaceAddress()) + "/" + address.prefixLength();
  }

  private static String text(InetAddress address) {
    return InetAddresses.toAddrString(address);
  }
}
