package dev.failover.core;

import static dev.failover.core.DualStackFixtures.dual;
import static dev.failover.core.DualStackFixtures.ipv6Only;
import static dev.failover.core.Fixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.AddressFamily;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.RouteBackend;
import dev.failover.api.TestScenario;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeRouteBackend;
import dev.failover.testkit.FakeTestScenario;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The rules of an engine of one address family (issue 16): which providers and scenarios it takes,
 * what it refuses at construction, and the resolutions of its family. The two families side by side
 * are in {@code scenario/DualStackEnginesTest}.
 */
class FailoverEngineFamilyTest {
  private final FakeClock clock = new FakeClock();
  private final FakeRouteBackend backend = new FakeRouteBackend();
  private final FakeTestScenario ping4 = new FakeTestScenario("ping 192.0.2.1");
  private final FakeTestScenario ping6 =
      new FakeTestScenario("ping 2001:db8::1", AddressFamily.IPV6);

  private TestEngines v6(List<Provider> providers) {
    return TestEngines.with(clock, backend)
        .providers(providers)
        .scenario(ping4)
        .scenario(ping6)
        .settings(DualStackFixtures.settings(AddressFamily.IPV6));
  }

  @Test
  void settings_default_isIpv4() {
    assertThat(EngineSettings.defaults().family()).isEqualTo(AddressFamily.IPV4);
    assertThat(TestEngines.with(clock, backend).scenario(ping4).build().family())
        .isEqualTo(AddressFamily.IPV4);
  }

  @Test
  void new_ipv4EngineWithIpv6OnlyProvider_leavesItOut() {
    FailoverEngine engine =
        TestEngines.with(clock, backend)
            .providers(List.of(dual(1), ipv6Only(2), provider(3)))
            .scenario(ping4)
            .scenario(ping6)
            .build();

    assertThat(engine.providers().ids()).containsExactly("isp1", "isp3");
    assertThat(engine.scenarios().global()).containsExactly(ping4);
  }

  @Test
  void new_ipv6Engine_takesIpv6ProvidersAndScenarios() {
    FailoverEngine engine = v6(List.of(dual(1), ipv6Only(2), provider(3))).build();

    assertThat(engine.family()).isEqualTo(AddressFamily.IPV6);
    assertThat(engine.providers().ids()).containsExactly("isp1", "isp2");
    assertThat(engine.scenarios().global()).containsExactly(ping6);
    assertThat(engine.resolutions().values())
        .allSatisfy(
            r -> {
              assertThat(r.isResolved()).isTrue();
              assertThat(r.family()).isEqualTo(AddressFamily.IPV6);
            });
  }

  @Test
  void new_noProviderHasTheFamily_namesTheFamily() {
    assertThatThrownBy(() -> v6(List.of(provider(1), provider(2))).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no provider has IPv6");
  }

  @Test
  void new_noScenarioOfTheFamily_namesProviderAndFamily() {
    assertThatThrownBy(
            () ->
                TestEngines.with(clock, backend)
                    .providers(List.of(dual(1)))
                    .scenario(ping4)
                    .settings(DualStackFixtures.settings(AddressFamily.IPV6))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("provider 'isp1' has IPv6 but runs no IPv6 test case");
  }

  @Test
  void new_ownIpv4ScenariosInsteadOfGlobal_providerRunsNoIpv6TestCase() {
    assertThatThrownBy(
            () ->
                v6(List.of(dual(1), dual(2)))
                    .ownScenarios("isp2", false, new FakeTestScenario("ping 198.51.100.1"))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("provider 'isp2' has IPv6 but runs no IPv6 test case");
  }

  @Test
  void new_ownScenariosOfProviderWithoutTheFamily_areDropped() {
    FailoverEngine engine =
        v6(List.of(dual(1), provider(2)))
            .ownScenarios("isp2", true, new FakeTestScenario("ping 198.51.100.1"))
            .build();

    assertThat(engine.scenarios().withOwnScenarios()).isEmpty();
    assertThat(engine.scenarios().forProvider("isp1")).containsExactly(ping6);
  }

  @Test
  void new_backendWithoutIpv6_isRefused() {
    RouteBackend ipv4Only = desired -> ApplyOutcome.complete();

    assertThatThrownBy(
            () ->
                TestEngines.with(clock, ipv4Only)
                    .providers(List.of(dual(1)))
                    .scenario(ping6)
                    .settings(DualStackFixtures.settings(AddressFamily.IPV6))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not serve IPv6");
  }

  @Test
  void providerResolved_ipv6LearnedLater_probedAndRoutedOnceResolved() {
    Provider learning = provider(2).withIpv6(null, null, Ipv6.parse("fe80::1"));
    Provider learned =
        provider(2)
            .withIpv6(
                Ipv6.parse("2001:db8:7::2"),
                Ipv6Network.parse("2001:db8:7::/64"),
                Ipv6.parse("fe80::1"));
    FailoverEngine engine = v6(List.of(dual(1), learning)).build();

    engine.runOnce();
    assertThat(engine.resolutions().get("isp2").isResolved()).isFalse();
    assertThat(ping6.calls("isp2")).isZero();

    assertThat(engine.providerResolved(ProviderResolution.resolved(learned, AddressFamily.IPV6)))
        .isTrue();
    engine.runOnce();

    assertThat(ping6.calls("isp2")).isEqualTo(1);
    assertThat(backend.lastApplied().orElseThrow().routes())
        .extracting(r -> r.provider().id())
        .containsExactly("isp1", "isp2");
  }

  @Test
  void providerResolved_otherFamily_isRefused() {
    FailoverEngine engine = v6(List.of(dual(1))).build();

    assertThatThrownBy(() -> engine.providerResolved(ProviderResolution.resolved(dual(1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("an IPv6 engine takes IPv6 resolutions")
        .hasMessageContaining("'isp1' is IPv4");
  }

  @Test
  void providerResolved_providerWithoutTheFamily_isRefused() {
    FailoverEngine engine = v6(List.of(dual(1), provider(2))).build();

    assertThatThrownBy(
            () ->
                engine.providerResolved(
                    ProviderResolution.unconfigured("isp2", AddressFamily.IPV6, "no RA")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no configured provider with IPv6 has id 'isp2'");
  }

  @Test
  void scenarioFamily_default_isIpv4() {
    TestScenario plugin =
        new TestScenario() {
          @Override
          public String name() {
            return "plugin";
          }

          @Override
          public dev.failover.api.TestResult check(Provider provider, java.time.Duration timeout) {
            return Fixtures.ok();
          }
        };

    assertThat(plugin.family()).isEqualTo(AddressFamily.IPV4);
    assertThat(ProviderScenarios.shared(List.of(plugin, ping6)).families())
        .containsExactly(AddressFamily.IPV4, AddressFamily.IPV6);
  }
}
