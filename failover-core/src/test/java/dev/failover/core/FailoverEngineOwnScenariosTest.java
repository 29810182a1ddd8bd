package dev.failover.core;

import static dev.failover.core.Fixtures.fail;
import static dev.failover.core.Fixtures.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.ProbeRound;
import dev.failover.api.ProviderHistory;
import dev.failover.api.TestResult;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeRouteBackend;
import dev.failover.testkit.FakeTestScenario;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Providers with test cases of their own: in addition to the global ones, or instead of them. */
class FailoverEngineOwnScenariosTest {
  private final FakeClock clock = new FakeClock();
  private final FakeRouteBackend backend = new FakeRouteBackend();
  private final FakeTestScenario global = new FakeTestScenario("ping 192.0.2.1");
  private final FakeTestScenario ispDns = new FakeTestScenario("ping 198.51.100.53");
  private final FakeTestScenario farEnd = new FakeTestScenario("ping 10.8.0.1");

  private TestEngines engine() {
    return TestEngines.with(clock, backend).scenario(global);
  }

  private static ProbeRound newest(FailoverEngine engine, String id) {
    ProviderHistory history =
        engine.history().snapshot().stream()
            .filter(h -> h.provider().id().equals(id))
            .findFirst()
            .orElseThrow();
    return history.rounds().get(history.size() - 1);
  }

  @Test
  void runOnce_ownScenarioInAddition_runsOnlyForItsProviderAfterGlobal() {
    ispDns.always("isp1", TestResult.failure(Duration.ofMillis(3), "refused"));
    FailoverEngine engine = engine().ownScenarios("isp1", true, ispDns).build();

    engine.runOnce();

    assertThat(global.calls("isp1")).isEqualTo(1);
    assertThat(global.calls("isp2")).isEqualTo(1);
    assertThat(global.calls("isp3")).isEqualTo(1);
    assertThat(ispDns.calls("isp1")).isEqualTo(1);
    assertThat(ispDns.calls("isp2")).isZero();
    assertThat(ispDns.calls("isp3")).isZero();
    assertThat(ispDns.lastChecked("isp1")).isPresent();
    // The global result first, then the provider's own.
    assertThat(newest(engine, "isp1").results()).hasSize(2);
    assertThat(newest(engine, "isp1").results().get(0).succeeded()).isTrue();
    assertThat(newest(engine, "isp1").results().get(1).succeeded()).isFalse();
    assertThat(newest(engine, "isp2").results()).hasSize(1);
  }

  @Test
  void runOnce_ownScenarioInstead_skipsGlobalForThatProvider() {
    global.always("isp2", fail());
    farEnd.always("isp2", ok());
    FailoverEngine engine = engine().ownScenarios("isp2", false, farEnd).build();

    engine.runOnce();

    assertThat(global.calls("isp1")).isEqualTo(1);
    assertThat(global.calls("isp2")).isZero();
    assertThat(global.lastChecked("isp2")).isEmpty();
    assertThat(global.calls("isp3")).isEqualTo(1);
    assertThat(farEnd.calls("isp2")).isEqualTo(1);
    assertThat(farEnd.calls("isp1")).isZero();
    assertThat(newest(engine, "isp2").results()).hasSize(1);
    assertThat(newest(engine, "isp2").results().get(0).succeeded()).isTrue();
  }

  @Test
  void runOnce_everyProviderReplacesEmptyGlobal_eachRunsItsOwn() {
    FailoverEngine engine =
        TestEngines.with(clock, backend)
            .providers(Fixtures.providers(2))
            .ownScenarios("isp1", false, ispDns)
            .ownScenarios("isp2", false, farEnd)
            .build();

    engine.runOnce();

    assertThat(ispDns.calls("isp1")).isEqualTo(1);
    assertThat(ispDns.calls("isp2")).isZero();
    assertThat(farEnd.calls("isp2")).isEqualTo(1);
    assertThat(farEnd.calls("isp1")).isZero();
  }

  @Test
  void constructor_providerLeftWithoutScenarios_rejectedNamingIt() {
    assertThatThrownBy(
            () ->
                TestEngines.with(clock, backend)
                    .providers(Fixtures.providers(2))
                    .ownScenarios("isp1", false, ispDns)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("provider 'isp2' runs no test case");
  }

  @Test
  void constructor_ownScenariosOfUnknownProvider_rejected() {
    assertThatThrownBy(() -> engine().ownScenarios("isp9", true, ispDns).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'isp9'");
  }

  @Test
  void scenarios_sameNameAsGlobalWhenKept_rejected() {
    FakeTestScenario twin = new FakeTestScenario("ping 192.0.2.1");

    assertThatThrownBy(
            () -> ProviderScenarios.shared(List.of(global)).withOwn("isp1", List.of(twin), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContainingAll("provider 'isp1'", "'ping 192.0.2.1' appears twice");
  }

  @Test
  void scenarios_sameNameAsGlobalWhenReplaced_accepted() {
    FakeTestScenario twin = new FakeTestScenario("ping 192.0.2.1");

    ProviderScenarios scenarios =
        ProviderScenarios.shared(List.of(global)).withOwn("isp1", List.of(twin), false);

    assertThat(scenarios.forProvider("isp1")).containsExactly(twin);
    assertThat(scenarios.forProvider("isp2")).containsExactly(global);
    assertThat(scenarios.replacingGlobal()).containsExactly("isp1");
    assertThat(scenarios.sharedCount()).isEqualTo(1);
  }

  @Test
  void forProvider_inAddition_globalFirstThenOwn() {
    ProviderScenarios scenarios =
        ProviderScenarios.shared(List.of(global)).withOwn("isp1", List.of(ispDns), true);

    assertThat(scenarios.forProvider("isp1")).containsExactly(global, ispDns);
    assertThat(scenarios.replacingGlobal()).isEmpty();
    assertThat(scenarios.allShared()).isFalse();
  }
}
