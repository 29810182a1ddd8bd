package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.net.InetAddresses;
import java.net.Inet6Address;
import org.jspecify.annotations.Nullable;

/**
 * The IPv6 side of an uplink as configured: its interface and whichever of address, prefix length
 * and gateway the operator names; {@link Ipv6UplinkResolver} learns the rest from the interface.
 * The launcher's {@code ProviderLinks} makes one from a provider's IPv6 values (issue 16).
 *
 * @param interfaceName the uplink's interface
 * @param address the uplink's own global address, or null to learn it (SLAAC, DHCPv6)
 * @param prefixLength the prefix length of {@code address} (1 to 128), or null to take the one the
 *     interface shows with it
 * @param gateway the next hop (link-local, as a router advertises it, or global), or null to learn
 *     it from the router advertisement's default route
 */
public record Ipv6UplinkConfig(
    String interfaceName,
    @Nullable Inet6Address address,
    @Nullable Integer prefixLength,
    @Nullable Inet6Address gateway) {

  /**
   * @throws IllegalArgumentException if the address is not a global unicast address, the prefix
   *     length is not 1 to 128, or the gateway is a multicast, loopback or unspecified address
   */
  public Ipv6UplinkConfig {
    checkNotNull(interfaceName, "interfaceName");
    checkArgument(
        address == null
            || !(address.isLinkLocalAddress()
                || address.isMulticastAddress()
                || address.isLoopbackAddress()
                || address.isAnyLocalAddress()),
        "address must be a global unicast IPv6 address, was %s",
        address == null ? null : InetAddresses.toAddrString(address));
    checkArgument(
        prefixLength == null || (prefixLength >= 1 && prefixLength <= 128),
        "prefixLength must be 1 to 128, was %s",
        prefixLength);
    checkArgument(
        gateway == null
            || !(gateway.isMulticastAddress()
                || gateway.isLoopbackAddress()
                || gateway.isAnyLocalAddress()),
        "gateway must be a unicast IPv6 address, was %s",
        gateway == null ? null : InetAddresses.toAddrString(gateway));
  }

  /** An uplink on {@code interfaceName} that learns every IPv6 value from its interface. */
  public static Ipv6UplinkConfig learned(String interfaceName) {
    return new Ipv6UplinkConfig(interfaceName, null, null, null);
  }

  /** Whether a value is left to be learned from the interface. */
  public boolean learnsFromInterface() {
    return address == null || prefixLength == null || gateway == null;
  }
}
