package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * Builds ICMP echo requests and recognises the matching echo reply (RFC 792), for {@link
 * SocketIcmpEchoEngine}. Stateless and thread-safe.
 */
final class IcmpPacket {
  static final int ECHO_REPLY = 0;
  static final int ECHO_REQUEST = 8;
  static final int HEADER_LENGTH = 8;

  private IcmpPacket() {}

  /**
   * An echo request with identifier {@code id}, sequence number {@code seq} and {@code payload},
   * checksum filled in (a ping socket's kernel recomputes it, a raw socket sends it as is).
   *
   * @throws IllegalArgumentException if {@code id} or {@code seq} is outside 0..65535
   */
  static byte[] echoRequest(int id, int seq, byte[] payload) {
    checkArgument(id >= 0 && id <= 0xffff, "id must be 0 to 65535, was %s", id);
    checkArgument(seq >= 0 && seq <= 0xffff, "seq must be 0 to 65535, was %s", seq);
    checkNotNull(payload, "payload");
    byte[] packet = new byte[HEADER_LENGTH + payload.length];
    packet[0] = (byte) ECHO_REQUEST;
    packet[4] = (byte) (id >>> 8);
    packet[5] = (byte) id;
    packet[6] = (byte) (seq >>> 8);
    packet[7] = (byte) seq;
    System.arraycopy(payload, 0, packet, HEADER_LENGTH, payload.length);
    int checksum = checksum(packet, 0, packet.length);
    packet[2] = (byte) (checksum >>> 8);
    packet[3] = (byte) checksum;
    return packet;
  }

  /**
   * The Internet checksum (RFC 1071) of {@code length} bytes from {@code offset}: the one's
   * complement of the one's complement sum of the 16-bit words, an odd last byte padded with zero.
   * Over a packet that carries a correct checksum the result is 0.
   */
  static int checksum(byte[] data, int offset, int length) {
    long sum = 0;
    int end = offset + length;
    int i = offset;
    for (; i + 1 < end; i += 2) {
      sum += ((data[i] & 0xff) << 8) | (data[i + 1] & 0xff);
    }
    if (i < end) {
      sum += (data[i] & 0xff) << 8;
    }
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) (~sum & 0xffff);
  }

  /**
   * Whether the first {@code length} bytes of {@code packet} are the echo reply to a request with
   * {@code seq} and {@code payload}, and, unless {@code id} is negative, identifier {@code id}.
   *
   * @param withIpHeader whether the packet starts with its IPv4 header, as a raw socket delivers it
   * @param id the identifier to expect, or -1 to accept any (a ping socket's kernel already matched
   *     it to the socket)
   */
  static boolean isEchoReply(
      byte[] packet, int length, boolean withIpHeader, int id, int seq, byte[] payload) {
    int offset = 0;
    if (withIpHeader) {
      if (length < 20 || (packet[0] & 0xf0) != 0x40) {
        return false;
      }
      offset = (packet[0] & 0x0f) * 4;
    }
    int icmpLength = length - offset;
    if (icmpLength < HEADER_LENGTH + payload.length) {
      return false;
    }
    if ((packet[offset] & 0xff) != ECHO_REPLY || packet[offset + 1] != 0) {
      return false;
    }
    int replyId = ((packet[offset + 4] & 0xff) << 8) | (packet[offset + 5] & 0xff);
    int replySeq = ((packet[offset + 6] & 0xff) << 8) | (packet[offset + 7] & 0xff);
    if (replySeq != seq || (id >= 0 && replyId != id)) {
      return false;
    }
    for (int i = 0; i < payload.length; i++) {
      if (packet[offset + HEADER_LENGTH + i] != payload[i]) {
        return false;
      }
    }
    // A raw socket may see a reply before the kernel's own ICMP code has checked it.
    return checksum(packet, offset, icmpLength) == 0;
  }
}
