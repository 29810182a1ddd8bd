package dev.failover.linux.netlink;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Walks the attributes (type, length, value) of one message or one nested attribute, bounds-checked
 * like {@link MessageReader}: a length that does not fit, or a value of the wrong size for how it
 * is read, throws {@link NetlinkFormatException}.
 *
 * <p>The type excludes the "nested" and "network byte order" flag bits. Not thread-safe.
 */
final class AttributeReader {
  private final ByteBuffer buffer;
  private final int end;
  private int next;
  private int type;
  private int valueStart;
  private int valueLength;

  AttributeReader(ByteBuffer buffer, int from, int to) {
    this.buffer = buffer;
    this.next = from;
    this.end = to;
  }

  /**
   * Moves to the next attribute.
   *
   * @return false if there is none left
   * @throws NetlinkFormatException if what is left is not a whole attribute
   */
  boolean next() throws NetlinkFormatException {
    if (next >= end) {
      return false;
    }
    int left = end - next;
    if (left < Nl.ATTRIBUTE_HEADER_LENGTH) {
      throw new NetlinkFormatException(left + " bytes left, too few for an attribute header");
    }
    int length = buffer.getShort(next) & 0xffff;
    if (length < Nl.ATTRIBUTE_HEADER_LENGTH || length > left) {
      throw new NetlinkFormatException("attribute length " + length + " outside 4.." + left);
    }
    type = (buffer.getShort(next + 2) & 0xffff) & Nl.NLA_TYPE_MASK;
    valueStart = next + Nl.ATTRIBUTE_HEADER_LENGTH;
    valueLength = length - Nl.ATTRIBUTE_HEADER_LENGTH;
    next += Math.min(Nl.align(length), left);
    return true;
  }

  int type() {
    return type;
  }

  int length() {
    return valueLength;
  }

  int u8() throws NetlinkFormatException {
    requireAtLeast(1);
    return buffer.get(valueStart) & 0xff;
  }

  /** A 32-bit value in host order; exactly 4 bytes. */
  int u32() throws NetlinkFormatException {
    requireExactly(4);
    return buffer.getInt(valueStart);
  }

  /** An address of {@code family}: exactly 4 or 16 bytes, in network order. */
  InetAddress address(AddressFamily family) throws NetlinkFormatException {
    requireExactly(family.addressLength());
    byte[] bytes = bytes();
    try {
      // Inet6Address keeps an IPv4-mapped IPv6 address an IPv6 address; InetAddress would not.
      return family == AddressFamily.INET
          ? InetAddress.getByAddress(bytes)
          : Inet6Address.getByAddress(null, bytes, -1);
    } catch (UnknownHostException e) {
      // Only for a length other than 4 or 16, which was checked above.
      throw new NetlinkFormatException("attribute " + type + ": not an address: " + e.getMessage());
    }
  }

  /** The value up to its first NUL (the whole value if it has none), decoded as UTF-8. */
  String string() {
    int length = 0;
    while (length < valueLength && buffer.get(valueStart + length) != 0) {
      length++;
    }
    byte[] bytes = new byte[length];
    buffer.get(valueStart, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  byte[] bytes() {
    byte[] bytes = new byte[valueLength];
    buffer.get(valueStart, bytes);
    return bytes;
  }

  /** The attributes nested inside this one's value. */
  AttributeReader nested() {
    return new AttributeReader(buffer, valueStart, valueStart + valueLength);
  }

  private void requireExactly(int size) throws NetlinkFormatException {
    if (valueLength != size) {
      throw new NetlinkFormatException(
          "attribute " + type + " holds " + valueLength + " bytes, expected " + size);
    }
  }

  private void requireAtLeast(int size) throws NetlinkFormatException {
    if (valueLength < size) {
      throw new NetlinkFormatException(
          "attribute " + type + " holds " + valueLength + " bytes, expected at least " + size);
    }
  }
}
