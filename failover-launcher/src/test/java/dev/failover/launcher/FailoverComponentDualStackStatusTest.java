package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.failover.core.EngineStatus;
import dev.failover.launcher.config.JacksonTrees;
import dev.failover.launcher.status.StatusDocument;
import dev.failover.launcher.status.StatusFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status file and the status page's JSON of a dual-stack daemon (issue 16, "status shows
 * both"): after an IPv6-only outage of isp1, the IPv6 main moved to isp2 and the IPv4 main stayed.
 */
class FailoverComponentDualStackStatusTest {
  @TempDir Path dir;

  private static EngineStatus.ProviderReport report(EngineStatus status, String id) {
    return status.providers().stream().filter(p -> p.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void statusFile_ipv6OnlyOutage_showsTheIpv6MainMovedAndTheIpv4MainNot() throws Exception {
    TestFailoverComponent component = DualStackStatuses.ipv6OutageOfIsp1(dir, "");

    component.scheduler().advance(Duration.ofMillis(StatusPublisher.MAX_POLL_MILLIS));

    StatusDocument status = new StatusFile(dir.resolve("status.json")).readDocument().orElseThrow();
    assertThat(status.running()).isTrue();
    assertThat(status.engine().mainProvider()).contains("isp1");
    assertThat(report(status.engine(), "isp1").eligible()).isTrue();
    EngineStatus ipv6 = status.ipv6().orElseThrow();
    assertThat(ipv6.mainProvider()).contains("isp2");
    assertThat(report(ipv6, "isp1").eligible()).isFalse();
    assertThat(ipv6.providers()).extracting(EngineStatus.ProviderReport::id)
        .containsExactly("isp1", "isp2");
  }

  @Test
  void statusFile_daemonStopped_writesBothFamiliesOnceMore() throws Exception {
    TestFailoverComponent component = DualStackStatuses.ipv6OutageOfIsp1(dir, "");
    FailoverDaemon daemon = component.daemon();

    daemon.stopAsync();
    component.scheduler().runDueTasks();

    assertThat(daemon.awaitStopped(Duration.ofSeconds(5))).isTrue();
    StatusDocument status = new StatusFile(dir.resolve("status.json")).readDocument().orElseThrow();
    assertThat(status.running()).isFalse();
    assertThat(status.ipv6().orElseThrow().mainProvider()).contains("isp2");
  }

  @Test
  void apiStatus_ipv6OnlyOutage_showsBothFamiliesTheirSamplesAndTheSwitchOfIpv6()
      throws Exception {
    TestFailoverComponent component = DualStackStatuses.ipv6OutageOfIsp1(dir, "127.0.0.1:0");
    FailoverDaemon daemon = component.daemon();
    try {
      URI uri =
          URI.create(
              "http://127.0.0.1:" + daemon.httpAddress().orElseThrow().getPort() + "/api/status");
      HttpResponse<String> response =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .build()
              .send(
                  HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode json = JacksonTrees.readJsonObject(response.body());
      assertThat(json.path("status").path("main").path("provider").asText()).isEqualTo("isp1");
      assertThat(json.path("status").path("ipv6").path("main").path("provider").asText())
          .isEqualTo("isp2");
      assertThat(fieldNames(json.path("samples"))).containsExactly("isp1", "isp2", "isp3");
      assertThat(fieldNames(json.path("ipv6_samples"))).containsExactly("isp1", "isp2");
      // isp1's IPv6 checks failed, its IPv4 ones did not: the families' charts are apart.
      assertThat(json.path("ipv6_samples").path("isp1").path("loss_percent"))
          .anySatisfy(loss -> assertThat(loss.asDouble()).isPositive());
      assertThat(json.path("samples").path("isp1").path("loss_percent"))
          .isNotEmpty()
          .allSatisfy(loss -> assertThat(loss.asDouble()).isZero());
      List<String> switches = new ArrayList<>();
      for (JsonNode event : json.path("timeline")) {
        if (event.path("kind").asText().equals("main_switched")) {
          switches.add(
              event.path("family").asText()
                  + " "
                  + event.path("from").asText()
                  + ">"
                  + event.path("to").asText()
                  + " "
                  + event.path("reason").asText());
        }
      }
      assertThat(switches)
          .containsExactlyInAnyOrder(
              "ipv4 >isp1 STARTUP", "ipv6 >isp1 STARTUP", "ipv6 isp1>isp2 FAILOVER");
    } finally {
      daemon.stopAsync();
      component.scheduler().runDueTasks();
      daemon.awaitStopped(Duration.ofSeconds(5));
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
