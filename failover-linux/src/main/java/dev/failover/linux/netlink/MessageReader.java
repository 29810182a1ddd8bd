package dev.failover.linux.netlink;

import static com.google.common.base.Preconditions.checkArgument;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Walks the netlink messages of one received buffer, one at a time, and reads the current message's
 * fixed header fields, bounds-checked: every length the bytes claim is checked against what is
 * there before it is used, and anything that does not fit throws {@link NetlinkFormatException},
 * never an index or buffer exception.
 *
 * <p>Reads with absolute positions only, so the buffer's own position and limit are never changed
 * (it may be the socket's direct receive buffer). Not thread-safe.
 */
final class MessageReader {
  private final ByteBuffer buffer;
  private final int limit;
  private int next;

  private int start = -1;
  private int length;

  /**
   * A reader of the {@code length} bytes of {@code buffer} from {@code offset} on.
   *
   * @throws IllegalArgumentException if that range is not inside the buffer
   */
  MessageReader(ByteBuffer buffer, int offset, int length) {
    checkArgument(buffer.order() == ByteOrder.nativeOrder(), "buffer must be in native order");
    checkArgument(
        offset >= 0 && length >= 0 && offset <= buffer.capacity() - length,
        "range %s+%s outside a buffer of %s bytes",
        offset,
        length,
        buffer.capacity());
    this.buffer = buffer;
    this.next = offset;
    this.limit = offset + length;
  }

  /** A reader of every byte of {@code bytes}. */
  static MessageReader of(byte[] bytes) {
    return new MessageReader(
        ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()), 0, bytes.length);
  }

  /**
   * Moves to the next message.
   *
   * @return false if there is none left
   * @throws NetlinkFormatException if what is left is not a whole message
   */
  boolean next() throws NetlinkFormatException {
    if (next >= limit) {
      start = -1;
      return false;
    }
    int left = limit - next;
    if (left < Nl.HEADER_LENGTH) {
      throw new NetlinkFormatException(left + " bytes left, too few for a message header");
    }
    int claimed = buffer.getInt(next);
    if (claimed < Nl.HEADER_LENGTH || claimed > left) {
      throw new NetlinkFormatException(
          "message length " + Integer.toUnsignedString(claimed) + " outside 16.." + left);
    }
    start = next;
    length = claimed;
    // The last message of a buffer may lack its padding.
    next = start + Math.min(Nl.align(claimed), left);
    return true;
  }

  int type() {
    return buffer.getShort(start + 4) & 0xffff;
  }

  int flags() {
    return buffer.getShort(start + 6) & 0xffff;
  }

  int seq() {
    return buffer.getInt(start + 8);
  }

  int portId() {
    return buffer.getInt(start + 12);
  }

  /** A copy of the current message, header included (for tests and diagnostics). */
  byte[] messageBytes() {
    byte[] bytes = new byte[length];
    buffer.get(start, bytes);
    return bytes;
  }

  /** The length of the current message's payload (after the 16-byte header). */
  int payloadLength() {
    return length - Nl.HEADER_LENGTH;
  }

  /**
   * Throws unless the current payload holds at least {@code bytes} bytes, such as a fixed header.
   */
  void requirePayload(int bytes, String what) throws NetlinkFormatException {
    if (payloadLength() < bytes) {
      throw new NetlinkFormatException(
          Nl.typeName(type())
              + ": "
              + payloadLength()
              + " bytes of payload, too few for "
              + what
              + " ("
              + bytes
              + ")");
    }
  }

  /** The unsigned byte at {@code offset} of the payload. */
  int u8(int offset) throws NetlinkFormatException {
    check(offset, 1);
    return buffer.get(start + Nl.HEADER_LENGTH + offset) & 0xff;
  }

  /** The unsigned 16-bit value at {@code offset} of the payload, host order. */
  int u16(int offset) throws NetlinkFormatException {
    check(offset, 2);
    return buffer.getShort(start + Nl.HEADER_LENGTH + offset) & 0xffff;
  }

  /** The 32-bit value at {@code offset} of the payload, host order, as an int. */
  int u32(int offset) throws NetlinkFormatException {
    check(offset, 4);
    return buffer.getInt(start + Nl.HEADER_LENGTH + offset);
  }

  /**
   * The attributes of the current message, which start {@code offset} bytes into its payload (after
   * its fixed header); none if the payload ends there.
   */
  AttributeReader attributes(int offset) throws NetlinkFormatException {
    int from = Nl.align(offset);
    if (from > payloadLength()) {
      if (offset <= payloadLength()) {
        return new AttributeReader(buffer, 0, 0); // only padding left, or nothing
      }
      throw new NetlinkFormatException(
          Nl.typeName(type())
              + ": attributes at "
              + offset
              + " beyond a payload of "
              + payloadLength()
              + " bytes");
    }
    int base = start + Nl.HEADER_LENGTH;
    return new AttributeReader(buffer, base + from, base + payloadLength());
  }

  private void check(int offset, int size) throws NetlinkFormatException {
    if (offset < 0 || offset > payloadLength() - size) {
      throw new NetlinkFormatException(
          Nl.typeName(type())
              + ": field at "
              + offset
              + " ("
              + size
              + " bytes) beyond a payload of "
              + payloadLength()
              + " bytes");
    }
  }

  @Override
  public String toString() {
    return start < 0
        ? "MessageReader[no message]"
        : "MessageReader[" + Nl.typeName(type()) + ", " + length + " bytes, seq " + seq() + "]";
  }
}
