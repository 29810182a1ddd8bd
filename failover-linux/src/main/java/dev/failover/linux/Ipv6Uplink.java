package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.net.InetAddresses;
import java.net.Inet6Address;
import org.jspecify.annotations.Nullable;

/**
 * The IPv6 values of an uplink in force: configured or learned from its interface by {@link
 * Ipv6UplinkResolver}.
 *
 * <p>A link-local gateway (router advertisements name the router by its link-local address, often
 * {@code fe80::1} on every uplink alike) means something only on its own link: it belongs to {@link
 * #interfaceName()}, and every route through it must name that device.
 *
 * @param interfaceName the device the uplink's routes name
 * @param address the uplink's own global address, the source of its probes and rules
 * @param prefixLength the prefix length of {@code address} (128 for an address with a peer)
 * @param gateway the next hop; null for a point-to-point uplink, whose routes name the device alone
 * @param pointToPoint whether the routes name the device alone (a point-to-point or ARP-less link,
 *     an address with a peer, or a foreign default route that names no gateway)
 */
public record Ipv6Uplink(
    String interfaceName,
    Inet6Address address,
    int prefixLength,
    @Nullable Inet6Address gateway,
    boolean pointToPoint) {

  /**
   * @throws IllegalArgumentException if the prefix length is not 1 to 128, or a point-to-point
   *     uplink has a gateway or another has none
   */
  public Ipv6Uplink {
    checkNotNull(interfaceName, "interfaceName");
    checkNotNull(address, "address");
    checkArgument(
        prefixLength >= 1 && prefixLength <= 128,
        "prefixLength must be 1 to 128, was %s",
        prefixLength);
    checkArgument(
        pointToPoint == (gateway == null),
        "an uplink has a gateway unless it is point-to-point, was %s, pointToPoint %s",
        gateway,
        pointToPoint);
  }

  /** The uplink as {@code ip} would name its route: {@code 2001:db8::2/64 via fe80::1 dev wan1}. */
  @Override
  public String toString() {
    return InetAddresses.toAddrString(address)
        + "/"
        + prefixLength
        + (gateway == null ? "" : " via " + InetAddresses.toAddrString(gateway))
        + " dev "
        + interfaceName;
  }
}
