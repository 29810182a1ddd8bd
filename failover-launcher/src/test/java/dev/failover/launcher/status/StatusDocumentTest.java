package dev.failover.launcher.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.api.ProviderState;
import dev.failover.api.TestResult;
import dev.failover.core.EngineStatus;
import dev.failover.core.StickyReading;
import dev.failover.launcher.TestStatuses;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status document's JSON layout: what the writer puts where, and what the reader refuses. */
class StatusDocumentTest {
  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
  private static final Path FILE = Path.of("/run/failover/status.json");

  @TempDir Path engineDir;

  private StatusDocument document() throws IOException {
    return StatusDocument.of(
        TestStatuses.afterOneTick(engineDir),
        Duration.ofSeconds(5),
        Path.of("/etc/failover/sticky.provider"),
        true,
        NOW);
  }

  @Test
  void parse_ofToJson_isTheSameDocument() throws Exception {
    StatusDocument document = document();

    assertThat(StatusDocument.parse(document.toJson(), FILE)).isEqualTo(document);
  }

  /** Nulls before the first decision, a failed apply, an ignored sticky file, odd durations. */
  @Test
  void parse_ofToJson_keepsNullsAndExactDurations() throws Exception {
    EngineStatus engine =
        new EngineStatus(
            NOW.minusMillis(1),
            0,
            "original",
            Duration.ofMillis(350),
            null,
            null,
            "",
            null,
            List.of(),
            200,
            StickyReading.ignored("unknown provider 'isp9'"),
            null,
            "RTNETLINK answers: Operation not permitted",
            List.of(
                new EngineStatus.ProviderReport(
                    "isp1",
                    ProviderState.SUSPECT,
                    NOW.minusSeconds(3),
                    "1 of 3 rounds failed",
                    true,
                    false,
                    List.of(TestResult.Outcome.SUCCESS, TestResult.Outcome.FAILURE),
                    3,
                    1,
                    33.333333333333336,
                    Duration.ofNanos(12_345_678))));
    StatusDocument document =
        new StatusDocument(NOW, false, 4242, Duration.ofMillis(1_250), Path.of("sticky"), engine);

    assertThat(StatusDocument.parse(document.toJson(), FILE)).isEqualTo(document);
  }

  @Test
  void toTree_afterOneTick_writesEveryKeyOfTheLayout() throws Exception {
    ObjectNode json = document().toTree();

    String first = TestStatuses.providers().get(0).id();
    String second = TestStatuses.providers().get(1).id();
    assertThat(json.path("format").asInt()).isEqualTo(StatusDocument.FORMAT);
    assertThat(json.path("written_at").asText()).isEqualTo(NOW.toString());
    assertThat(json.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    assertThat(json.path("check_interval").asDouble()).isEqualTo(5.0);
    // The first provider timed out once: not judged yet and silent, so the next round is hurried
    // to three quarters of the 0.2 s fast cadence.
    assertThat(json.path("interval").asDouble()).isEqualTo(0.15);
    assertThat(json.path("ticks").asLong()).isEqualTo(1);
    assertThat(json.path("main").path("provider").asText()).isEqualTo(second);
    // The first decision: STARTUP, whose detail says the sticky file forces it.
    assertThat(json.path("main").path("reason").asText()).isIn("STARTUP", "STICKY");
    assertThat(json.path("ranking")).extracting(n -> n.asText()).containsExactly(second, first);
    assertThat(json.path("sticky").path("file").asText())
        .isEqualTo("/etc/failover/sticky.provider");
    assertThat(json.path("sticky").path("kind").asText()).isEqualTo("FORCED");
    assertThat(json.path("sticky").path("provider").asText()).isEqualTo(second);
    assertThat(json.path("last_apply_error").isNull()).isTrue();
    ObjectNode p0 = (ObjectNode) json.path("providers").get(0);
    assertThat(p0.path("id").asText()).isEqualTo(first);
    assertThat(p0.path("recent_results")).extracting(n -> n.asText()).containsExactly("TIMEOUT");
    assertThat(p0.path("loss_percent").asDouble()).isEqualTo(100.0);
    assertThat(p0.path("mean_latency_ms").isNull()).isTrue();
    assertThat(p0.path("reliable").asBoolean()).isFalse();
    assertThat(p0.path("link_usable").asBoolean()).isTrue();
    assertThat(p0.path("selectable").asBoolean()).isFalse();
    assertThat(json.path("providers").get(1).path("selectable").asBoolean()).isTrue();
    assertThat(json.path("providers").get(1).path("mean_latency_ms").asDouble()).isEqualTo(10.0);
  }

  @Test
  void parse_renamedKey_failsNamingTheKeyAndTheFile() throws Exception {
    String json = document().toJson().replace("\"link_usable\"", "\"link_up\"");

    assertThatThrownBy(() -> StatusDocument.parse(json, FILE))
        .isInstanceOf(IOException.class)
        .hasMessage(
            "status file /run/failover/status.json: key 'providers[0].link_usable' is missing");
  }

  @Test
  void parse_keyMissingAtTheTop_failsNamingIt() throws Exception {
    ObjectNode tree = document().toTree();
    tree.remove("interval");

    assertThatThrownBy(() -> StatusDocument.parse(StatusFile.toText(tree), FILE))
        .hasMessage("status file /run/failover/status.json: key 'interval' is missing");
  }

  @Test
  void parse_mistypedKey_failsNamingTheKeyAndTheValue() throws Exception {
    ObjectNode tree = document().toTree();
    tree.put("check_interval", "5s");

    assertThatThrownBy(() -> StatusDocument.parse(StatusFile.toText(tree), FILE))
        .hasMessage(
            "status file /run/failover/status.json: key 'check_interval' must be a number but is"
                + " \"5s\"");
  }

  @Test
  void parse_unknownEnumConstant_failsListingTheKnownOnes() throws Exception {
    ObjectNode tree = document().toTree();
    tree.with("sticky").put("kind", "PINNED");

    assertThatThrownBy(() -> StatusDocument.parse(StatusFile.toText(tree), FILE))
        .hasMessage(
            "status file /run/failover/status.json: key 'sticky.kind' must be one of"
                + " [ABSENT, FORCED, IGNORED] but is \"PINNED\"");
  }

  @Test
  void parse_selectableContradictingReliableAndLink_fails() throws Exception {
    ObjectNode tree = document().toTree();
    ((ObjectNode) tree.withArray("providers").get(0)).put("selectable", true);

    assertThatThrownBy(() -> StatusDocument.parse(StatusFile.toText(tree), FILE))
        .hasMessageContaining("key 'providers[0].selectable' is true");
  }

  @Test
  void parse_valuesBreakingTheStatusRules_failsSayingInconsistent() throws Exception {
    ObjectNode tree = document().toTree();
    ((ObjectNode) tree.withArray("providers").get(0)).put("failed_rounds", 9);

    assertThatThrownBy(() -> StatusDocument.parse(StatusFile.toText(tree), FILE))
        .hasMessageStartingWith("status file /run/failover/status.json is inconsistent:")
        .hasMessageContaining("failedRounds");
  }

  @Test
  void parse_newerFormat_isRefused() throws Exception {
    ObjectNode tree = document().toTree();
    tree.put("format", StatusDocument.FORMAT + 1);

    assertThatThrownBy(() -> StatusDocument.parse(StatusFile.toText(tree), FILE))
        .hasMessageContaining("has format " + (StatusDocument.FORMAT + 1))
        .hasMessageContaining("newer failover");
  }

  @Test
  void parse_unknownKey_isIgnored() throws Exception {
    StatusDocument document = document();
    ObjectNode tree = document.toTree();
    tree.put("uptime_seconds", 12);

    assertThat(StatusDocument.parse(StatusFile.toText(tree), FILE)).isEqualTo(document);
  }

  @Test
  void parse_notJson_failsNamingTheFile() {
    assertThatThrownBy(() -> StatusDocument.parse("{\"format\": 1,", FILE))
        .hasMessageStartingWith("status file /run/failover/status.json is not JSON");
  }
}
