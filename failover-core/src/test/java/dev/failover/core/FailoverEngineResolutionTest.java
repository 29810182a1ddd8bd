package dev.failover.core;

import static dev.failover.core.Fixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.ProviderState;
import dev.failover.api.RoutingState;
import dev.failover.api.SwitchReason;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeRouteBackend;
import dev.failover.testkit.FakeTestScenario;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Providers that learn their values from their interface (issue 10): unconfigured ones are not
 * probed, never main and get no routes; resolved ones are probed and routed with the values in
 * force, which may change without losing the history.
 */
class FailoverEngineResolutionTest {
  private final FakeClock clock = new FakeClock();
  private final FakeRouteBackend backend = new FakeRouteBackend();
  private final FakeTestScenario ping = new FakeTestScenario("ping");
  private final RecordingListener listener = new RecordingListener();

  /** isp2 on eth2 as configured for DHCP: only its identity and table. */
  private static final Provider DHCP = new Provider("isp2", "eth2", null, null, null, "isp2", 102);

  private static Provider leased(String address, String gateway) {
    return Provider.of("isp2", "eth2", address, "10.0.7.0/24", gateway, "isp2", 102);
  }

  private FailoverEngine engine() {
    return TestEngines.with(clock, backend)
        .providers(List.of(provider(1), DHCP, provider(3)))
        .scenario(ping)
        .listener(listener)
        .build();
  }

  private EngineStatus tick(FailoverEngine engine, int n) {
    EngineStatus status = engine.status();
    for (int i = 0; i < n; i++) {
      status = engine.runOnce();
      clock.advance(engine.settings().checkInterval());
    }
    return status;
  }

  @Test
  void start_learningProvider_isUnconfiguredNotProbedAndHasNoRoute() {
    FailoverEngine engine = engine();

    EngineStatus status = tick(engine, 3);

    assertThat(ping.calls("isp2")).isZero();
    assertThat(ping.calls("isp1")).isEqualTo(3);
    assertThat(status.provider("isp2").orElseThrow().unconfiguredReason())
        .hasValue("not learned from interface eth2 yet");
    assertThat(status.provider("isp2").orElseThrow().selectable()).isFalse();
    assertThat(status.mainProviderId()).isEqualTo("isp1");
    assertThat(backend.lastApplied())
        .contains(RoutingState.ranked(List.of(provider(1), provider(3)), 100));
  }

  @Test
  void providerResolved_probesWithTheLearnedValuesAndRoutesThem() {
    FailoverEngine engine = engine();
    tick(engine, 2);

    assertThat(
            engine.providerResolved(ProviderResolution.resolved(leased("10.0.7.20", "10.0.7.1"))))
        .isTrue();
    EngineStatus status = tick(engine, 2);

    assertThat(ping.lastChecked("isp2")).contains(leased("10.0.7.20", "10.0.7.1"));
    assertThat(status.provider("isp2").orElseThrow().state()).isEqualTo(ProviderState.UP);
    assertThat(status.ranking()).containsExactly("isp1", "isp2", "isp3");
    assertThat(backend.lastApplied())
        .contains(
            RoutingState.ranked(
                List.of(provider(1), leased("10.0.7.20", "10.0.7.1"), provider(3)), 100));
  }

  @Test
  void providerResolved_newLease_appliesTheNewValuesAndKeepsTheHistory() {
    FailoverEngine engine = engine();
    engine.providerResolved(ProviderResolution.resolved(leased("10.0.7.20", "10.0.7.1")));
    tick(engine, 3);
    int rounds = engine.status().provider("isp2").orElseThrow().storedRounds();

    engine.providerResolved(ProviderResolution.resolved(leased("10.0.7.30", "10.0.7.254")));
    EngineStatus status = engine.decideNow();

    assertThat(backend.lastApplied().orElseThrow().routes().get(1).provider())
        .isEqualTo(leased("10.0.7.30", "10.0.7.254"));
    assertThat(status.provider("isp2").orElseThrow().storedRounds()).isEqualTo(rounds);
    assertThat(status.provider("isp2").orElseThrow().state()).isEqualTo(ProviderState.UP);
    assertThat(listener.switches).hasSize(1); // the start only: a new lease is not a switch
  }

  @Test
  void providerUnconfigured_whileMain_failsOverAtOnce() {
    FailoverEngine engine =
        TestEngines.with(clock, backend)
            .providers(List.of(DHCP, provider(1)))
            .scenario(ping)
            .listener(listener)
            .build();
    engine.providerResolved(ProviderResolution.resolved(leased("10.0.7.20", "10.0.7.1")));
    tick(engine, 3);
    assertThat(engine.status().mainProviderId()).isEqualTo("isp2");

    engine.providerResolved(ProviderResolution.unconfigured("isp2", "no IPv4 address yet"));
    EngineStatus status = engine.decideNow();

    assertThat(status.mainProviderId()).isEqualTo("isp1");
    assertThat(status.mainReason()).isEqualTo(SwitchReason.FAILOVER);
    assertThat(backend.lastApplied()).contains(RoutingState.ranked(List.of(provider(1)), 100));
    int probes = ping.calls("isp2");
    tick(engine, 2);
    assertThat(ping.calls("isp2")).isEqualTo(probes);
  }

  @Test
  void everyProviderUnconfigured_decidesNothingAndAppliesNothing() {
    FailoverEngine engine =
        TestEngines.with(clock, backend).providers(List.of(DHCP)).scenario(ping).build();

    EngineStatus status = tick(engine, 3);

    assertThat(status.mainProviderId()).isNull();
    assertThat(backend.attempts()).isZero();
    assertThat(status.interval()).isEqualTo(engine.settings().checkInterval());
  }

  @Test
  void providerResolved_sameResolutionTwice_changesNothing() {
    FailoverEngine engine = engine();
    ProviderResolution lease = ProviderResolution.resolved(leased("10.0.7.20", "10.0.7.1"));

    assertThat(engine.providerResolved(lease)).isTrue();
    assertThat(engine.providerResolved(lease)).isFalse();
    assertThat(engine.resolutions().get("isp2")).isEqualTo(lease);
  }

  @Test
  void providerResolved_contradictingTheConfig_isRefused() {
    FailoverEngine engine = engine();
    Provider otherInterface =
        Provider.of("isp2", "eth9", "10.0.7.20", "10.0.7.0/24", "10.0.7.1", "isp2", 102);
    Provider otherAddress =
        Provider.of("isp1", "eth1", "10.0.1.9", "10.0.1.0/24", "10.0.1.1", "isp1", 101);

    assertThatThrownBy(() -> engine.providerResolved(ProviderResolution.resolved(otherInterface)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contradict its configuration");
    assertThatThrownBy(() -> engine.providerResolved(ProviderResolution.resolved(otherAddress)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> engine.providerResolved(ProviderResolution.unconfigured("isp9", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("isp9");
  }
}
