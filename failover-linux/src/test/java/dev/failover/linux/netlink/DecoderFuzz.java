package dev.failover.linux.netlink;

import static org.assertj.core.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Feeds bytes to the decoder and fails the test if it throws anything but {@link
 * NetlinkFormatException}: every message of a buffer goes through every decoder (route, rule, link,
 * address, error, done), whatever its type says, so that each decoder meets every shape.
 */
final class DecoderFuzz {
  /** One decoder, as the dumps and the events thread call it. */
  private interface Decoder {
    Object decode(MessageReader message) throws NetlinkFormatException;
  }

  private static final List<Decoder> DECODERS =
      List.of(Codec::route, Codec::rule, Codec::link, Codec::address, Codec::error, Codec::done);

  private final long seed;
  private final Random random;
  private long inputs;

  DecoderFuzz(long seed) {
    this.seed = seed;
    this.random = new Random(seed);
  }

  /** The seed to print: {@code -Dnetlink.fuzz.seed=N} repeats a run. */
  static long seedFromProperty() {
    long seed = Long.getLong("netlink.fuzz.seed", System.nanoTime());
    System.out.println(
        "netlink decoder fuzz seed: " + seed + " (repeat with -Dnetlink.fuzz.seed=" + seed + ")");
    return seed;
  }

  long inputs() {
    return inputs;
  }

  Random random() {
    return random;
  }

  /** Decodes {@code bytes} with every decoder; fails unless only format errors come out. */
  void feed(byte[] bytes, String what) {
    inputs++;
    try {
      MessageReader r = MessageReader.of(bytes);
      while (r.next()) {
        for (Decoder decoder : DECODERS) {
          try {
            decoder.decode(r);
          } catch (NetlinkFormatException expected) {
            // The one documented outcome of bad bytes.
          }
        }
      }
    } catch (NetlinkFormatException expected) {
      // A buffer that does not split into messages.
    } catch (Throwable e) {
      fail("seed " + seed + ", " + what + ": " + e + " for " + HexFormat.of().formatHex(bytes), e);
    }
  }

  /**
   * Every prefix of {@code message}, as is and with its length field saying the prefix's length.
   */
  void everyTruncation(byte[] message, String what) {
    for (int length = 0; length < message.length; length++) {
      byte[] cut = Arrays.copyOf(message, length);
      feed(cut, what + " cut to " + length);
      if (length >= 4) {
        byte[] claimed = cut.clone();
        ByteBuffer.wrap(claimed).order(ByteOrder.nativeOrder()).putInt(0, length);
        feed(claimed, what + " cut to " + length + ", length field patched");
      }
    }
  }

  /** {@code count} copies of {@code message}, each with 1 to 4 random bytes changed. */
  void mutations(byte[] message, int count, String what) {
    for (int i = 0; i < count && message.length > 0; i++) {
      byte[] mutated = message.clone();
      int changes = 1 + random.nextInt(4);
      for (int c = 0; c < changes; c++) {
        int at = random.nextInt(mutated.length);
        // Bias towards the values that hurt: 0, 0xff and small lengths.
        mutated[at] =
            switch (random.nextInt(4)) {
              case 0 -> 0;
              case 1 -> (byte) 0xff;
              case 2 -> (byte) random.nextInt(8);
              default -> (byte) random.nextInt(256);
            };
      }
      feed(mutated, what + " mutation " + i);
    }
  }
}
