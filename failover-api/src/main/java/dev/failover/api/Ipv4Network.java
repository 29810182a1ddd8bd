package dev.failover.api;

import java.net.Inet4Address;

/**
 * An IPv4 network in CIDR form, such as {@code 192.168.1.0/24}.
 *
 * <p>The address must be the network's own address: {@code 192.168.1.7/24} is rejected rather than
 * silently masked, because it is almost always a typo for an interface address.
 *
 * @param address the network address (host bits all zero)
 * @param prefixLength the number of network bits, 0 to 32
 */
public record Ipv4Network(Inet4Address address, int prefixLength) {

  /**
   * @throws IllegalArgumentException if the prefix length is outside 0..32 or the address has host
   *     bits set
   */
  public Ipv4Network {
    Checks.checkNotNull(address, "address");
    Checks.checkArgument(
        prefixLength >= 0 && prefixLength <= 32,
        "prefix length must be between 0 and 32, was %s",
        prefixLength);
    int value = Ipv4.toInt(address);
    Checks.checkArgument(
        (value & ~mask(prefixLength)) == 0,
        "must be a network address with no host bits set: %s/%s has host bits (the network is %s/%s)",
        address.getHostAddress(),
        prefixLength,
        Ipv4.fromInt(value & mask(prefixLength)).getHostAddress(),
        prefixLength);
  }

  /**
   * Parses {@code A.B.C.D/N}.
   *
   * @throws IllegalArgumentException if {@code text} is not of that form, or the address has host
   *     bits set
   */
  public static Ipv4Network parse(String text) {
    Checks.checkNotNull(text, "text");
    int slash = text.indexOf('/');
    Checks.checkArgument(
        slash > 0 && slash < text.length() - 1 && text.indexOf('/', slash + 1) < 0,
        "must be a network in CIDR form (like 192.168.1.0/24), was '%s'",
        text);
    String prefix = text.substring(slash + 1);
    Checks.checkArgument(
        prefix.matches("\\d{1,2}"),
        "must be a network in CIDR form (like 192.168.1.0/24), was '%s'",
        text);
    return new Ipv4Network(Ipv4.parse(text.substring(0, slash)), Integer.parseInt(prefix));
  }

  /**
   * The network of {@code prefixLength} bits that holds {@code address}: {@code 192.168.1.7} and 24
   * give {@code 192.168.1.0/24}, as the kernel derives an interface address's prefix route.
   *
   * @throws IllegalArgumentException if the prefix length is outside 0..32
   */
  public static Ipv4Network containing(Inet4Address address, int prefixLength) {
    Checks.checkNotNull(address, "address");
    Checks.checkArgument(
        prefixLength >= 0 && prefixLength <= 32,
        "prefix length must be between 0 and 32, was %s",
        prefixLength);
    return new Ipv4Network(Ipv4.fromInt(Ipv4.toInt(address) & mask(prefixLength)), prefixLength);
  }

  /** Whether {@code candidate} lies inside this network. */
  public boolean contains(Inet4Address candidate) {
    int m = mask(prefixLength);
    return (Ipv4.toInt(candidate) & m) == Ipv4.toInt(address);
  }

  /** The broadcast address, the highest address of the network. */
  public Inet4Address broadcast() {
    return Ipv4.fromInt(Ipv4.toInt(address) | ~mask(prefixLength));
  }

  private static int mask(int prefixLength) {
    return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
  }

  /** The CIDR form, {@code A.B.C.D/N}, as {@code ip} prints and accepts it. */
  @Override
  public String toString() {
    return address.getHostAddress() + "/" + prefixLength;
  }
}
