package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.linux.IcmpPacket.Family;
import java.net.InetAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Echo requests are built correctly and only the matching reply is accepted. */
class IcmpPacketTest {
  private static final byte[] PAYLOAD = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** The reply a peer sends back for {@code request}: type 0, same id, seq and payload, new checksum. */
  private static byte[] replyTo(byte[] request) {
    byte[] reply = request.clone();
    reply[0] = (byte) IcmpPacket.ECHO_REPLY;
    reply[2] = 0;
    reply[3] = 0;
    int checksum = IcmpPacket.checksum(reply, 0, reply.length);
    reply[2] = (byte) (checksum >>> 8);
    reply[3] = (byte) checksum;
    return reply;
  }

  /** {@code icmp} behind a 20-byte IPv4 header, as a raw socket delivers it. */
  private static byte[] withIpHeader(byte[] icmp) {
    byte[] packet = new byte[20 + icmp.length];
    packet[0] = 0x45;
    System.arraycopy(icmp, 0, packet, 20, icmp.length);
    return packet;
  }

  @Test
  void checksum_rfc1071Example_isComplementOfTheSum() {
    byte[] data = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};

    // RFC 1071 section 3: the sum is 0xddf2, so the checksum is its complement.
    assertThat(IcmpPacket.checksum(data, 0, data.length)).isEqualTo(0x220d);
  }

  @Test
  void checksum_oddLength_padsTheLastByteWithZero() {
    assertThat(IcmpPacket.checksum(new byte[] {0x12, 0x34, 0x56}, 0, 3))
        .isEqualTo(IcmpPacket.checksum(new byte[] {0x12, 0x34, 0x56, 0x00}, 0, 4));
  }

  @Test
  void echoRequest_always_carriesTypeIdSeqPayloadAndAValidChecksum() {
    byte[] request = IcmpPacket.echoRequest(Family.IPV4, 0xbeef, 0x0102, PAYLOAD);

    assertThat(request).hasSize(8 + PAYLOAD.length);
    assertThat(request[0]).isEqualTo((byte) 8);
    assertThat(request[1]).isZero();
    assertThat(Arrays.copyOfRange(request, 4, 8)).containsExactly(0xbe, 0xef, 0x01, 0x02);
    assertThat(Arrays.copyOfRange(request, 8, request.length)).isEqualTo(PAYLOAD);
    assertThat(IcmpPacket.checksum(request, 0, request.length)).isZero();
  }

  @Test
  void echoRequest_idOutOfRange_isRejected() {
    assertThatThrownBy(() -> IcmpPacket.echoRequest(Family.IPV4, 0x10000, 1, PAYLOAD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("id must be 0 to 65535, was 65536");
  }

  @Test
  void isEchoReply_matchingReply_isAccepted() {
    byte[] reply = replyTo(IcmpPacket.echoRequest(Family.IPV4, 7, 42, PAYLOAD));

    assertThat(
            IcmpPacket.isEchoReply(Family.IPV4, reply, reply.length, false, -1, 42, PAYLOAD))
        .isTrue();
  }

  @Test
  void isEchoReply_rawPacketWithIpHeader_skipsTheHeaderAndChecksTheId() {
    byte[] packet = withIpHeader(replyTo(IcmpPacket.echoRequest(Family.IPV4, 7, 42, PAYLOAD)));

    assertThat(
            IcmpPacket.isEchoReply(Family.IPV4, packet, packet.length, true, 7, 42, PAYLOAD))
        .isTrue();
    assertThat(
            IcmpPacket.isEchoReply(Family.IPV4, packet, packet.length, true, 8, 42, PAYLOAD))
        .isFalse();
  }

  @Test
  void isEchoReply_otherSequenceNumber_isRejected() {
    byte[] reply = replyTo(IcmpPacket.echoRequest(Family.IPV4, 7, 41, PAYLOAD));

    assertThat(
            IcmpPacket.isEchoReply(Family.IPV4, reply, reply.length, false, -1, 42, PAYLOAD))
        .isFalse();
  }

  /** A reply to another check that happens to have the same sequence number (after wrapping). */
  @Test
  void isEchoReply_otherChecksPayload_isRejected() {
    byte[] other = PAYLOAD.clone();
    other[15] = 'X';
    byte[] reply = replyTo(IcmpPacket.echoRequest(Family.IPV4, 7, 42, other));

    assertThat(
            IcmpPacket.isEchoReply(Family.IPV4, reply, reply.length, false, -1, 42, PAYLOAD))
        .isFalse();
  }

  @Test
  void isEchoReply_ourOwnRequest_isRejected() {
    byte[] request = IcmpPacket.echoRequest(Family.IPV4, 7, 42, PAYLOAD);

    assertThat(
            IcmpPacket.isEchoReply(Family.IPV4, request, request.length, false, -1, 42, PAYLOAD))
        .isFalse();
  }

  @Test
  void isEchoReply_truncated_isRejected() {
    byte[] reply = replyTo(IcmpPacket.echoRequest(Family.IPV4, 7, 42, PAYLOAD));

    assertThat(
            IcmpPacket.isEchoReply(Family.IPV4, reply, reply.length - 1, false, -1, 42, PAYLOAD))
        .isFalse();
  }

  @Test
  void isEchoReply_corruptedChecksum_isRejected() {
    byte[] reply = replyTo(IcmpPacket.echoRequest(Family.IPV4, 7, 42, PAYLOAD));
    reply[3] ^= 0x01;

    assertThat(
            IcmpPacket.isEchoReply(Family.IPV4, reply, reply.length, false, -1, 42, PAYLOAD))
        .isFalse();
  }

  @Test
  void isEchoReply_notIpv4Header_isRejected() {
    byte[] packet = withIpHeader(replyTo(IcmpPacket.echoRequest(Family.IPV4, 7, 42, PAYLOAD)));
    packet[0] = 0x60;

    assertThat(
            IcmpPacket.isEchoReply(Family.IPV4, packet, packet.length, true, 7, 42, PAYLOAD))
        .isFalse();
  }

  /** An ICMPv6 peer's reply to {@code request}: type 129, same id, seq and payload. */
  private static byte[] replyToV6(byte[] request) {
    byte[] reply = request.clone();
    reply[0] = (byte) 129;
    // Any value: the kernel checks the ICMPv6 checksum (it covers a pseudo-header) before we do.
    reply[2] = 0x12;
    reply[3] = 0x34;
    return reply;
  }

  private static InetAddress address(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void echoRequest_ipv6_carriesType128IdSeqPayloadAndChecksumZeroForTheKernel() {
    byte[] request = IcmpPacket.echoRequest(Family.IPV6, 0xbeef, 0x0102, PAYLOAD);

    assertThat(request).hasSize(8 + PAYLOAD.length);
    assertThat(Arrays.copyOfRange(request, 0, 8))
        .containsExactly(128, 0, 0, 0, 0xbe, 0xef, 0x01, 0x02);
    assertThat(Arrays.copyOfRange(request, 8, request.length)).isEqualTo(PAYLOAD);
  }

  @Test
  void echoRequest_ipv6SeqOutOfRange_isRejected() {
    assertThatThrownBy(() -> IcmpPacket.echoRequest(Family.IPV6, 1, -1, PAYLOAD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seq must be 0 to 65535, was -1");
  }

  @Test
  void isEchoReply_ipv6MatchingReply_isAcceptedWithAnyIdOrTheExpectedOne() {
    byte[] reply = replyToV6(IcmpPacket.echoRequest(Family.IPV6, 7, 42, PAYLOAD));

    assertThat(IcmpPacket.isEchoReply(Family.IPV6, reply, reply.length, false, -1, 42, PAYLOAD))
        .isTrue();
    assertThat(IcmpPacket.isEchoReply(Family.IPV6, reply, reply.length, false, 7, 42, PAYLOAD))
        .isTrue();
    assertThat(IcmpPacket.isEchoReply(Family.IPV6, reply, reply.length, false, 8, 42, PAYLOAD))
        .isFalse();
  }

  @Test
  void isEchoReply_ipv6OwnRequestOrIpv4Reply_isRejected() {
    byte[] request = IcmpPacket.echoRequest(Family.IPV6, 7, 42, PAYLOAD);
    byte[] ipv4Reply = replyTo(IcmpPacket.echoRequest(Family.IPV4, 7, 42, PAYLOAD));

    assertThat(IcmpPacket.isEchoReply(Family.IPV6, request, request.length, false, 7, 42, PAYLOAD))
        .isFalse();
    assertThat(
            IcmpPacket.isEchoReply(Family.IPV6, ipv4Reply, ipv4Reply.length, false, 7, 42, PAYLOAD))
        .isFalse();
  }

  @Test
  void isEchoReply_ipv4ExpectedButIpv6Reply_isRejected() {
    byte[] reply = replyToV6(IcmpPacket.echoRequest(Family.IPV6, 7, 42, PAYLOAD));

    assertThat(IcmpPacket.isEchoReply(Family.IPV4, reply, reply.length, false, 7, 42, PAYLOAD))
        .isFalse();
  }

  @Test
  void isEchoReply_ipv6OtherSequenceNumberPayloadOrTruncated_isRejected() {
    byte[] other = PAYLOAD.clone();
    other[0] = 'X';
    byte[] otherSeq = replyToV6(IcmpPacket.echoRequest(Family.IPV6, 7, 41, PAYLOAD));
    byte[] otherPayload = replyToV6(IcmpPacket.echoRequest(Family.IPV6, 7, 42, other));
    byte[] reply = replyToV6(IcmpPacket.echoRequest(Family.IPV6, 7, 42, PAYLOAD));

    assertThat(
            IcmpPacket.isEchoReply(Family.IPV6, otherSeq, otherSeq.length, false, 7, 42, PAYLOAD))
        .isFalse();
    assertThat(
            IcmpPacket.isEchoReply(
                Family.IPV6, otherPayload, otherPayload.length, false, 7, 42, PAYLOAD))
        .isFalse();
    assertThat(IcmpPacket.isEchoReply(Family.IPV6, reply, reply.length - 1, false, 7, 42, PAYLOAD))
        .isFalse();
  }

  @Test
  void isEchoReply_ipv6WithIpHeader_isRejectedAsAMisuse() {
    byte[] reply = replyToV6(IcmpPacket.echoRequest(Family.IPV6, 7, 42, PAYLOAD));

    assertThatThrownBy(
            () -> IcmpPacket.isEchoReply(Family.IPV6, reply, reply.length, true, 7, 42, PAYLOAD))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("IPv6 sockets deliver no IP header");
  }

  @Test
  void family_twoIpv4Addresses_isIpv4() throws Exception {
    assertThat(IcmpPacket.family(address("192.168.1.12"), address("192.0.2.1")))
        .isEqualTo(Family.IPV4);
  }

  @Test
  void family_twoGlobalIpv6Addresses_isIpv6() throws Exception {
    assertThat(IcmpPacket.family(address("2001:db8:1::2"), address("2001:db8:ff::1")))
        .isEqualTo(Family.IPV6);
  }

  @Test
  void family_ipv4SourceIpv6Target_isRejectedNamingBoth() throws Exception {
    assertThatThrownBy(() -> IcmpPacket.family(address("192.168.1.12"), address("2001:db8::1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "source and target must be of one address family, were 192.168.1.12 and 2001:db8::1");
  }

  @Test
  void family_ipv6SourceIpv4Target_isRejectedNamingBoth() throws Exception {
    assertThatThrownBy(() -> IcmpPacket.family(address("2001:db8::2"), address("192.0.2.1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "source and target must be of one address family, were 2001:db8::2 and 192.0.2.1");
  }

  @Test
  void family_linkLocalSource_isRejected() throws Exception {
    assertThatThrownBy(() -> IcmpPacket.family(address("fe80::1"), address("2001:db8::1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("source must not be an IPv6 link-local address, was fe80::1");
  }

  @Test
  void family_linkLocalTarget_isRejected() throws Exception {
    assertThatThrownBy(() -> IcmpPacket.family(address("2001:db8::2"), address("fe80::1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("target must not be an IPv6 link-local address, was fe80::1");
  }
}
