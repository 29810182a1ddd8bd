package dev.failover.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decoder's fuzz test on messages fresh from the running kernel (the checked-in ones come from
 * one kernel version): every truncation and random mutations throw only {@link
 * NetlinkFormatException}, and the untouched messages decode.
 */
class DecoderFuzzNamespaceTest {

  @Test
  void runningKernelsMessages_truncatedAndMutated_throwOnlyFormatErrors() throws Exception {
    assumeTrue(
        TestNamespace.unavailableReason().isEmpty(), TestNamespace.unavailableReason().orElse(""));
    List<Object[]> captured = new ArrayList<>();
    try (TestNamespace ns = TestNamespace.create("fnf")) {
      ns.batch(KernelMessages.SETUP);
      // Not in the batch: ip -batch would read '#' as the start of a comment.
      ns.ip("link", "add", "wan#1", "type", "veth", "peer", "name", "p#1");
      ns.ip("link", "set", "wan#1", "up");
      ns.call(
          () -> {
            KernelMessages.capture(captured::add);
            return null;
          });
    }
    DecoderFuzz fuzz = new DecoderFuzz(DecoderFuzz.seedFromProperty());

    for (Object[] message : captured) {
      byte[] bytes = (byte[]) message[1];
      assertThat(KernelMessages.decode(bytes)).as("%s", message[0]).isNotEmpty();
      fuzz.everyTruncation(bytes, (String) message[0]);
      fuzz.mutations(bytes, 200, (String) message[0]);
    }

    assertThat(captured).hasSizeGreaterThan(40);
    assertThat(captured)
        .extracting(m -> (String) m[0])
        .contains(
            "route4",
            "route6",
            "rule",
            "link",
            "addr4",
            "addr6",
            "missing-table",
            "ack",
            "link-event");
  }
}
