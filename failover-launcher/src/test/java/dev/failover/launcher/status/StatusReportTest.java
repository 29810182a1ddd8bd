package dev.failover.launcher.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.launcher.DualStackStatuses;
import dev.failover.launcher.TestStatuses;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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

  @Test
  void render_ipv4OnlyDaemon_namesNoFamily() throws IOException {
    assertThat(StatusReport.render(document(true), NOW.plusSeconds(1)))
        .contains("\nmain provider: ")
        .doesNotContain("IPv4")
        .doesNotContain("IPv6")
        .doesNotContain("FAMILY");
  }

  @Test
  void render_ipv6OnlyOutage_showsBothMainsAndEachProvidersVerdictPerFamily() {
    StatusDocument document = DualStackStatuses.afterIpv6OutageOfIsp1(dir, NOW);

    String text = StatusReport.render(document, NOW.plusSeconds(1));

    assertThat(text)
        .contains("\nIPv4 main provider: isp1 since ")
        .contains("\nIPv6 main provider: isp2 since ")
        .contains("(FAILOVER: ")
        .contains("\nIPv4 default routes: isp1 metric 100, ")
        .contains("\nIPv6 default routes: isp2 metric 100, isp1 metric 101")
        .contains("\nIPv4 checks every ")
        .contains("\nIPv6 checks every ")
        .contains("\nIPv6 sticky: none")
        .contains("PROVIDER         FAMILY RELIABLE")
        .contains("uplink 2001:db8:1::2/64 on eth1 via fe80::1");
    // Each provider's families side by side, IPv4 first: isp1's two rows, isp2's, then isp3's.
    List<String> rows =
        text.lines().filter(line -> line.matches("isp\\d +IPv[46] .*")).toList();
    assertThat(rows)
        .extracting(row -> row.substring(0, 23).replaceAll(" +", " ").strip())
        .containsExactly("isp1 IPv4", "isp1 IPv6", "isp2 IPv4", "isp2 IPv6", "isp3 IPv4");
    assertThat(rows.get(0)).containsPattern("^isp1 +IPv4 +yes ");
    assertThat(rows.get(1)).containsPattern("^isp1 +IPv6 +no ");
    assertThat(rows.get(3)).containsPattern("^isp2 +IPv6 +yes ");
  }
}
