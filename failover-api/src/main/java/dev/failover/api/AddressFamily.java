package dev.failover.api;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * An internet protocol version, as far as failover judges and routes an uplink by it.
 *
 * <p>An uplink's IPv4 and IPv6 often fail apart: a lost prefix delegation or a broken router
 * advertisement takes IPv6 down while IPv4 works, and the other way round. So each family of a
 * provider is probed with the test cases of that family, judged on its own history, and routed by
 * its own main route (docs/architecture.md, "IPv6"). The kernel keeps the two families' routes and
 * rules apart, so the two main routes never disturb each other.
 */
public enum AddressFamily {
  /** IPv4: dotted-quad addresses, the family failover has always handled. */
  IPV4("IPv4", "ipv4"),
  /** IPv6: addresses written as RFC 5952 text; gateways are usually link-local. */
  IPV6("IPv6", "ipv6");

  private final String displayName;
  private final String key;

  AddressFamily(String displayName, String key) {
    this.displayName = displayName;
    this.key = key;
  }

  /** The family of {@code address}. */
  public static AddressFamily of(InetAddress address) {
    Checks.checkNotNull(address, "address");
    if (address instanceof Inet4Address) {
      return IPV4;
    }
    if (address instanceof Inet6Address) {
      return IPV6;
    }
    // InetAddress has no other subclasses; a future one is a family this code does not know.
    throw new IllegalArgumentException("address of an unknown family: " + address);
  }

  /**
   * {@code address} as {@code ip} writes it: a dotted quad for IPv4, the canonical RFC 5952 text
   * for IPv6 ({@code 2001:db8::1}, where {@link InetAddress#getHostAddress} writes {@code
   * 2001:db8:0:0:0:0:0:1}).
   */
  public static String text(InetAddress address) {
    Checks.checkNotNull(address, "address");
    return address instanceof Inet6Address v6 ? Ipv6.toText(v6) : address.getHostAddress();
  }

  /**
   * The config key that turns the family on for a provider, and the prefix of its keys: {@code
   * ipv4} or {@code ipv6}.
   */
  public String key() {
    return key;
  }

  /** {@code IPv4} or {@code IPv6}, as messages and logs write it. */
  @Override
  public String toString() {
    return displayName;
  }
}
