package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.Ipv4;
import dev.failover.linux.netlink.LinkMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Link statuses from the kernel's link messages, and what counts as usable. */
class LinkStatusTest {
  private static final int UP = LinkMessage.IFF_UP;
  private static final int RUNNING = LinkMessage.IFF_RUNNING;
  private static final int LOWER_UP = LinkMessage.IFF_LOWER_UP;

  @Test
  void of_fourLinks_readsFlagsStateAndAddresses() {
    LinkStatus wan1 =
        LinkStatus.of(
            new LinkMessage(0, 3, UP | RUNNING | LOWER_UP, "wan1", 6),
            List.of(Ipv4.parse("192.168.1.11")));
    LinkStatus wan2 = LinkStatus.of(new LinkMessage(0, 4, UP, "wan2", 3), List.of());
    LinkStatus wan3 = LinkStatus.of(new LinkMessage(0, 5, 0, "wan3", 2), List.of());
    LinkStatus ppp0 =
        LinkStatus.of(new LinkMessage(0, 6, UP | RUNNING | LOWER_UP, "ppp0", 0), List.of());

    assertThat(List.of(wan1, wan2, wan3, ppp0))
        .containsExactly(
            new LinkStatus("wan1", 3, true, true, true, "UP", List.of(Ipv4.parse("192.168.1.11"))),
            new LinkStatus("wan2", 4, true, true, false, "LOWERLAYERDOWN", List.of()),
            new LinkStatus("wan3", 5, true, false, false, "DOWN", List.of()),
            new LinkStatus("ppp0", 6, true, true, true, "UNKNOWN", List.of()));
    assertThat(List.of(wan1, wan2, wan3, ppp0))
        .extracting(LinkStatus::usable)
        .containsExactly(true, false, false, true);
  }

  /** A veth whose peer just came up can say LOWER_UP without RUNNING: ip shows NO-CARRIER. */
  @Test
  void of_lowerUpButNotRunning_hasNoCarrier() {
    LinkStatus status = LinkStatus.of(new LinkMessage(0, 2, UP | LOWER_UP, "b1", 3), List.of());

    assertThat(status.carrier()).isFalse();
    assertThat(status.usable()).isFalse();
  }

  @Test
  void usable_absent_isFalse() {
    assertThat(LinkStatus.absent("wan9").usable()).isFalse();
  }

  @Test
  void usable_dormant_isFalse() {
    assertThat(new LinkStatus("wlan0", 7, true, true, true, "DORMANT", List.of()).usable())
        .isFalse();
  }
}
