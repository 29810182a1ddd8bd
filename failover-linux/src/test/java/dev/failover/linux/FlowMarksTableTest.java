package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.testkit.TestProviders;
import java.net.Inet6Address;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowMarksTableTest {
  private static final Inet6Address V6_ADDRESS = Ipv6.parse("2001:db8:1::100");
  private static final Ipv6Network V6_PREFIX = Ipv6Network.parse("2001:db8:1::/64");
  private static final Inet6Address V6_GATEWAY = Ipv6.parse("fe80::1");
  private final Providers providers = Providers.of(TestProviders.withSharedGateway(2));

  @Test
  void mark_defaultMask_numbersProvidersFromOneInsideTheMask() {
    assertThat(FlowMarksTable.mark(0, 0x0f000000)).isEqualTo(0x01000000);
    assertThat(FlowMarksTable.mark(1, 0x0f000000)).isEqualTo(0x02000000);
    assertThat(FlowMarksTable.mark(14, 0x0f000000)).isEqualTo(0x0f000000);
  }

  @Test
  void mark_beyondTheMasksCapacity_isRejected() {
    assertThatThrownBy(() -> FlowMarksTable.mark(15, 0x0f000000))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("numbers at most 15 providers");
  }

  @Test
  void script_withPinning_replacesTheTableAtomicallyWithMarkAndRestoreChains() {
    String script = FlowMarksTable.script(providers, FlowPinningSettings.defaults());

    assertThat(script)
        .startsWith(
            "table ip failover {}\ndelete table ip failover\n"
                + "table inet failover {}\ndelete table inet failover\n"
                + "table inet failover {\n")
        .contains("type filter hook postrouting priority mangle; policy accept;")
        .contains(
            "ct direction original ct mark and 0x0f000000 == 0x0 oifname \""
                + providers.get(1).interfaceName()
                + "\" ct mark set ct mark and 0xf0ffffff or 0x02000000")
        .contains("chain restore_forwarded", "type filter hook prerouting priority mangle;")
        .contains("chain restore_local", "type route hook output priority mangle;")
        .contains(
            "meta mark 0x0 ct direction original ct mark and 0x0f000000 == 0x01000000 meta mark"
                + " set meta mark and 0xf0ffffff or 0x01000000");
  }

  @Test
  void script_dualStackProvider_noFamilyGuardSoItsIpv6FlowsAreMarkedToo() {
    Providers dualStack =
        Providers.of(
            List.of(
                providers.get(0).withIpv6(V6_ADDRESS, V6_PREFIX, V6_GATEWAY),
                providers.get(1)));

    String script = FlowMarksTable.script(dualStack, FlowPinningSettings.defaults());

    assertThat(script)
        .contains(
            "    ct direction original ct mark and 0x0f000000 == 0x0 oifname \""
                + dualStack.get(0).interfaceName()
                + "\"")
        .contains(
            "    meta nfproto ipv4 ct direction original ct mark and 0x0f000000 == 0x0 oifname \""
                + dualStack.get(1).interfaceName()
                + "\"")
        .contains(
            "    ct direction original ct mark and 0x0f000000 == 0x01000000 meta mark set",
            "    meta nfproto ipv4 ct direction original ct mark and 0x0f000000 == 0x02000000",
            "    meta mark 0x0 ct direction original ct mark and 0x0f000000 == 0x01000000",
            "    meta nfproto ipv4 meta mark 0x0 ct direction original ct mark and 0x0f000000"
                + " == 0x02000000");
  }

  @Test
  void script_ipv6OnlyProvider_guardedToIpv6() {
    Provider first = providers.get(0);
    Providers ipv6Only =
        Providers.of(
            List.of(
                new Provider(
                    first.id(),
                    first.interfaceName(),
                    null,
                    null,
                    null,
                    first.rtTableName(),
                    first.rtTableId(),
                    false,
                    true,
                    V6_ADDRESS,
                    V6_PREFIX,
                    V6_GATEWAY)));

    String script = FlowMarksTable.script(ipv6Only, FlowPinningSettings.defaults());

    assertThat(script.lines().filter(l -> l.contains("ct direction original")))
        .hasSize(3)
        .allMatch(l -> l.startsWith("    meta nfproto ipv6 "));
  }

  @Test
  void script_noExpressionOfOneFamilyOnly_soTheInetTableSeesIpv6() {
    String script = FlowMarksTable.script(providers, FlowPinningSettings.defaults());

    // "ip saddr", "ip daddr", "ip protocol" and the like would match IPv4 packets only.
    assertThat(script.lines().filter(l -> l.contains("ct direction original")))
        .noneMatch(l -> l.matches(".*\\b(ip|ip6) (saddr|daddr|protocol|nexthdr)\\b.*"));
  }

  @Test
  void removal_removesTheInetTableAndTheIpTableOfEarlierVersions() {
    assertThat(FlowMarksTable.removal())
        .isEqualTo(
            "table ip failover {}\ndelete table ip failover\n"
                + "table inet failover {}\ndelete table inet failover\n");
  }

  @Test
  void script_withoutPinning_marksOnly() {
    String script =
        FlowMarksTable.script(
            providers,
            new FlowPinningSettings(false, FlushFlowsOnDown.PROVIDER, 0x0f000000, 29000, 202));

    assertThat(script).contains("chain mark_new").doesNotContain("restore");
  }

  @Test
  void settings_nonContiguousMask_isRejected() {
    assertThatThrownBy(
            () -> new FlowPinningSettings(true, FlushFlowsOnDown.PROVIDER, 0x0f0f0000, 29000, 202))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fwmarkMask must be one run of contiguous bits, was 0xf0f0000");
  }

  @Test
  void settings_capacity_isTwoToTheBitsMinusOne() {
    assertThat(FlowPinningSettings.capacity(0x0f000000)).isEqualTo(15);
    assertThat(FlowPinningSettings.capacity(0xffffffff)).isEqualTo(0xffffffffL);
  }
}
