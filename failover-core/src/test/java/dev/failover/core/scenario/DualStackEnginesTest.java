package dev.failover.core.scenario;

import static dev.failover.core.Fixtures.fail;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.api.RoutingState;
import dev.failover.api.SwitchReason;
import dev.failover.core.DualStackFixtures;
import dev.failover.core.EngineStatus;
import dev.failover.core.FailoverEngine;
import dev.failover.core.RecordingListener;
import dev.failover.core.TestEngines;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeRouteBackend;
import dev.failover.testkit.FakeTestScenario;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two engines side by side over the same providers, one per address family, as the launcher will
 * run them on a dual-stack router (issue 16): each family is probed with its own test cases, judged
 * on its own histories and routed by its own main route, so an outage of one family of an uplink
 * moves that family's main route only. A link going down is told to both, and moves both.
 *
 * <p>Providers ({@link DualStackFixtures#mixed()}): isp1 and isp2 dual-stack, isp3 IPv6 only, isp4
 * IPv4 only; the original policy (reliable after two successes, one failure fails over).
 */
class DualStackEnginesTest {
  private final FakeClock clock = new FakeClock();
  private final FakeRouteBackend backend4 = new FakeRouteBackend();
  private final FakeRouteBackend backend6 = new FakeRouteBackend();
  private final FakeTestScenario ping4 = new FakeTestScenario("ping 192.0.2.1");
  private final FakeTestScenario ping6 =
      new FakeTestScenario("ping 2001:db8::1", AddressFamily.IPV6);
  private final RecordingListener listener4 = new RecordingListener();
  private final RecordingListener listener6 = new RecordingListener();
  private FailoverEngine v4;
  private FailoverEngine v6;

  @BeforeEach
  void twoEngines() {
    List<Provider> providers = DualStackFixtures.mixed();
    v4 =
        TestEngines.with(clock, backend4)
            .providers(providers)
            .scenario(ping4)
            .scenario(ping6)
            .listener(listener4)
            .settings(DualStackFixtures.settings(AddressFamily.IPV4))
            .build();
    v6 =
        TestEngines.with(clock, backend6)
            .providers(providers)
            .scenario(ping4)
            .scenario(ping6)
            .listener(listener6)
            .settings(DualStackFixtures.settings(AddressFamily.IPV6))
            .build();
  }

  /** Ticks both engines {@code n} times, {@code check_interval} apart. */
  private void tickBoth(int n) {
    for (int i = 0; i < n; i++) {
      v4.runOnce();
      v6.runOnce();
      clock.advance(v4.settings().checkInterval());
    }
  }

  private static List<String> ids(RoutingState state) {
    return state.routes().stream().map(r -> r.provider().id()).toList();
  }

  @Test
  void bothEngines_healthy_eachRoutesItsOwnFamilysProviders() {
    tickBoth(2);

    assertThat(v4.status().mainProviderId()).isEqualTo("isp1");
    assertThat(v6.status().mainProviderId()).isEqualTo("isp1");
    RoutingState four = backend4.lastApplied().orElseThrow();
    RoutingState six = backend6.lastApplied().orElseThrow();
    assertThat(four.family()).isEqualTo(AddressFamily.IPV4);
    assertThat(ids(four)).containsExactly("isp1", "isp2", "isp4");
    assertThat(six.family()).isEqualTo(AddressFamily.IPV6);
    assertThat(ids(six)).containsExactly("isp1", "isp2", "isp3");
    assertThat(v6.status().providers())
        .extracting(EngineStatus.ProviderReport::id)
        .containsExactly("isp1", "isp2", "isp3");
  }

  @Test
  void bothEngines_eachProbesOnlyItsFamilyThroughOnlyItsProviders() {
    tickBoth(2);

    assertThat(ping4.calls("isp1")).isEqualTo(2);
    assertThat(ping4.calls("isp3")).isZero();
    assertThat(ping4.calls("isp4")).isEqualTo(2);
    assertThat(ping6.calls("isp1")).isEqualTo(2);
    assertThat(ping6.calls("isp3")).isEqualTo(2);
    assertThat(ping6.calls("isp4")).isZero();
  }

  @Test
  void ipv6OutageOfMain_movesIpv6MainOnlyAndLeavesIpv4Alone() {
    tickBoth(2);
    RoutingState fourBefore = backend4.lastApplied().orElseThrow();
    int fourApplies = backend4.applied().size();

    ping6.always("isp1", fail());
    tickBoth(1);

    assertThat(v6.status().mainProviderId()).isEqualTo("isp2");
    assertThat(v6.status().mainReason()).isEqualTo(SwitchReason.FAILOVER);
    assertThat(ids(backend6.lastApplied().orElseThrow())).containsExactly("isp2", "isp3", "isp1");
    assertThat(v4.status().mainProviderId()).isEqualTo("isp1");
    assertThat(backend4.lastApplied()).contains(fourBefore);
    assertThat(backend4.applied()).hasSize(fourApplies);
    assertThat(listener4.switches).hasSize(1); // the startup only
    assertThat(listener6.switches).hasSize(2);
  }

  @Test
  void ipv4OutageOfMain_movesIpv4MainOnlyAndLeavesIpv6Alone() {
    tickBoth(2);
    RoutingState sixBefore = backend6.lastApplied().orElseThrow();

    ping4.always("isp1", fail());
    tickBoth(1);

    assertThat(v4.status().mainProviderId()).isEqualTo("isp2");
    assertThat(ids(backend4.lastApplied().orElseThrow())).containsExactly("isp2", "isp4", "isp1");
    assertThat(v6.status().mainProviderId()).isEqualTo("isp1");
    assertThat(backend6.lastApplied()).contains(sixBefore);
  }

  @Test
  void ipv6OnlyProviderOutage_isNoConcernOfTheIpv4Engine() {
    tickBoth(2);

    ping6.always("isp3", fail());
    tickBoth(1);

    assertThat(ids(backend6.lastApplied().orElseThrow())).containsExactly("isp1", "isp2", "isp3");
    assertThat(v6.status().provider("isp3").orElseThrow().eligible()).isFalse();
    assertThat(v4.status().provider("isp3")).isEmpty();
  }

  @Test
  void linkDownToldToBoth_movesBothMainRoutes() {
    tickBoth(2);

    v4.linkChanged("eth1", false);
    v6.linkChanged("eth1", false);
    v4.decideNow();
    v6.decideNow();

    assertThat(v4.status().mainProviderId()).isEqualTo("isp2");
    assertThat(v6.status().mainProviderId()).isEqualTo("isp2");
    assertThat(backend4.lastApplied().orElseThrow().main().orElseThrow().id()).isEqualTo("isp2");
    assertThat(backend6.lastApplied().orElseThrow().main().orElseThrow().id()).isEqualTo("isp2");
  }

  @Test
  void linkOfIpv4OnlyProvider_isIgnoredByTheIpv6Engine() {
    assertThat(v6.linkChanged("eth4", false)).isFalse();
    assertThat(v4.linkChanged("eth4", false)).isTrue();
  }
}
