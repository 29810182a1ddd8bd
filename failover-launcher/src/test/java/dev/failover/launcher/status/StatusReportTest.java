package dev.failover.launcher.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.launcher.TestStatuses;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code status} makes of a document: its freshness and its text. */
class StatusReportTest {
  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

  @TempDir Path dir;

  private StatusDocument document(boolean running) throws IOException {
    return StatusDocument.of(
        TestStatuses.afterOneTick(dir), Duration.ofSeconds(5), dir.resolve("s"), running, NOW);
  }

  @Test
  void freshness_twoIntervalsAndTheSlackOld_isStillFresh() throws IOException {
    StatusDocument document = document(true);

    assertThat(StatusReport.freshness(document, NOW.plusSeconds(15)))
        .isEqualTo(StatusReport.Freshness.FRESH);
    assertThat(StatusReport.freshness(document, NOW.plusSeconds(16)))
        .isEqualTo(StatusReport.Freshness.STALE);
  }

  @Test
  void freshness_daemonStopped_isStoppedWhateverTheAge() throws IOException {
    assertThat(StatusReport.freshness(document(false), NOW))
        .isEqualTo(StatusReport.Freshness.STOPPED);
  }

  @Test
  void annotate_addsFreshnessAndAgeToTheDocument() throws IOException {
    StatusDocument document = document(true);

    var json = StatusReport.annotate(document, NOW.plusMillis(1_500));

    assertThat(json.path("freshness").asText()).isEqualTo("FRESH");
    assertThat(json.path("age_seconds").asDouble()).isEqualTo(1.5);
    json.remove("freshness");
    json.remove("age_seconds");
    assertThat(json).isEqualTo(document.toTree());
  }

  @Test
  void render_showsTheStickyProviderAndTheRoutes() throws IOException {
    assertThat(StatusReport.render(document(true), NOW.plusSeconds(1)))
        .contains("written 1 s ago by pid " + ProcessHandle.current().pid())
        .contains("sticky: provider '" + TestStatuses.providers().get(1).id() + "' forced")
        .contains("metric 100, ")
        .contains("100.0%")
        .contains("10.0 ms")
        .contains(
            "checks every 0.15 s (faster: a provider is in doubt, under a loss test or silent;"
                + " check_interval is 5 s)")
        .contains(" up    INSUFFICIENT_DATA ")
        .doesNotContain("?");
  }
}
