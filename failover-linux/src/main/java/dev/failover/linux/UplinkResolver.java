package dev.failover.linux;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.net.InetAddresses;
import dev.failover.api.Ipv4Network;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.linux.netlink.AddressMessage;
import dev.failover.linux.netlink.RouteMessage;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Turns a provider as configured and what the kernel shows of its interface ({@link InterfaceView})
 * into the provider's values in force: what the config names wins, what it omits is learned (issue
 * 10, docs/configuration.md "Learned values"):
 *
 * <ul>
 *   <li>the address and prefix: the interface's primary IPv4 address (the first one the kernel
 *       lists that is not secondary; with several, the first is used and the choice noted);
 *   <li>on an address with a peer ({@code ip addr add A peer B}), or on a point-to-point or
 *       ARP-less link: no gateway, routes name the device alone; the network is the address's own
 *       /32;
 *   <li>otherwise the gateway: the lowest-metric main-table default route through the interface
 *       that another program made (a DHCP client's: any route protocol but ours); when none is
 *       there any more but the address is the one it was learned with, the last learned gateway is
 *       kept (failover itself may have demoted or removed that route, per {@code
 *       foreign_default_routes}); a gateway outside the network is used on-link, as the kernel
 *       would, and noted.
 * </ul>
 *
 * <p>When a value cannot be learned, the provider is unconfigured with the reason: "interface
 * missing", "no IPv4 address yet", "no gateway learned"; so is one whose configured {@code
 * ipv4_address} is not on its interface (it could send nothing). Pure: no I/O, no clock;
 * thread-safe.
 */
public final class UplinkResolver {
  private final int ownProtocol;

  /**
   * @param ownProtocol the route protocol number of failover's own routes, which teach nothing
   */
  public UplinkResolver(int ownProtocol) {
    this.ownProtocol = ownProtocol;
  }

  /**
   * What {@code configured} is with its interface as {@code view} shows it.
   *
   * @param previous the last resolution of the same provider, whose learned gateway is kept while
   *     the address it came with stays; null at first
   * @param notes receives one line per noteworthy choice (several addresses, an on-link gateway),
   *     for the caller to log when it changes
   */
  public ProviderResolution resolve(
      Provider configured,
      InterfaceView view,
      @Nullable ProviderResolution previous,
      List<String> notes) {
    checkNotNull(configured, "configured");
    checkNotNull(view, "view");
    checkNotNull(notes, "notes");
    if (!configured.learnsFromInterface()) {
      return ProviderResolution.resolved(configured);
    }
    String id = configured.id();
    if (!view.exists()) {
      return ProviderResolution.unconfigured(
          id, "interface missing: no interface is named " + configured.interfaceName());
    }

    List<AddressMessage> primaries = new ArrayList<>();
    for (AddressMessage address : view.addresses()) {
      if (address.interfaceAddress() instanceof Inet4Address
          && (address.flags() & InterfaceView.IFA_F_SECONDARY) == 0) {
        primaries.add(address);
      }
    }
    AddressMessage chosen;
    Inet4Address address;
    if (configured.ipv4Address() != null) {
      address = configured.ipv4Address();
      Optional<AddressMessage> held =
          view.addresses().stream().filter(a -> a.interfaceAddress().equals(address)).findFirst();
      if (held.isEmpty()) {
        // The provider cannot send from an address its interface lacks: say so in the status.
        return ProviderResolution.unconfigured(
            id,
            "configured ipv4_address "
                + address.getHostAddress()
                + " is not on interface "
                + view.name());
      }
      chosen = held.get();
    } else if (primaries.isEmpty()) {
      return ProviderResolution.unconfigured(id, "no IPv4 address yet on interface " + view.name());
    } else {
      chosen = primaries.get(0);
      address = (Inet4Address) chosen.interfaceAddress();
      if (primaries.size() > 1) {
        notes.add(
            "interface "
                + view.name()
                + " has "
                + primaries.size()
                + " primary IPv4 addresses ("
                + String.join(", ", primaries.stream().map(a -> text(a)).toList())
                + "); the first, "
                + text(chosen)
                + ", is used");
      }
    }

    boolean peer =
        chosen != null
            && chosen.address() != null
            && chosen.local() != null
            && !chosen.address().equals(chosen.local());
    boolean pointToPoint = peer || view.pointToPointLink();
    Ipv4Network network;
    if (configured.network() != null) {
      network = configured.network();
    } else if (peer) {
      network = new Ipv4Network(address, 32);
    } else {
      network = Ipv4Network.containing(address, chosen.prefixLength());
    }
    if (!network.contains(address)) {
      return ProviderResolution.unconfigured(
          id,
          "learned ipv4_address "
              + address.getHostAddress()
              + " lies outside configured network "
              + network);
    }

    @Nullable Inet4Address gateway = configured.gateway();
    if (gateway == null && !pointToPoint) {
      Optional<RouteMessage> learned =
          view.defaultRoutes().stream()
              .filter(r -> r.protocol() != ownProtocol && r.isUnicast() && !r.complexNextHop())
              .min(Comparator.comparingLong(RouteMessage::metric));
      if (learned.isPresent()) {
        if (!(learned.get().gateway() instanceof Inet4Address learnedGateway)) {
          pointToPoint = true; // "default dev IF": the program that added it knows no gateway
        } else {
          gateway = learnedGateway;
        }
      } else {
        gateway = keptGateway(previous, address, network);
        if (gateway == null) {
          return ProviderResolution.unconfigured(
              id, "no gateway learned: no default route through " + view.name() + " yet");
        }
      }
    }
    if (gateway != null && gateway.equals(address)) {
      return ProviderResolution.unconfigured(
          id, "learned gateway " + gateway.getHostAddress() + " is the provider's own address");
    }
    if (gateway != null && !network.contains(gateway)) {
      notes.add(
          "gateway "
              + gateway.getHostAddress()
              + " lies outside network "
              + network
              + "; it is used on-link, as the kernel would");
    }
    try {
      return ProviderResolution.resolved(
          new Provider(
              id,
              configured.interfaceName(),
              address,
              network,
              gateway,
              configured.rtTableName(),
              configured.rtTableId()));
    } catch (IllegalArgumentException e) {
      return ProviderResolution.unconfigured(id, "learned values refused: " + e.getMessage());
    }
  }

  /** The previous gateway, if it was learned along with this very address and network. */
  private static @Nullable Inet4Address keptGateway(
      @Nullable ProviderResolution previous, Inet4Address address, Ipv4Network network) {
    if (previous == null || previous.provider() == null) {
      return null;
    }
    Provider before = previous.provider();
    return address.equals(before.ipv4Address()) && network.equals(before.network())
        ? before.gateway()
        : null;
  }

  private static String text(AddressMessage address) {
    return InetAddresses.toAddrString(address.interfaceAddress()) + "/" + address.prefixLength();
  }
}
