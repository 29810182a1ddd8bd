package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Builds ICMP echo requests and recognises the matching echo reply, for IPv4 (ICMP, RFC 792) and
 * IPv6 (ICMPv6, RFC 4443), for {@link SocketIcmpEchoEngine}. Stateless and thread-safe.
 */
final class IcmpPacket {
  static final int ECHO_REPLY = 0;
  static final int ECHO_REQUEST = 8;
  static final int ECHO_REPLY_V6 = 129;
  static final int ECHO_REQUEST_V6 = 128;
  static final int HEADER_LENGTH = 8;

  /** The address family of a check, and with it the ICMP flavour and its echo message types. */
  enum Family {
    IPV4(ECHO_REQUEST, ECHO_REPLY),
    IPV6(ECHO_REQUEST_V6, ECHO_REPLY_V6);

    final int requestType;
    final int replyType;

    Family(int requestType, int replyType) {
      this.requestType = requestType;
      this.replyType = replyType;
    }
  }

  private IcmpPacket() {}

  /**
   * The family of a check from {@code source} to {@code target}.
   *
   * @throws IllegalArgumentException if one is IPv4 and the other IPv6, or if either is an IPv6
   *     link-local address (fe80::/10): such an address means something only on one link, which the
   *     provider's {@code from SOURCE} rule and table cannot express, so it is refused rather than
   *     sent out of whichever interface the kernel picks
   */
  static Family family(InetAddress source, InetAddress target) {
    checkNotNull(source, "source");
    checkNotNull(target, "target");
    checkArgument(
        source.getClass() == target.getClass(),
        "source and target must be of one address family, were %s and %s",
        InetAddresses.toAddrString(source),
        InetAddresses.toAddrString(target));
    if (source instanceof Inet4Address) {
      return Family.IPV4;
    }
    checkArgument(
        source instanceof Inet6Address, "source must be IPv4 or IPv6, was %s", source.getClass());
    checkArgument(
        !source.isLinkLocalAddress(),
        "source must not be an IPv6 link-local address, was %s",
        InetAddresses.toAddrString(source));
    checkArgument(
        !target.isLinkLocalAddress(),
        "target must not be an IPv6 link-local address, was %s",
        InetAddresses.toAddrString(target));
    return Family.IPV6;
  }

  /**
   * An echo request of {@code family} with identifier {@code id}, sequence number {@code seq} and
   * {@code payload}. An IPv4 request carries its checksum (a ping socket's kernel recomputes it, a
   * raw socket sends it as is); an ICMPv6 request carries 0 there, because its checksum covers a
   * pseudo-header with both addresses, which the kernel fills in on both kinds of socket.
   *
   * @throws IllegalArgumentException if {@code id} or {@code seq} is outside 0..65535
   */
  static byte[] echoRequest(Family family, int id, int seq, byte[] payload) {
    checkNotNull(family, "family");
    checkArgument(id >= 0 && id <= 0xffff, "id must be 0 to 65535, was %s", id);
    checkArgument(seq >= 0 && seq <= 0xffff, "seq must be 0 to 65535, was %s", seq);
    checkNotNull(payload, "payload");
    byte[] packet = new byte[HEADER_LENGTH + payload.length];
    packet[0] = (byte) family.requestType;
    packet[4] = (byte) (id >>> 8);
    packet[5] = (byte) id;
    packet[6] = (byte) (seq >>> 8);
    packet[7] = (byte) seq;
    System.arraycopy(payload, 0, packet, HEADER_LENGTH, payload.length);
    if (family == Family.IPV6) {
      return packet;
    }
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
   * Whether the first {@code length} bytes of {@code packet} are the echo reply of {@code family}
   * to a request with {@code seq} and {@code payload}, and, unless {@code id} is negative,
   * identifier {@code id}.
   *
   * <p>An ICMPv6 reply's checksum is not checked here: it covers a pseudo-header that the packet
   * does not carry, and the kernel has checked it before either kind of socket sees the reply.
   *
   * @param withIpHeader whether the packet starts with its IPv4 header, as an IPv4 raw socket
   *     delivers it; must be false for IPv6, whose sockets never deliver the header
   * @param id the identifier to expect, or -1 to accept any (a ping socket's kernel already matched
   *     it to the socket)
   * @throws IllegalArgumentException if {@code withIpHeader} is set for IPv6
   */
  static boolean isEchoReply(
      Family family,
      byte[] packet,
      int length,
      boolean withIpHeader,
      int id,
      int seq,
      byte[] payload) {
    checkArgument(!(withIpHeader && family == Family.IPV6), "IPv6 sockets deliver no IP header");
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
    if ((packet[offset] & 0xff) != family.replyType || packet[offset + 1] != 0) {
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
    if (family == Family.IPV6) {
      return true;
    }
    // A raw socket may see a reply before the kernel's own ICMP code has checked it.
    return checksum(packet, offset, icmpLength) == 0;
  }
}
