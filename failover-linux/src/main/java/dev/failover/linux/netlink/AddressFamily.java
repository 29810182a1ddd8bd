package dev.failover.linux.netlink;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;

/** The address families of routes, rules and addresses: IPv4 and IPv6. */
public enum AddressFamily {
  /** {@code AF_INET}: 4-byte addresses. */
  INET(2, 4),
  /** {@code AF_INET6}: 16-byte addresses. */
  INET6(10, 16);

  private final int value;
  private final int addressLength;

  AddressFamily(int value, int addressLength) {
    this.value = value;
    this.addressLength = addressLength;
  }

  /** The kernel's number for it ({@code AF_INET} is 2, {@code AF_INET6} 10). */
  public int value() {
    return value;
  }

  /** The length of its addresses in bytes, which is also the longest prefix in bits / 8. */
  public int addressLength() {
    return addressLength;
  }

  /** The longest prefix length: 32 or 128. */
  public int maxPrefixLength() {
    return addressLength * 8;
  }

  /** The family of {@code address}. */
  public static AddressFamily of(InetAddress address) {
    return address instanceof Inet4Address ? INET : INET6;
  }

  /** The family the kernel numbers {@code value}, if it is one of these. */
  public static Optional<AddressFamily> fromValue(int value) {
    for (AddressFamily family : values()) {
      if (family.value == value) {
        return Optional.of(family);
      }
    }
    return Optional.empty();
  }
}
