package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.failover.api.Provider;
import dev.failover.launcher.http.HeadlessChromium;
import dev.failover.testkit.TestProviders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real headless browser (Debian's chromium), served by a daemon built with
 * fakes on 127.0.0.1 and an ephemeral port: every provider is rendered with its charts, and a
 * switch made after the page loaded appears in its timeline without a reload; a dual-stack
 * daemon's page shows both families.
 *
 * <p>Skipped, with the reason, where chromium is not installed or the test is not root (CI installs
 * chromium and runs as root). Every wait is a condition polled in the browser, bounded. The
 * screenshot goes to {@code target/status-page.png} (docs/operations.md shows one).
 */
class StatusPageBrowserTest {
  private static final Duration LIMIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private final List<Provider> providers = TestProviders.withSharedGateway(3);
  private ObservabilityTestSupport support;

  @AfterEach
  void stop() {
    if (support != null) {
      support.stop();
    }
  }

  @Test
  void page_inChromium_rendersEveryProviderAndShowsANewSwitchWithoutAReload() throws Exception {
    Optional<String> unavailable = HeadlessChromium.unavailableReason();
    assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse(""));
    support =
        new ObservabilityTestSupport(
            providers, ObservabilityTestSupport.config(providers, dir, "127.0.0.1:0"));
    support.startWithFirstProviderMain();
    support.tick(30);

    try (HeadlessChromium browser =
        HeadlessChromium.start(Files.createDirectory(dir.resolve("profile")), 1200, 900)) {
      browser.navigate(support.uri("/").toString());

      JsonNode cards =
          browser.awaitValue(
              "Array.from(document.querySelectorAll('article.provider')).map(a =>"
                  + " a.dataset.provider + ' ' + a.dataset.state + ' ' + a.dataset.main + ' '"
                  + " + a.querySelector('svg.rtt').dataset.points)",
              value -> value.size() == providers.size(),
              LIMIT);
      for (int i = 0; i < providers.size(); i++) {
        String[] card = cards.get(i).asText().split(" ");
        assertThat(card[0]).isEqualTo(providers.get(i).id());
        assertThat(card[1]).isEqualTo("UP");
        assertThat(card[2]).isEqualTo(String.valueOf(i == 0));
        assertThat(Integer.parseInt(card[3])).as("RTT chart points of %s", card[0]).isPositive();
      }
      assertThat(browser.evaluate("document.querySelectorAll('svg.rtt polyline').length").asInt())
          .isPositive();
      // A mark in the page's memory: a reload would lose it.
      browser.evaluate("window.loadedOnce = 'yes'");
      assertThat(timelineText(browser)).doesNotContain("FAILOVER");

      support.failFirstProviderUntilSwitch();

      JsonNode row =
          browser.awaitValue(
              "Array.from(document.querySelectorAll('#timeline tr[data-kind=main_switched]'))"
                  + ".map(r => r.textContent).join('\\n')",
              value -> value.asText().contains("FAILOVER"),
              LIMIT);
      assertThat(row.asText())
          .contains(providers.get(0).id() + " \u2192 " + providers.get(1).id() + " (FAILOVER)");
      assertThat(browser.evaluate("window.loadedOnce").asText()).isEqualTo("yes");
      assertThat(browser.evaluate("performance.getEntriesByType('navigation').length").asInt())
          .isEqualTo(1);
      browser.awaitValue(
          "document.querySelector('article.provider.main').dataset.provider",
          value -> value.asText().equals(providers.get(1).id()),
          LIMIT);
      Files.write(Path.of("target", "status-page.png"), browser.screenshot());
    }
  }

  /**
   * A dual-stack daemon after an IPv6-only outage of isp1: the page shows both main providers,
   * each provider's verdict per family, and the IPv6 switch in the timeline, marked IPv6.
   */
  @Test
  void page_dualStackDaemon_showsTheIpv6MainAndEachFamilysVerdicts() throws Exception {
    Optional<String> unavailable = HeadlessChromium.unavailableReason();
    assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse(""));
    TestFailoverComponent component = DualStackStatuses.ipv6OutageOfIsp1(dir, "127.0.0.1:0");
    FailoverDaemon daemon = component.daemon();
    try (HeadlessChromium browser =
        HeadlessChromium.start(Files.createDirectory(dir.resolve("profile")), 1200, 1100)) {
      browser.navigate(
          "http://127.0.0.1:" + daemon.httpAddress().orElseThrow().getPort() + "/");

      JsonNode cards =
          browser.awaitValue(
              "Array.from(document.querySelectorAll('article.provider')).map(a =>"
                  + " a.dataset.provider + ' ' + a.dataset.family + ' ' + a.dataset.main)",
              value -> value.size() == 5,
              LIMIT);
      List<String> shown = new ArrayList<>();
      cards.forEach(card -> shown.add(card.asText()));
      assertThat(shown)
          .containsExactly(
              "isp1 ipv4 true",
              "isp1 ipv6 false",
              "isp2 ipv4 false",
              "isp2 ipv6 true",
              "isp3 ipv4 false");
      assertThat(browser.evaluate("document.getElementById('main-name').textContent").asText())
          .isEqualTo("isp1 is IPv4 main");
      assertThat(
              browser.evaluate("document.getElementById('main-name-ipv6').textContent").asText())
          .isEqualTo("isp2 is IPv6 main");
      assertThat(browser.evaluate("document.getElementById('summary').textContent").asText())
          .startsWith("IPv4 main: isp1 \u00b7 IPv6 main: isp2 \u00b7 ");
      assertThat(
              browser
                  .evaluate(
                      "document.querySelector('article[data-provider=isp1][data-family=ipv6]')"
                          + ".dataset.state")
                  .asText())
          .isNotEqualTo("UP");
      assertThat(
              browser
                  .evaluate(
                      "Array.from(document.querySelectorAll("
                          + "'#timeline tr[data-kind=main_switched][data-family=ipv6]'))"
                          + ".map(r => r.textContent).join('\\n')")
                  .asText())
          .contains("IPv6 main: isp1 \u2192 isp2 (FAILOVER)");
      Files.write(Path.of("target", "status-page-dual-stack.png"), browser.screenshot());
    } finally {
      daemon.stopAsync();
      component.scheduler().runDueTasks();
      daemon.awaitStopped(Duration.ofSeconds(5));
    }
  }

  private static String timelineText(HeadlessChromium browser) throws Exception {
    return browser.evaluate("document.querySelector('#timeline').textContent").asText();
  }
}
