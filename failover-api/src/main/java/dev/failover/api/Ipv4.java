package dev.failover.api;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * Parsing and arithmetic of IPv4 addresses written as dotted quads.
 *
 * <p>{@link InetAddress#getByName} would resolve a host name through DNS; a config value is never
 * resolved, so {@link #parse} accepts only the four-decimal-number form and never does I/O.
 */
public final class Ipv4 {
  private static final Pattern DOTTED_QUAD =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  private Ipv4() {}

  /**
   * Parses a dotted-quad IPv4 address such as {@code 192.0.2.1}.
   *
   * @throws IllegalArgumentException if {@code text} is not four decimal numbers from 0 to 255
   *     separated by dots (no leading zeros, no host names)
   */
  public static Inet4Address parse(String text) {
    Checks.checkNotNull(text, "text");
    Checks.checkArgument(
        DOTTED_QUAD.matcher(text).matches(),
        "must be an IPv4 address in dotted-quad form (like 192.0.2.1), was '%s'",
        text);
    try {
      return (Inet4Address) InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      // Unreachable: a literal address is never looked up.
      throw new IllegalArgumentException("not an IPv4 address: '" + text + "'", e);
    }
  }

  /** The address as an unsigned 32-bit number held in an {@code int}, most significant octet first. */
  public static int toInt(Inet4Address address) {
    byte[] b = address.getAddress();
    return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
  }

  /** The address whose 32-bit value is {@code value}. */
  public static Inet4Address fromInt(int value) {
    byte[] b = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    try {
      return (Inet4Address) InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new AssertionError("four bytes are always an IPv4 address", e);
    }
  }
}
