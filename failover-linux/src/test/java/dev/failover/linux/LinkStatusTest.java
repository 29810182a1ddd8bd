package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.Ipv4;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing of {@code ip -json addr show} into link statuses, and what counts as usable. */
class LinkStatusTest {
  private static final String JSON = "[{\"ifindex\":3,\"link_index\":2,\"ifname\":\"wan1\","
      + "\"flags\":[\"BROADCAST\",\"MULTICAST\",\"UP\",\"LOWER_UP\"],\"mtu\":1500,\"qdisc\":\"noqueue\","
      + "\"operstate\":\"UP\",\"group\":\"default\",\"txqlen\":1000,\"link_type\":\"ether\","
      + "\"addr_info\":[{\"family\":\"inet\",\"local\":\"192.168.1.11\",\"prefixlen\":24,\"scope\":\"global\","
      + "\"label\":\"wan1\"},{\"family\":\"inet6\",\"local\":\"fe80::1\",\"prefixlen\":64}]},"
      + "{\"ifindex\":4,\"ifname\":\"wan2\",\"flags\":[\"NO-CARRIER\",\"BROADCAST\",\"MULTICAST\",\"UP\"],"
      + "\"operstate\":\"LOWERLAYERDOWN\",\"addr_info\":[]},"
      + "{\"ifindex\":5,\"ifname\":\"wan3\",\"flags\":[\"BROADCAST\",\"MULTICAST\"],\"operstate\":\"DOWN\","
      + "\"addr_info\":[]},"
      + "{\"ifindex\":6,\"ifname\":\"ppp0\",\"flags\":[\"POINTOPOINT\",\"UP\",\"LOWER_UP\"],"
      + "\"operstate\":\"UNKNOWN\",\"addr_info\":[]}]";

  @Test
  void parse_fourLinks_readsFlagsStateAndIpv4Addresses() throws Exception {
    List<LinkStatus> statuses = LinkStatus.parse(JSON);

    assertThat(statuses).containsExactly(
        new LinkStatus("wan1", 3, true, true, true, "UP", List.of(Ipv4.parse("192.168.1.11"))),
        new LinkStatus("wan2", 4, true, true, false, "LOWERLAYERDOWN", List.of()),
        new LinkStatus("wan3", 5, true, false, false, "DOWN", List.of()),
        new LinkStatus("ppp0", 6, true, true, true, "UNKNOWN", List.of()));
    assertThat(statuses).extracting(LinkStatus::usable).containsExactly(true, false, false, true);
  }

  @Test
  void usable_absent_isFalse() {
    assertThat(LinkStatus.absent("wan9").usable()).isFalse();
  }

  @Test
  void usable_dormant_isFalse() {
    assertThat(new LinkStatus("wlan0", 7, true, true, true, "DORMANT", List.of()).usable()).isFalse();
  }
}
