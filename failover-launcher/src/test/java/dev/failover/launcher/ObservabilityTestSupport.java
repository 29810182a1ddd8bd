package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.TestCaseConfig;
import dev.failover.testkit.FakeTestScenario;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A daemon graph with fakes (two providers, one scripted scenario, fake time) and the real hooks,
 * metrics and HTTP listener, for the observability tests; and a small HTTP client.
 */
final class ObservabilityTestSupport {
  /** The most ticks a switch may take; the damped policy needs 3 failed rounds. */
  static final int MAX_TICKS_TO_SWITCH = 20;

  final List<Provider> providers;
  final FakeTestScenario scenario = new FakeTestScenario("fake");
  final FailoverConfig config;
  final TestFailoverComponent component;
  final FailoverDaemon daemon;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ObservabilityTestSupport(List<Provider> providers, FailoverConfig.Builder builder) {
    this.providers = providers;
    this.config = builder.build();
    this.component = TestFailoverComponent.create(config, scenario);
    this.daemon = component.daemon();
  }

  /** A config for {@code providers} with scratch files in {@code dir} and the listener given. */
  static FailoverConfig.Builder config(List<Provider> providers, Path dir, String httpListen) {
    return FailoverConfig.builder()
        .providers(providers)
        .testCases(List.of(new TestCaseConfig("fake", Map.of())))
        .statusFile(dir.resolve("status.json"))
        .stickyProviderFilename(dir.resolve("sticky.provider"))
        .hooksDir(dir.resolve("hooks.d"))
        .httpListen(httpListen);
  }

  /** Starts the daemon and runs the first tick: every provider answers, the first is main. */
  void startWithFirstProviderMain() {
    scenario.always(providers.get(0).id(), TestResult.success(Duration.ofMillis(12)));
    scenario.always(providers.get(1).id(), TestResult.success(Duration.ofMillis(30)));
    daemon.startAsync();
    component.scheduler().runDueTasks();
    assertThat(daemon.engine().status().mainProvider()).contains(providers.get(0).id());
  }

  /** Runs a few more healthy ticks, so that the charts have points. */
  void tick(int count) {
    for (int i = 0; i < count; i++) {
      component.scheduler().advance(daemon.engine().nextTickDelay());
    }
  }

  /** Makes the first provider fail and ticks until the second is main (bounded). */
  void failFirstProviderUntilSwitch() {
    scenario.always(providers.get(0).id(), TestResult.timeout(Duration.ofMillis(200)));
    for (int i = 0; i < MAX_TICKS_TO_SWITCH; i++) {
      component.scheduler().advance(daemon.engine().nextTickDelay());
      if (daemon.engine().status().mainProvider().orElse("").equals(providers.get(1).id())) {
        return;
      }
    }
    throw new AssertionError(
        "no switch within " + MAX_TICKS_TO_SWITCH + " ticks: " + daemon.engine().status());
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + daemon.httpAddress().orElseThrow().getPort() + path);
  }

  HttpResponse<String> get(String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(10))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Stops the daemon: the fake scheduler runs the services' stop, the listener closes. */
  void stop() {
    daemon.stopAsync();
    component.scheduler().runDueTasks();
    assertThat(daemon.awaitStopped(Duration.ofSeconds(5))).as("the daemon stopped").isTrue();
  }
}
