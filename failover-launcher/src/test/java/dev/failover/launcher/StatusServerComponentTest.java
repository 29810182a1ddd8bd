package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.api.Provider;
import dev.failover.launcher.config.JacksonTrees;
import dev.failover.launcher.metrics.MetricsAssertions;
import dev.failover.testkit.TestProviders;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP listener of a daemon built with fakes: {@code /metrics} parsed strictly after a switch,
 * the page's JSON, the read-only and 404 rules, the security headers, a listener that cannot bind,
 * and a flood of requests while the engine ticks.
 */
class StatusServerComponentTest {
  @TempDir Path dir;

  private final List<Provider> providers = TestProviders.withSharedGateway(2);
  private ObservabilityTestSupport support;

  @AfterEach
  void stop() {
    if (support != null) {
      support.stop();
    }
  }

  private ObservabilityTestSupport started() {
    support =
        new ObservabilityTestSupport(
            providers, ObservabilityTestSupport.config(providers, dir, "127.0.0.1:0"));
    support.startWithFirstProviderMain();
    return support;
  }

  @Test
  void metrics_afterASwitch_parseStrictlyAndCountTheSwitch() throws Exception {
    ObservabilityTestSupport s = started();
    s.tick(3);
    s.failFirstProviderUntilSwitch();

    HttpResponse<String> response =
        s.get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/openmetrics-text");
    MetricsAssertions.afterSwitch(
        response.body(), providers.get(0).id(), providers.get(1).id(), "FAILOVER");
  }

  @Test
  void metrics_prometheusTextFormat_isServedWithoutAnAcceptHeader() throws Exception {
    ObservabilityTestSupport s = started();

    HttpResponse<String> response = s.get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("text/plain; version=0.0.4");
    assertThat(response.body())
        .contains("# TYPE failover_switches_total counter")
        .contains("failover_switches_total{family=\"ipv4\",reason=\"STARTUP\"} 1.0");
  }

  @Test
  void statusApi_afterASwitch_holdsTheDocumentTheSamplesAndTheTimeline() throws Exception {
    ObservabilityTestSupport s = started();
    s.tick(3);
    s.failFirstProviderUntilSwitch();

    HttpResponse<String> response = s.get("/api/status");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .startsWith("application/json");
    ObjectNode json = JacksonTrees.readJsonObject(response.body());
    assertThat(json.path("format").asInt()).isEqualTo(1);
    assertThat(json.path("status").path("main").path("provider").asText())
        .isEqualTo(providers.get(1).id());
    assertThat(json.path("status").path("providers")).hasSize(2);
    JsonNode first = json.path("samples").path(providers.get(0).id());
    assertThat(first.path("t").size()).isPositive();
    assertThat(first.path("rtt_ms").size()).isEqualTo(first.path("t").size());
    double maxLoss = 0;
    for (JsonNode loss : first.path("loss_percent")) {
      maxLoss = Math.max(maxLoss, loss.asDouble());
    }
    assertThat(maxLoss).as("the failing provider's loss").isPositive();
    List<String> switches = new ArrayList<>();
    for (JsonNode event : json.path("timeline")) {
      if (event.path("kind").asText().equals("main_switched")) {
        switches.add(
            event.path("from").asText()
                + "->"
                + event.path("to").asText()
                + " "
                + event.path("reason").asText());
      }
    }
    assertThat(switches)
        .containsExactly(
            "->" + providers.get(0).id() + " STARTUP",
            providers.get(0).id() + "->" + providers.get(1).id() + " FAILOVER");
  }

  @Test
  void listener_pageAndItsFiles_carryAStrictContentSecurityPolicy() throws Exception {
    ObservabilityTestSupport s = started();

    for (String path : List.of("/", "/status.js", "/status.css", "/api/status", "/metrics")) {
      HttpResponse<String> response = s.get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Security-Policy").orElse(""))
          .as(path)
          .contains("default-src 'none'")
          .contains("script-src 'self'")
          .doesNotContain("unsafe-inline");
      assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }
    assertThat(s.get("/").body()).contains("<script src=\"status.js\"></script>");
  }

  @Test
  void listener_unknownPath_answers404() throws Exception {
    ObservabilityTestSupport s = started();

    assertThat(s.get("/nope").statusCode()).isEqualTo(404);
    assertThat(s.get("/metrics/extra").statusCode()).isEqualTo(404);
    assertThat(s.get("/index.html").statusCode()).isEqualTo(404);
  }

  @Test
  void listener_writingMethods_areRefusedWith405() throws Exception {
    ObservabilityTestSupport s = started();

    for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
      HttpResponse<String> response = s.send(method, "/api/status");
      assertThat(response.statusCode()).as(method).isEqualTo(405);
      assertThat(response.headers().firstValue("Allow")).contains("GET, HEAD");
    }
    assertThat(s.send("HEAD", "/").statusCode()).isEqualTo(200);
  }

  @Test
  void listener_addressInUse_isLoggedAndTheDaemonStillFailsOver() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      support =
          new ObservabilityTestSupport(
              providers,
              ObservabilityTestSupport.config(providers, dir, "127.0.0.1:" + taken.getLocalPort()));
      support.startWithFirstProviderMain();

      assertThat(support.daemon.httpAddress()).isEmpty();
      support.failFirstProviderUntilSwitch();
      assertThat(support.component.backend().lastApplied().orElseThrow().main())
          .contains(providers.get(1));
    }
  }

  @Test
  void listener_emptyHttpListen_opensNothing() {
    support =
        new ObservabilityTestSupport(
            providers, ObservabilityTestSupport.config(providers, dir, ""));
    support.startWithFirstProviderMain();

    assertThat(support.daemon.httpAddress()).isEmpty();
  }

  /**
   * 16 clients send 400 requests at once while the engine ticks 20 times; every tick runs, the
   * server uses at most its two threads, answers or refuses every request, and answers afterwards.
   */
  @Test
  void listener_requestFlood_neitherHoldsTheTicksNorGrowsThreads() throws Exception {
    ObservabilityTestSupport s = started();
    long ticksBefore = s.daemon.engine().status().ticks();
    ExecutorService clients = Executors.newFixedThreadPool(16);
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    List<Future<?>> requests = new ArrayList<>();
    try {
      for (int i = 0; i < 400; i++) {
        String path = i % 2 == 0 ? "/api/status" : "/metrics";
        requests.add(
            clients.submit(
                () -> {
                  try {
                    if (s.get(path).statusCode() == 200) {
                      answered.incrementAndGet();
                    }
                  } catch (IOException e) {
                    refused.incrementAndGet(); // the bounded queue was full: connection closed
                  }
                  return null;
                }));
      }
      s.tick(20);
      for (Future<?> request : requests) {
        request.get(60, TimeUnit.SECONDS);
      }
    } finally {
      clients.shutdownNow();
    }

    assertThat(s.daemon.engine().status().ticks()).isEqualTo(ticksBefore + 20);
    assertThat(answered.get() + refused.get()).isEqualTo(400);
    assertThat(answered.get()).isPositive();
    assertThat(
            Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("failover-http-") && t.isAlive())
                .count())
        .isLessThanOrEqualTo(2);
    assertThat(s.get("/api/status").statusCode()).isEqualTo(200);
  }
}
