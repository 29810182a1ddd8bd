package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.linux.netlink.AddressFamily;
import dev.failover.linux.netlink.LinkMessage;
import dev.failover.linux.netlink.RtNetlink;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The state of one network interface at one moment, as the kernel's link and address messages
 * describe it.
 *
 * @param interfaceName the interface's name
 * @param index the kernel's interface index; 0 when the interface is absent
 * @param present whether the interface exists
 * @param adminUp whether it is administratively up (flag {@code UP})
 * @param carrier whether it has carrier (flag {@code LOWER_UP} and no {@code NO-CARRIER})
 * @param operState the operational state, such as {@code UP}, {@code DOWN}, {@code LOWERLAYERDOWN}
 *     or {@code UNKNOWN}; {@code ABSENT} when the interface does not exist
 * @param addresses its IPv4 addresses
 */
public record LinkStatus(
    String interfaceName,
    int index,
    boolean present,
    boolean adminUp,
    boolean carrier,
    String operState,
    List<Inet4Address> addresses) {

  /**
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code index} is negative
   */
  public LinkStatus {
    checkNotNull(interfaceName, "interfaceName");
    checkArgument(index >= 0, "index must be >= 0, was %s", index);
    checkNotNull(operState, "operState");
    addresses = List.copyOf(checkNotNull(addresses, "addresses"));
  }

  /** The status of an interface that does not exist. */
  public static LinkStatus absent(String interfaceName) {
    return new LinkStatus(interfaceName, 0, false, false, false, "ABSENT", List.of());
  }

  /**
   * Whether traffic can leave through the interface: it exists, is up, has carrier, and its
   * operational state is {@code UP} or {@code UNKNOWN} (see {@link LinkListener#onLinkChanged}).
   */
  public boolean usable() {
    return present && adminUp && carrier && (operState.equals("UP") || operState.equals("UNKNOWN"));
  }

  /**
   * The status of {@code link} with {@code addresses}, as the kernel's messages describe it.
   *
   * @throws NullPointerException if an argument is null
   */
  public static LinkStatus of(LinkMessage link, List<Inet4Address> addresses) {
    checkNotNull(link, "link");
    return new LinkStatus(
        link.name(),
        link.index(),
        true,
        link.adminUp(),
        link.carrier(),
        link.operStateName(),
        addresses);
  }

  /**
   * Reads the current status of {@code interfaceName} once, over rtnetlink in the calling thread's
   * network namespace (the interface by its name, then its IPv4 addresses). A missing interface is
   * {@link #absent}, not an error.
   *
   * @throws IOException if the kernel cannot be asked ({@link
   *     dev.failover.linux.netlink.NetlinkException})
   */
  public static LinkStatus read(String interfaceName) throws IOException {
    checkNotNull(interfaceName, "interfaceName");
    try (RtNetlink netlink = RtNetlink.open()) {
      return read(netlink, interfaceName);
    }
  }

  /** Reads the current status of {@code interfaceName} once with {@code netlink}. */
  static LinkStatus read(RtNetlink netlink, String interfaceName) throws IOException {
    Optional<LinkMessage> link = netlink.link(interfaceName);
    if (link.isEmpty()) {
      return absent(interfaceName);
    }
    List<Inet4Address> addresses = new ArrayList<>();
    netlink.dumpAddresses(
        AddressFamily.INET,
        link.get().index(),
        address -> {
          if (address.interfaceAddress() instanceof Inet4Address ipv4) {
            addresses.add(ipv4);
          }
        });
    return of(link.get(), addresses);
  }
}
