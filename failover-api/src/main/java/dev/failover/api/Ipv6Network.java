package dev.failover.api;

import java.net.Inet6Address;

/**
 * An IPv6 prefix, such as {@code 2001:db8:1::/64}: the network an uplink's IPv6 address lies in.
 *
 * <p>As for {@link Ipv4Network}, the address must be the prefix's own address: {@code
 * 2001:db8:1::7/64} is rejected rather than silently masked, because it is almost always an
 * interface address written where the prefix was meant. {@link #toString} writes the canonical text
 * of RFC 5952, as {@code ip -6 route} prints it.
 *
 * @param address the prefix's address (host bits all zero)
 * @param prefixLength the number of network bits, 0 to 128
 */
public record Ipv6Network(Inet6Address address, int prefixLength) {

  /**
   * @throws IllegalArgumentException if the prefix length is outside 0..128, or the address has
   *     host bits set or a scope
   */
  public Ipv6Network {
    Checks.checkNotNull(address, "address");
    Checks.checkArgument(
        prefixLength >= 0 && prefixLength <= 128,
        "prefix length must be between 0 and 128, was %s",
        prefixLength);
    byte[] masked = mask(address.getAddress(), prefixLength);
    Checks.checkArgument(
        java.util.Arrays.equals(masked, address.getAddress()),
        "must be a prefix with no host bits set: %s/%s has host bits (the prefix is %s/%s)",
        Ipv6.toText(address),
        prefixLength,
        Ipv6.toText(Ipv6.fromBytes(masked)),
        prefixLength);
    // A scope (zone) would make two equal prefixes unequal in every map; the interface is the
    // scope of anything a provider holds.
    address = Ipv6.fromBytes(address.getAddress());
  }

  /**
   * Parses {@code ADDRESS/N}, such as {@code 2001:db8:1::/64}.
   *
   * @throws IllegalArgumentException if {@code text} is not of that form, or the address has host
   *     bits set
   */
  public static Ipv6Network parse(String text) {
    Checks.checkNotNull(text, "text");
    int slash = text.indexOf('/');
    Checks.checkArgument(
        slash > 0
            && slash < text.length() - 1
            && text.indexOf('/', slash + 1) < 0
            && text.substring(slash + 1).matches("\\d{1,3}"),
        "must be an IPv6 prefix in CIDR form (like 2001:db8:1::/64), was '%s'",
        text);
    return new Ipv6Network(
        Ipv6.parse(text.substring(0, slash)), Integer.parseInt(text.substring(slash + 1)));
  }

  /**
   * The prefix of {@code prefixLength} bits that holds {@code address}: {@code 2001:db8:1::7} and
   * 64 give {@code 2001:db8:1::/64}, as the kernel derives an address's prefix route.
   *
   * @throws IllegalArgumentException if the prefix length is outside 0..128
   */
  public static Ipv6Network containing(Inet6Address address, int prefixLength) {
    Checks.checkNotNull(address, "address");
    Checks.checkArgument(
        prefixLength >= 0 && prefixLength <= 128,
        "prefix length must be between 0 and 128, was %s",
        prefixLength);
    return new Ipv6Network(Ipv6.fromBytes(mask(address.getAddress(), prefixLength)), prefixLength);
  }

  /** Whether {@code candidate} lies inside this prefix. */
  public boolean contains(Inet6Address candidate) {
    Checks.checkNotNull(candidate, "candidate");
    return java.util.Arrays.equals(
        mask(candidate.getAddress(), prefixLength), address.getAddress());
  }

  private static byte[] mask(byte[] bytes, int prefixLength) {
    byte[] masked = bytes.clone();
    for (int i = 0; i < 16; i++) {
      int bits = Math.max(0, Math.min(8, prefixLength - 8 * i));
      masked[i] &= (byte) (0xff00 >>> bits);
    }
    return masked;
  }

  /**
   * The CIDR form in RFC 5952 text, {@code 2001:db8:1::/64}, as {@code ip} prints and accepts it.
   */
  @Override
  public String toString() {
    return Ipv6.toText(address) + "/" + prefixLength;
  }
}
