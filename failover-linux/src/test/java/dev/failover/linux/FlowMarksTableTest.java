package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.Providers;
import dev.failover.testkit.TestProviders;
import org.junit.jupiter.api.Test;

class FlowMarksTableTest {
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
        .startsWith("table ip failover {}\ndelete table ip failover\ntable ip failover {\n")
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
