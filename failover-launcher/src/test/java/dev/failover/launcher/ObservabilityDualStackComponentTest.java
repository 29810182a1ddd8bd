package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.core.EngineStatus;
import dev.failover.core.FailoverEngine;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.TestCaseConfig;
import dev.failover.launcher.metrics.MetricsAssertions;
import dev.failover.testkit.FakeTestScenario;
import dev.failover.testkit.TestProviders;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hooks, the metrics and the keepalived track files of a dual-stack daemon (issue 16), in the
 * daemon's graph with the recording fakes and a {@code FakeScheduler}: an IPv6-only outage runs the
 * hooks with {@code FAILOVER_FAMILY=ipv6}, moves the {@code family="ipv6"} series and the IPv6
 * track file, and leaves IPv4's alone. isp1 and isp2 have IPv4 and IPv6, isp3 IPv4 only.
 */
class ObservabilityDualStackComponentTest {
  /** The most rounds the damped policy takes to judge a provider down (3 at the fast cadence). */
  private static final int MAX_TICKS = 20;

  @TempDir Path dir;

  private final List<Provider> providers = dualStack(TestProviders.withSharedGateway(3));
  private final FakeTestScenario v4 = new FakeTestScenario("fake");
  private final FakeTestScenario v6 = new FakeTestScenario("fake6", AddressFamily.IPV6);

  private static List<Provider> dualStack(List<Provider> ipv4) {
    return List.of(withIpv6(ipv4.get(0), 1), withIpv6(ipv4.get(1), 2), ipv4.get(2));
  }

  private static Provider withIpv6(Provider provider, int i) {
    return provider.withIpv6(
        Ipv6.parse("2001:db8:" + i + "::2"),
        Ipv6Network.parse("2001:db8:" + i + "::/64"),
        Ipv6.parse("fe80::1"));
  }

  private Path track4() {
    return dir.resolve("uplink");
  }

  private Path track6() {
    return dir.resolve("uplink6");
  }

  private FailoverConfig config() {
    return FailoverConfig.builder()
        .providers(providers)
        .testCases(List.of(new TestCaseConfig("fake", Map.of())))
        .statusFile(dir.resolve("status.json"))
        .stickyProviderFilename(dir.resolve("sticky.provider"))
        .hooksDir(dir.resolve("hooks.d"))
        .httpListen("")
        .keepalivedTrackFile(track4())
        .keepalivedTrackFileIpv6(track6())
        .build();
  }

  private TestFailoverComponent started() {
    TestFailoverComponent component = TestFailoverComponent.create(config(), List.of(v4, v6));
    component.daemon().startAsync();
    component.scheduler().runDueTasks();
    return component;
  }

  private static FailoverEngine engine(TestFailoverComponent component, AddressFamily family) {
    return component.daemon().engine(family).orElseThrow();
  }

  /** Fails the IPv6 of every provider that has it, and ticks until IPv6 has no usable uplink. */
  private void loseIpv6Everywhere(TestFailoverComponent component) {
    v6.always("isp1", TestResult.timeout(Duration.ofMillis(200)));
    v6.always("isp2", TestResult.timeout(Duration.ofMillis(200)));
    FailoverEngine six = engine(component, AddressFamily.IPV6);
    for (int i = 0; i < MAX_TICKS; i++) {
      component.scheduler().advance(config().fastCheckInterval());
      if (six.status().providers().stream().noneMatch(EngineStatus.ProviderReport::selectable)) {
        return;
      }
    }
    throw new AssertionError("IPv6 still usable after " + MAX_TICKS + " ticks: " + six.status());
  }

  private static String scrape(TestFailoverComponent component) {
    return OpenMetricsTextFormatWriter.create()
        .toDebugString(component.metrics().registry().scrape());
  }

  private static void stop(TestFailoverComponent component) {
    FailoverDaemon daemon = component.daemon();
    daemon.stopAsync();
    component.scheduler().runDueTasks();
    assertThat(daemon.awaitStopped(Duration.ofSeconds(5))).as("the daemon stopped").isTrue();
  }

  @Test
  void trackFiles_bothFamiliesUsable_writeZeroInEach() throws Exception {
    started();

    assertThat(track4()).hasContent("0");
    assertThat(track6()).hasContent("0");
  }

  @Test
  void trackFiles_ipv6LostEverywhere_writeOneInTheIpv6FileOnly() throws Exception {
    TestFailoverComponent component = started();

    loseIpv6Everywhere(component);

    assertThat(track6()).hasContent("1");
    assertThat(track4()).hasContent("0");
    assertThat(engine(component, AddressFamily.IPV4).status().mainProvider()).contains("isp1");
  }

  @Test
  void trackFiles_ipv6Returns_writeZeroAgain() throws Exception {
    TestFailoverComponent component = started();
    loseIpv6Everywhere(component);
    assertThat(track6()).hasContent("1");

    v6.always("isp2", TestResult.success(Duration.ofMillis(20)));
    FailoverEngine six = engine(component, AddressFamily.IPV6);
    for (int i = 0; i < MAX_TICKS && !six.status().mainProvider().orElse("").equals("isp2"); i++) {
      component.scheduler().advance(config().fastCheckInterval());
    }
    // Bounded: a recovering provider needs its run of successes, then it is selectable again.
    for (int i = 0; i < 10 * MAX_TICKS && Files.readString(track6()).strip().equals("1"); i++) {
      component.scheduler().advance(config().fastCheckInterval());
    }

    assertThat(track6()).hasContent("0");
    assertThat(track4()).hasContent("0");
  }

  @Test
  void trackFiles_linksOfEveryProviderGoDown_writeOneInBoth() throws Exception {
    TestFailoverComponent component = started();

    for (Provider p : providers) {
      component.links().change(p.interfaceName(), false);
    }
    component.scheduler().runDueTasks();

    assertThat(track4()).hasContent("1");
    assertThat(track6()).hasContent("1");
  }

  @Test
  void metrics_dualStack_showBothEnginesStatusUnderTheirFamily() throws Exception {
    TestFailoverComponent component = started();

    String metrics = scrape(component);

    for (String family : List.of("ipv4", "ipv6")) {
      assertThat(
              MetricsAssertions.sample(
                  metrics, "failover_provider_main", "family", family, "provider", "isp1"))
          .isEqualTo(1);
      assertThat(
              MetricsAssertions.sample(
                  metrics, "failover_switches_total", "family", family, "reason", "STARTUP"))
          .isEqualTo(1);
    }
    assertThat(
            MetricsAssertions.sample(
                metrics, "failover_provider_main", "family", "ipv4", "provider", "isp3"))
        .isEqualTo(0);
    // isp3 has no IPv6: no IPv6 series of it.
    assertThatThrownBy(
            () ->
                MetricsAssertions.sample(
                    metrics, "failover_provider_main", "family", "ipv6", "provider", "isp3"))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void metrics_ipv6OnlyOutage_moveTheIpv6SeriesOnly() throws Exception {
    TestFailoverComponent component = started();
    String before = scrape(component);

    loseIpv6Everywhere(component);
    String after = scrape(component);

    assertThat(
            MetricsAssertions.sample(
                after,
                "failover_provider_state",
                "family",
                "ipv6",
                "provider",
                "isp1",
                "state",
                "DOWN"))
        .isEqualTo(1);
    assertThat(
            MetricsAssertions.sample(
                after,
                "failover_provider_state",
                "family",
                "ipv4",
                "provider",
                "isp1",
                "state",
                "UP"))
        .isEqualTo(1);
    assertThat(
            MetricsAssertions.sample(
                after, "failover_provider_probes_lost_total", "family", "ipv6", "provider", "isp1"))
        .isPositive();
    assertThat(
            MetricsAssertions.sample(
                after, "failover_provider_probes_lost_total", "family", "ipv4", "provider", "isp1"))
        .isZero();
    for (String provider : List.of("isp1", "isp2", "isp3")) {
      assertThat(
              MetricsAssertions.sample(
                  after,
                  "failover_provider_state_changes_total",
                  "family",
                  "ipv4",
                  "provider",
                  provider))
          .as("IPv4 state changes of %s", provider)
          .isEqualTo(
              MetricsAssertions.sample(
                  before,
                  "failover_provider_state_changes_total",
                  "family",
                  "ipv4",
                  "provider",
                  provider));
    }
    assertThat(
            MetricsAssertions.sample(
                after, "failover_provider_main", "family", "ipv4", "provider", "isp1"))
        .isEqualTo(1);
  }

  /** The IPv6 of the main provider fails: the hooks hear it, and the IPv6 switch, as IPv6's. */
  @Test
  void hooks_ipv6OnlyOutageOfTheMain_runWithFamilyIpv6AndNoIpv4Change() throws Exception {
    assumeTrue(
        (Integer) Files.getAttribute(dir, "unix:uid") == 0,
        "the daemon runs only hooks owned by root, and this test is not root; skipped");
    Path hooks = Files.createDirectories(dir.resolve("hooks.d"));
    Files.setPosixFilePermissions(hooks, PosixFilePermissions.fromString("rwx------"));
    Path events = dir.resolve("events");
    Path hook = hooks.resolve("10-log");
    Files.writeString(
        hook,
        "#!/bin/sh\n"
            + "echo \"$FAILOVER_EVENT family=${FAILOVER_FAMILY-unset}"
            + " ${FAILOVER_PROVIDER:-}${FAILOVER_TO:-}"
            + " ${FAILOVER_STATE:-}${FAILOVER_SWITCH_REASON:-}\" >> '"
            + events
            + "'\n",
        StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    TestFailoverComponent component = started();

    v6.always("isp1", TestResult.timeout(Duration.ofMillis(200)));
    FailoverEngine six = engine(component, AddressFamily.IPV6);
    for (int i = 0; i < MAX_TICKS && !six.status().mainProvider().orElse("").equals("isp2"); i++) {
      component.scheduler().advance(config().fastCheckInterval());
    }
    assertThat(six.status().mainProvider()).contains("isp2");
    stop(component); // waits (bounded) for the queued hooks, the stopping one included

    List<String> lines = Files.readAllLines(events);
    assertThat(lines)
        .contains(
            "started family=unset  ",
            "provider_state_changed family=ipv6 isp1 DOWN",
            "stopping family=unset  ");
    assertThat(lines)
        .filteredOn(line -> line.startsWith("main_switched"))
        .containsExactlyInAnyOrder(
            "main_switched family=ipv4 isp1 STARTUP",
            "main_switched family=ipv6 isp1 STARTUP",
            "main_switched family=ipv6 isp2 FAILOVER");
    // IPv4's providers changed only at startup (each judged UP), never since.
    assertThat(lines)
        .filteredOn(line -> line.startsWith("provider_state_changed family=ipv4"))
        .hasSize(3)
        .allSatisfy(line -> assertThat(line).endsWith(" UP"));
    assertThat(track6()).hasContent("0"); // isp2's IPv6 still serves
    assertThat(track4()).hasContent("0");
  }

  @Test
  void startedReason_dualStack_namesEveryProviderThenTheIpv6Ones() {
    FailoverDaemon daemon = TestFailoverComponent.create(config(), List.of(v4, v6)).daemon();
    Map<AddressFamily, FailoverEngine> engines = new EnumMap<>(AddressFamily.class);
    engines.put(AddressFamily.IPV4, daemon.engine(AddressFamily.IPV4).orElseThrow());
    engines.put(AddressFamily.IPV6, daemon.engine(AddressFamily.IPV6).orElseThrow());

    assertThat(Observability.startedReason(engines))
        .startsWith(
            "failover started with 3 providers (isp1, isp2, isp3), IPv6 through 2 (isp1, isp2),"
                + " policy '");
    assertThat(
            Observability.startedReason(
                Map.of(AddressFamily.IPV4, engines.get(AddressFamily.IPV4))))
        .startsWith("failover started with 3 providers (isp1, isp2, isp3), policy '");
  }
}
