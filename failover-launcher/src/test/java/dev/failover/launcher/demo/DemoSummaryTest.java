package dev.failover.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.launcher.config.JacksonTrees;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The demo's summary: when it says ok, and what its table and JSON say. */
class DemoSummaryTest {
  private static DemoSummary.Fault fault(Optional<String> movedTo, Optional<Duration> failback) {
    return new DemoSummary.Fault(
        "blackhole-isp1",
        "ISP 1 blackholed",
        "isp1",
        "isp2",
        movedTo,
        movedTo.map(m -> Duration.ofMillis(856)),
        failback,
        104,
        42,
        Duration.ofMillis(690),
        0,
        0);
  }

  private static DemoSummary summary(DemoSummary.Fault fault, int gaps, Optional<Integer> exit) {
    return new DemoSummary(
        "default", Duration.ofSeconds(30), List.of(fault), gaps, exit, Optional.empty());
  }

  private static final DemoSummary.Fault GOOD =
      fault(Optional.of("isp2"), Optional.of(Duration.ofMillis(54_300)));

  @Test
  void ok_everyFaultBackAndNoGapAndACleanStop_isTrue() {
    assertThat(summary(GOOD, 0, Optional.of(143)).ok()).isTrue();
  }

  @Test
  void ok_anyFactMissing_isFalse() {
    assertThat(summary(fault(Optional.of("isp3"), GOOD.failback()), 0, Optional.of(143)).ok())
        .as("moved elsewhere")
        .isFalse();
    assertThat(summary(fault(Optional.of("isp2"), Optional.empty()), 0, Optional.of(143)).ok())
        .as("no failback")
        .isFalse();
    assertThat(summary(GOOD, 1, Optional.of(143)).ok()).as("a gap").isFalse();
    assertThat(summary(GOOD, 0, Optional.empty()).ok()).as("killed").isFalse();
    assertThat(summary(GOOD, 0, Optional.of(1)).ok()).as("failed").isFalse();
  }

  @Test
  void table_roundsForPeople() {
    assertThat(summary(GOOD, 0, Optional.of(143)).table())
        .hasSize(3)
        .satisfies(
            lines ->
                assertThat(lines.get(1))
                    .contains("ISP 1 blackholed", "isp1 -> isp2", "0.86 s", "54 s")
                    .contains("42 of 104 echoes (0.69 s)"));
  }

  @Test
  void toJson_holdsEveryMeasureInSecondsAndNullForWhatDidNotHappen() throws Exception {
    ObjectNode json =
        JacksonTrees.readJsonObject(
            summary(fault(Optional.empty(), Optional.empty()), 0, Optional.of(143)).toJson());

    assertThat(json.path("ok").asBoolean()).isFalse();
    assertThat(json.path("failback_dwell_seconds").asDouble()).isEqualTo(30.0);
    assertThat(json.path("faults").get(0).path("moved_to").isNull()).isTrue();
    assertThat(json.path("faults").get(0).path("failover_seconds").isNull()).isTrue();
    assertThat(json.path("faults").get(0).path("lan_silence_seconds").asDouble()).isEqualTo(0.69);
    assertThat(json.path("daemon_exit_code").asInt()).isEqualTo(143);
    assertThat(json.path("daemon_stop_seconds").isNull()).isTrue();
  }
}
