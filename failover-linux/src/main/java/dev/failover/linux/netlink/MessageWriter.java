package dev.failover.linux.netlink;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one buffer of netlink messages, one after the other, in the host's byte order and with the
 * 4-byte alignment the kernel expects: {@link #begin} a message, put its fixed header and its
 * attributes, {@link #end} it (which writes its length), and so on; {@link #toBytes} gives the
 * buffer to send in one call.
 *
 * <p>Not thread-safe. Values outside their field's range are rejected with {@link
 * IllegalArgumentException} (a caller's bug, not the kernel's).
 */
final class MessageWriter {
  private ByteBuffer buffer = ByteBuffer.allocate(512).order(ByteOrder.nativeOrder());
  private int messageStart = -1;
  private int messages;

  /** Starts a message of {@code type} with {@code flags} and sequence number {@code seq}. */
  MessageWriter begin(int type, int flags, int seq) {
    checkState(messageStart < 0, "the previous message was not ended");
    checkArgument(type >= 0 && type <= 0xffff, "type must be a u16, was %s", type);
    checkArgument(flags >= 0 && flags <= 0xffff, "flags must be a u16, was %s", flags);
    ensure(Nl.HEADER_LENGTH);
    messageStart = buffer.position();
    buffer.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
    return this;
  }

  /** Ends the message begun last: writes its length and pads it to a multiple of 4. */
  MessageWriter end() {
    checkState(messageStart >= 0, "no message was begun");
    buffer.putInt(messageStart, buffer.position() - messageStart);
    pad();
    messageStart = -1;
    messages++;
    return this;
  }

  MessageWriter u8(int value) {
    checkArgument(value >= 0 && value <= 0xff, "value must be a u8, was %s", value);
    ensure(1);
    buffer.put((byte) value);
    return this;
  }

  MessageWriter u16(int value) {
    checkArgument(value >= 0 && value <= 0xffff, "value must be a u16, was %s", value);
    ensure(2);
    buffer.putShort((short) value);
    return this;
  }

  /** Any int, written as is (signed fields such as an interface index, or unsigned flags). */
  MessageWriter u32(int value) {
    ensure(4);
    buffer.putInt(value);
    return this;
  }

  /** An attribute holding {@code value} as is. */
  MessageWriter attribute(int type, byte[] value) {
    checkArgument(
        type > 0 && type <= Nl.NLA_TYPE_MASK,
        "attribute type must be 1 to %s, was %s",
        Nl.NLA_TYPE_MASK,
        type);
    int length = Nl.ATTRIBUTE_HEADER_LENGTH + value.length;
    checkArgument(length <= 0xffff, "attribute %s of %s bytes is too long", type, value.length);
    ensure(Nl.align(length));
    buffer.putShort((short) length).putShort((short) type).put(value);
    pad();
    return this;
  }

  MessageWriter attributeU8(int type, int value) {
    checkArgument(value >= 0 && value <= 0xff, "attribute %s must be a u8, was %s", type, value);
    return attribute(type, new byte[] {(byte) value});
  }

  MessageWriter attributeU32(int type, int value) {
    return attribute(
        type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
  }

  /** An address attribute: its bytes as the kernel keeps them (network order). */
  MessageWriter attributeAddress(int type, InetAddress address) {
    return attribute(type, address.getAddress());
  }

  /** A NUL-terminated string attribute, such as an interface name, in UTF-8. */
  MessageWriter attributeString(int type, String value) {
    byte[] text = value.getBytes(StandardCharsets.UTF_8);
    return attribute(type, Arrays.copyOf(text, text.length + 1));
  }

  /** How many messages were ended. */
  int messages() {
    return messages;
  }

  /** The bytes written so far. */
  int length() {
    return buffer.position();
  }

  /** A copy of every message written so far. */
  byte[] toBytes() {
    checkState(messageStart < 0, "the last message was not ended");
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  private void pad() {
    int padding = Nl.align(buffer.position()) - buffer.position();
    ensure(padding);
    for (int i = 0; i < padding; i++) {
      buffer.put((byte) 0);
    }
  }

  private void ensure(int more) {
    if (buffer.remaining() < more) {
      int capacity = Math.max(buffer.capacity() * 2, buffer.position() + more);
      ByteBuffer grown = ByteBuffer.allocate(capacity).order(ByteOrder.nativeOrder());
      buffer.flip();
      grown.put(buffer);
      buffer = grown;
    }
  }
}
