package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.RoutingState;
import dev.failover.api.TestResult;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.TestCaseConfig;
import dev.failover.testkit.FakeTestScenario;
import dev.failover.testkit.TestProviders;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's graph with a dual-stack config (issue 16): one engine per address family, driven on
 * a {@code FakeScheduler}. isp1 and isp2 have IPv4 and IPv6, isp3 IPv4 only.
 */
class FailoverComponentDualStackTest {
  @TempDir Path dir;

  private final List<Provider> providers = dualStack(TestProviders.withSharedGateway(3));
  private final FakeTestScenario v4 = new FakeTestScenario("fake");
  private final FakeTestScenario v6 = new FakeTestScenario("fake6", AddressFamily.IPV6);

  /** isp1 and isp2 with IPv6 ({@code 2001:db8:<i>::2/64} via {@code fe80::1}), the rest without. */
  private static List<Provider> dualStack(List<Provider> ipv4) {
    return List.of(withIpv6(ipv4.get(0), 1), withIpv6(ipv4.get(1), 2), ipv4.get(2));
  }

  private static Provider withIpv6(Provider provider, int i) {
    return provider.withIpv6(
        Ipv6.parse("2001:db8:" + i + "::2"),
        Ipv6Network.parse("2001:db8:" + i + "::/64"),
        Ipv6.parse("fe80::1"));
  }

  private FailoverConfig config(List<Provider> providers) {
    return FailoverConfig.builder()
        .providers(providers)
        .testCases(List.of(new TestCaseConfig("fake", Map.of())))
        .statusFile(dir.resolve("status.json"))
        .stickyProviderFilename(dir.resolve("sticky.provider"))
        .hooksDir(dir.resolve("hooks.d"))
        .httpListen("")
        .build();
  }

  private TestFailoverComponent started(List<Provider> providers) {
    TestFailoverComponent component =
        TestFailoverComponent.create(config(providers), List.of(v4, v6));
    component.daemon().startAsync();
    component.scheduler().runDueTasks();
    return component;
  }

  private static Optional<String> main(TestFailoverComponent component, AddressFamily family) {
    return component.backend().current(family).flatMap(RoutingState::main).map(Provider::id);
  }

  @Test
  void daemon_dualStackConfig_runsOneEngineOfEachFamilyAndAppliesBothMains() {
    TestFailoverComponent component = started(providers);

    FailoverDaemon daemon = component.daemon();
    assertThat(daemon.engine(AddressFamily.IPV4).orElseThrow().family())
        .isEqualTo(AddressFamily.IPV4);
    assertThat(daemon.engine(AddressFamily.IPV6).orElseThrow().family())
        .isEqualTo(AddressFamily.IPV6);
    assertThat(main(component, AddressFamily.IPV4)).contains("isp1");
    assertThat(main(component, AddressFamily.IPV6)).contains("isp1");
    // The IPv6 engine probes only the providers that have IPv6.
    assertThat(v6.calls("isp3")).isZero();
    assertThat(v4.calls("isp3")).isEqualTo(1);
    assertThat(component.scheduler().failures()).isEmpty();
  }

  @Test
  void daemon_ipv6OnlyOutageOfTheMain_movesTheIpv6MainAndLeavesIpv4Alone() {
    v6.always("isp1", TestResult.failure(Duration.ofMillis(5), "no IPv6"));
    TestFailoverComponent component = started(providers);
    FailoverConfig config = config(providers);

    component.scheduler().advance(config.fastCheckInterval());
    component.scheduler().advance(config.fastCheckInterval());

    assertThat(main(component, AddressFamily.IPV6)).contains("isp2");
    assertThat(main(component, AddressFamily.IPV4)).contains("isp1");
    assertThat(component.backend().applied())
        .filteredOn(state -> state.family() == AddressFamily.IPV4)
        .allSatisfy(state -> assertThat(state.main().map(Provider::id)).contains("isp1"));
  }

  @Test
  void daemon_linkOfTheMainGoesDown_movesBothFamiliesAtOnceWithoutProbing() {
    TestFailoverComponent component = started(providers);
    assertThat(main(component, AddressFamily.IPV4)).contains("isp1");
    assertThat(main(component, AddressFamily.IPV6)).contains("isp1");

    component.links().change("eth1", false);
    component.scheduler().runDueTasks();

    assertThat(main(component, AddressFamily.IPV4)).contains("isp2");
    assertThat(main(component, AddressFamily.IPV6)).contains("isp2");
    assertThat(v4.calls("isp1")).isEqualTo(1);
    assertThat(v6.calls("isp1")).isEqualTo(1);
  }

  @Test
  void daemon_stickyFileNamesADualStackProvider_forcesItInBothFamilies() throws Exception {
    Files.writeString(dir.resolve("sticky.provider"), "isp2\n");

    TestFailoverComponent component = started(providers);

    assertThat(main(component, AddressFamily.IPV4)).contains("isp2");
    assertThat(main(component, AddressFamily.IPV6)).contains("isp2");
  }

  @Test
  void daemon_stickyFileNamesAnIpv4OnlyProvider_forcesItInIpv4Only() throws Exception {
    Files.writeString(dir.resolve("sticky.provider"), "isp3\n");

    TestFailoverComponent component = started(providers);

    assertThat(main(component, AddressFamily.IPV4)).contains("isp3");
    assertThat(main(component, AddressFamily.IPV6)).contains("isp1");
  }

  @Test
  void daemon_stopped_stopsBothEnginesAndLeavesTheRoutesOfBothFamilies() {
    TestFailoverComponent component = started(providers);
    List<RoutingState> before = component.backend().applied();
    FailoverDaemon daemon = component.daemon();

    daemon.stopAsync();
    component.scheduler().runDueTasks();

    assertThat(daemon.awaitStopped(Duration.ofSeconds(5))).isTrue();
    assertThat(daemon.failed()).isFalse();
    assertThat(component.backend().applied()).isEqualTo(before);
    assertThat(component.closingBackend().closes()).isEqualTo(1);
  }

  @Test
  void daemon_backendServesIpv4Only_isRefusedNamingTheIpv6Providers() {
    TestFailoverComponent component =
        TestFailoverComponent.create(config(providers), List.of(v4, v6));
    component.closingBackend().serveIpv4Only();

    assertThatThrownBy(component::daemon)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("providers [isp1, isp2] have IPv6")
        .hasMessageContaining("route backend routes IPv4 only");
  }

  @Test
  void daemon_configWithoutIpv6_runsTheIpv4EngineAloneAlsoOnAnIpv4OnlyBackend() {
    TestFailoverComponent component =
        TestFailoverComponent.create(config(TestProviders.withSharedGateway(2)), List.of(v4, v6));
    component.closingBackend().serveIpv4Only();
    component.daemon().startAsync();
    component.scheduler().runDueTasks();

    assertThat(component.daemon().engine(AddressFamily.IPV6)).isEmpty();
    assertThat(component.backend().applied())
        .isNotEmpty()
        .allSatisfy(state -> assertThat(state.family()).isEqualTo(AddressFamily.IPV4));
    assertThat(v6.calls("isp1")).isZero();
  }

  @Test
  void daemon_mainLosesItsIpv4AddressOnly_movesTheIpv4MainAndLeavesIpv6Alone() {
    TestFailoverComponent component = started(providers);

    component.links().change("eth1", AddressFamily.IPV4, false);
    component.scheduler().runDueTasks();

    assertThat(main(component, AddressFamily.IPV4)).contains("isp2");
    assertThat(main(component, AddressFamily.IPV6)).contains("isp1");
  }

  @Test
  void startAsync_learnedValuesOfBothFamilies_arePreparedBeforeTheFirstRound() {
    // isp1 learns everything: a DHCP lease and SLAAC with a router advertisement.
    Provider learning =
        Provider.of("isp1", "eth1", null, null, null, "isp1", 101).withIpv6(null, null, null);
    Provider leased =
        Provider.of("isp1", "eth1", "192.168.1.101", "192.168.1.0/24", "192.168.1.1", "isp1", 101)
            .withIpv6(null, null, null);
    Provider slaac =
        learning.withIpv6(
            Ipv6.parse("2001:db8:1::a"),
            Ipv6Network.parse("2001:db8:1::/64"),
            Ipv6.parse("fe80::1"));
    TestFailoverComponent component =
        TestFailoverComponent.create(config(List.of(learning, providers.get(1))), List.of(v4, v6));
    component
        .links()
        .resolvedAtStart(ProviderResolution.resolved(leased))
        .resolvedAtStart(ProviderResolution.resolved(slaac, AddressFamily.IPV6));

    component.daemon().startAsync();

    assertThat(component.preparation().learned())
        .containsExactly(
            ProviderResolution.resolved(leased),
            ProviderResolution.resolved(slaac, AddressFamily.IPV6));
    component.scheduler().runDueTasks();
    assertThat(main(component, AddressFamily.IPV6)).contains("isp1");
    assertThat(component.backend().current(AddressFamily.IPV6).orElseThrow().main().orElseThrow())
        .isEqualTo(slaac);
  }
}
