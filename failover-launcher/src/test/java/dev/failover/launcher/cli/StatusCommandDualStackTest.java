package dev.failover.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.failover.launcher.DualStackStatuses;
import dev.failover.launcher.config.JacksonTrees;
import dev.failover.launcher.status.StatusFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code status} of a dual-stack daemon's file (issue 16) after an IPv6-only outage of isp1: both
 * main providers, and each provider's verdict per family.
 */
class StatusCommandDualStackTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private Path statusFile() throws Exception {
    Path file = dir.resolve("status.json");
    new StatusFile(file)
        .write(DualStackStatuses.afterIpv6OutageOfIsp1(dir.resolve("engine"), Instant.now()));
    return file;
  }

  private int run(String... args) {
    return FailoverCommand.execute(args, new PrintWriter(out), new PrintWriter(err));
  }

  @Test
  void status_dualStackFile_printsBothMainsAndEachFamilysVerdict() throws Exception {
    Path file = statusFile();

    assertThat(run("status", "--status-file", file.toString())).isEqualTo(ExitCodes.OK);

    assertThat(out.toString())
        .contains("IPv4 main provider: isp1 since ")
        .contains("IPv6 main provider: isp2 since ")
        .containsPattern("\nisp1 +IPv4 +yes +up +UP ")
        .containsPattern("\nisp1 +IPv6 +no +up +DOWN ")
        .containsPattern("\nisp2 +IPv6 +yes +up +UP ")
        .containsPattern("\nisp3 +IPv4 +yes ")
        .doesNotContainPattern("\nisp3 +IPv6")
        .doesNotContain("STALE");
  }

  @Test
  void status_jsonOfADualStackFile_keepsTheIpv4TopLevelAndAddsTheIpv6Block() throws Exception {
    Path file = statusFile();

    assertThat(run("status", "--json", "--status-file", file.toString())).isEqualTo(ExitCodes.OK);

    JsonNode json = JacksonTrees.readJsonObject(out.toString());
    assertThat(json.path("freshness").asText()).isEqualTo("FRESH");
    assertThat(json.path("main").path("provider").asText()).isEqualTo("isp1");
    assertThat(json.path("ipv6").path("main").path("provider").asText()).isEqualTo("isp2");
    assertThat(json.path("ipv6").path("family").asText()).isEqualTo("ipv6");
  }
}
