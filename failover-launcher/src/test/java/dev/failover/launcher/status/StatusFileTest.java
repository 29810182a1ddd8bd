package dev.failover.launcher.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.core.EngineStatus;
import dev.failover.launcher.TestStatuses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status file round trip, and what {@code status} makes of its age. */
class StatusFileTest {
  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

  @TempDir Path dir;
  @TempDir Path engineDir;

  private EngineStatus status() throws IOException {
    return TestStatuses.afterOneTick(engineDir);
  }

  @Test
  void write_thenRead_keepsEveryFact() throws Exception {
    StatusFile file = new StatusFile(dir.resolve("sub/status.json"));

    file.write(
        status(), Duration.ofSeconds(5), Path.of("/etc/failover/sticky.provider"), true, NOW);

    ObjectNode json = file.read().orElseThrow();
    String first = TestStatuses.providers().get(0).id();
    String second = TestStatuses.providers().get(1).id();
    assertThat(json.path("format").asInt()).isEqualTo(StatusFile.FORMAT);
    assertThat(json.path("written_at").asText()).isEqualTo(NOW.toString());
    assertThat(json.path("check_interval").asDouble()).isEqualTo(5.0);
    // The first provider timed out once: not judged yet, in doubt, so the fast cadence is on.
    assertThat(json.path("interval").asDouble()).isEqualTo(0.2);
    assertThat(json.path("ticks").asLong()).isEqualTo(1);
    assertThat(json.path("main").path("provider").asText()).isEqualTo(second);
    // The first decision: STARTUP, whose detail says the sticky file forces it.
    assertThat(json.path("main").path("reason").asText()).isIn("STARTUP", "STICKY");
    assertThat(json.path("ranking").toString()).isEqualTo("[\"" + second + "\",\"" + first + "\"]");
    assertThat(json.path("sticky").path("kind").asText()).isEqualTo("FORCED");
    assertThat(json.path("sticky").path("provider").asText()).isEqualTo(second);
    assertThat(json.path("providers").get(0).path("id").asText()).isEqualTo(first);
    assertThat(json.path("providers").get(0).path("recent_results").toString())
        .isEqualTo("[\"TIMEOUT\"]");
    assertThat(json.path("providers").get(0).path("loss_percent").asDouble()).isEqualTo(100.0);
    assertThat(json.path("providers").get(0).path("mean_latency_ms").isNull()).isTrue();
    assertThat(json.path("providers").get(1).path("mean_latency_ms").asDouble()).isEqualTo(10.0);
    assertThat(json.path("last_apply_error").isNull()).isTrue();
    assertThat(json.path("providers").get(0).path("link_usable").asBoolean()).isTrue();
    assertThat(json.path("providers").get(0).path("selectable").asBoolean()).isFalse();
    assertThat(json.path("providers").get(1).path("selectable").asBoolean()).isTrue();
  }

  @Test
  void write_leavesNoTemporaryFileAndIsReadableByEveryone() throws Exception {
    StatusFile file = new StatusFile(dir.resolve("status.json"));

    file.write(status(), Duration.ofSeconds(5), dir.resolve("sticky"), true, NOW);
    file.write(status(), Duration.ofSeconds(5), dir.resolve("sticky"), true, NOW.plusSeconds(5));

    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(dir.resolve("status.json"));
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.file())))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void read_noFile_isEmpty() throws Exception {
    assertThat(new StatusFile(dir.resolve("absent.json")).read()).isEmpty();
  }

  @Test
  void freshness_twoIntervalsAndTheSlackOld_isStillFresh() throws IOException {
    ObjectNode json = StatusFile.toJson(status(), Duration.ofSeconds(5), dir, true, NOW);

    assertThat(StatusReport.freshness(json, NOW.plusSeconds(15)))
        .isEqualTo(StatusReport.Freshness.FRESH);
    assertThat(StatusReport.freshness(json, NOW.plusSeconds(16)))
        .isEqualTo(StatusReport.Freshness.STALE);
  }

  @Test
  void freshness_daemonStopped_isStoppedWhateverTheAge() throws IOException {
    ObjectNode json = StatusFile.toJson(status(), Duration.ofSeconds(5), dir, false, NOW);

    assertThat(StatusReport.freshness(json, NOW)).isEqualTo(StatusReport.Freshness.STOPPED);
  }

  @Test
  void render_showsTheStickyProviderAndTheRoutes() throws IOException {
    ObjectNode json = StatusFile.toJson(status(), Duration.ofSeconds(5), dir, true, NOW);

    assertThat(StatusReport.render(json, NOW.plusSeconds(1)))
        .contains("written 1 s ago")
        .contains("sticky: provider '" + TestStatuses.providers().get(1).id() + "' forced")
        .contains("metric 100, ")
        .contains("100.0%")
        .contains("10.0 ms")
        .contains(
            "checks every 0.2 s (fast_check_interval: a provider is in doubt; check_interval is"
                + " 5 s)")
        .contains(" up    INSUFFICIENT_DATA ");
  }

  /** A file written by a daemon from before the cadence and link keys still renders. */
  @Test
  void render_fileWithoutIntervalAndLink_showsTheCheckIntervalAndAnUnknownLink()
      throws IOException {
    ObjectNode json = StatusFile.toJson(status(), Duration.ofSeconds(5), dir, true, NOW);
    json.remove("interval");
    json.withArray("providers").forEach(p -> ((ObjectNode) p).remove("link_usable"));

    assertThat(StatusReport.render(json, NOW))
        .contains("checks every 5 s\n")
        .contains(" ?     INSUFFICIENT_DATA ");
  }
}
