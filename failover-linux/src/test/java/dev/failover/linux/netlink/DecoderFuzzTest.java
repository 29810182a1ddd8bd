package dev.failover.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.Ipv4;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The decoder, fed random bytes, random messages, and every truncation and random mutations of real
 * kernel messages, throws nothing but {@link NetlinkFormatException}. Seeded; the seed is printed
 * (see {@link DecoderFuzz#seedFromProperty}).
 */
class DecoderFuzzTest {
  private DecoderFuzz fuzz;

  @BeforeEach
  void seed() {
    fuzz = new DecoderFuzz(DecoderFuzz.seedFromProperty());
  }

  /** The captured messages plus one of each kind the codec encodes. */
  private static List<byte[]> realMessages() throws Exception {
    List<byte[]> messages = new ArrayList<>(KernelMessages.captured());
    InetAddress gw = Ipv4.parse("192.168.1.1");
    MessageWriter w = new MessageWriter();
    Request.replaceRoute(
            RouteMessage.unicast(AddressFamily.INET, 101, 201, null, 0)
                .withNextHop(gw, 3)
                .withPreferredSource(Ipv4.parse("192.168.1.11"))
                .withMetric(100))
        .encode(w, 1);
    messages.add(w.toBytes());
    w = new MessageWriter();
    Request.addRule(RuleMessage.fromSource(gw, 32, 101, 30000, 201)).encode(w, 2);
    messages.add(w.toBytes());
    w = new MessageWriter().begin(Nl.RTM_NEWLINK, 0, 3);
    Codec.link(w, new LinkMessage(0, 3, 0x11043, "wan#1", 6));
    messages.add(w.end().toBytes());
    w = new MessageWriter().begin(Nl.RTM_NEWADDR, 0, 4);
    Codec.address(
        w,
        new AddressMessage(
            AddressFamily.INET6, 64, 0, 0, 3, null, InetAddress.getByName("2001:db8::11")));
    messages.add(w.end().toBytes());
    return messages;
  }

  @Test
  void captured_onLittleEndian_decodeWithoutError() throws Exception {
    assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "captured on little-endian");
    List<String> decoded = new ArrayList<>();
    for (byte[] bytes : KernelMessages.captured()) {
      decoded.addAll(KernelMessages.decode(bytes));
    }

    assertThat(decoded)
        .contains(
            "default via 192.168.1.1 dev #3 table 254 proto 201 src 192.168.1.11 metric 100",
            "unreachable default table 101 proto 201 metric 4294967295",
            "30000: from 192.168.1.11/32 lookup 101 proto 201",
            "Ack[errno=2, message=ipv4: FIB table does not exist]",
            "Ack[errno=3, message=null]");
    assertThat(decoded).anyMatch(d -> d.startsWith("10.9.0.0/16 (multipath)"));
    assertThat(decoded).anyMatch(d -> d.startsWith("10.8.0.0/16 via 192.168.1.1 dev #3 nhid 7"));
    assertThat(decoded)
        .anyMatch(d -> d.startsWith("10.7.0.0/16 via 10.255.0.1") && d.endsWith("onlink"));
    assertThat(decoded).anyMatch(d -> d.contains("table 100000"));
    assertThat(decoded).anyMatch(d -> d.startsWith("29000: from all (other selectors) action 2"));
    assertThat(decoded).anyMatch(d -> d.contains(": wan#1 flags"));
    assertThat(decoded).anyMatch(d -> d.contains("10.0.0.2/32 peer 10.0.0.1"));
    assertThat(decoded).anyMatch(d -> d.contains("2001:db8::11/64"));
    assertThat(decoded)
        .anyMatch(d -> d.startsWith("Ack[errno=101, message=") && d.contains("gateway"));
  }

  @Test
  void realMessages_everyTruncation_throwOnlyFormatErrors() throws Exception {
    List<byte[]> messages = realMessages();
    for (int i = 0; i < messages.size(); i++) {
      fuzz.everyTruncation(messages.get(i), "message " + i);
    }

    assertThat(fuzz.inputs()).isGreaterThan(10_000);
  }

  @Test
  void realMessages_randomMutations_throwOnlyFormatErrors() throws Exception {
    List<byte[]> messages = realMessages();
    for (int i = 0; i < messages.size(); i++) {
      fuzz.mutations(messages.get(i), 300, "message " + i);
    }
  }

  @Test
  void randomBytes_throwOnlyFormatErrors() {
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[fuzz.random().nextInt(256)];
      fuzz.random().nextBytes(bytes);
      fuzz.feed(bytes, "random buffer " + i);
    }
  }

  /**
   * Random messages whose header is right (so the decoders see them) and whose payload is a fixed
   * header of random bytes followed by attributes of random types and plausible lengths.
   */
  @Test
  void randomWellFramedMessages_throwOnlyFormatErrors() {
    for (int i = 0; i < 20_000; i++) {
      ByteBuffer b = ByteBuffer.allocate(16 + 16 + 8 * 24).order(ByteOrder.nativeOrder());
      b.position(16);
      byte[] fixed = new byte[fuzz.random().nextInt(17)];
      fuzz.random().nextBytes(fixed);
      b.put(fixed);
      int attributes = fuzz.random().nextInt(8);
      for (int a = 0; a < attributes; a++) {
        int valueLength = fuzz.random().nextInt(21);
        int declared =
            fuzz.random().nextInt(10) == 0 ? fuzz.random().nextInt(65536) : 4 + valueLength;
        b.putShort((short) declared).putShort((short) fuzz.random().nextInt(40));
        byte[] value = new byte[valueLength];
        fuzz.random().nextBytes(value);
        b.put(value);
      }
      int length = b.position();
      b.putInt(0, length)
          .putShort(
              4,
              (short)
                  (fuzz.random().nextBoolean()
                      ? 2 + fuzz.random().nextInt(34)
                      : fuzz.random().nextInt(65536)))
          .putShort(6, (short) fuzz.random().nextInt(65536));
      byte[] message = new byte[length];
      b.get(0, message);
      fuzz.feed(message, "random message " + i);
    }
  }
}
