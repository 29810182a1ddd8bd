package dev.failover.api;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Parsing and printing of IPv6 addresses written as text (RFC 4291 section 2.2, RFC 5952).
 *
 * <p>{@link InetAddress#getByName} looks a text up in DNS unless it is a literal, accepts zone ids
 * ({@code fe80::1%eth0}) and turns an IPv4-mapped address into an {@link java.net.Inet4Address}. A
 * config value is never resolved, so {@link #parse} first checks that the text holds only hex
 * digits, colons and dots (and at least one colon), which the JDK always treats as a literal, and
 * refuses zone ids and IPv4-mapped addresses: a provider's IPv6 address and gateway are always used
 * with the provider's interface, which is their scope, and an IPv4-mapped address is an IPv4
 * address, to be written as one.
 */
public final class Ipv6 {
  private static final Pattern LITERAL_CHARACTERS =
      Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private Ipv6() {}

  /**
   * Parses an IPv6 address such as {@code 2001:db8::1} or {@code fe80::1}.
   *
   * @throws IllegalArgumentException if {@code text} is not an IPv6 address in text form, has a
   *     zone id ({@code %eth0}) or brackets, or is an IPv4-mapped address ({@code ::ffff:a.b.c.d})
   */
  public static Inet6Address parse(String text) {
    Checks.checkNotNull(text, "text");
    Checks.checkArgument(
        text.length() <= 45 && LITERAL_CHARACTERS.matcher(text).matches(),
        "must be an IPv6 address (like 2001:db8::1), without a zone id or brackets, was '%s'",
        text);
    InetAddress address;
    try {
      // Only hex digits, colons and dots, with a colon: the JDK parses it as a literal, no lookup.
      address = InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(
          "must be an IPv6 address (like 2001:db8::1), was '" + text + "'", e);
    }
    Checks.checkArgument(
        address instanceof Inet6Address,
        "must be an IPv6 address, not an IPv4-mapped one (write the IPv4 address %s instead),"
            + " was '%s'",
        address.getHostAddress(),
        text);
    return (Inet6Address) address;
  }

  /** The 16 bytes of {@code bytes} as an IPv6 address, even if they are IPv4-mapped. */
  public static Inet6Address fromBytes(byte[] bytes) {
    Checks.checkNotNull(bytes, "bytes");
    Checks.checkArgument(bytes.length == 16, "an IPv6 address has 16 bytes, was %s", bytes.length);
    try {
      // A negative scope id sets none, so the address prints without "%0".
      return Inet6Address.getByAddress(null, bytes.clone(), -1);
    } catch (UnknownHostException e) {
      throw new AssertionError("16 bytes are always an IPv6 address", e);
    }
  }

  /**
   * The address in the canonical text form of RFC 5952, as {@code ip} prints it: lower-case hex, no
   * leading zeros, the longest run of two or more zero groups (the first of equal runs) written as
   * {@code ::}. {@link InetAddress#getHostAddress} writes every group instead ({@code
   * 2001:db8:0:0:0:0:0:1}), which an operator does not recognise at a glance.
   */
  public static String toText(Inet6Address address) {
    byte[] b = Checks.checkNotNull(address, "address").getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1; // a single zero group is never compressed (RFC 5952 section 4.2.2)
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && groups[i] == 0) {
        i++;
      }
      if (i - start > bestLength) {
        bestStart = start;
        bestLength = i - start;
      }
    }
    StringBuilder text = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }
}
