package dev.failover.core.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.api.RoutingState;
import dev.failover.core.DualStackFixtures;
import dev.failover.core.FailoverEngine;
import dev.failover.core.Fixtures;
import dev.failover.core.TestEngines;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeRouteBackend;
import dev.failover.testkit.FakeTestScenario;
import dev.failover.testkit.Property;
import dev.failover.testkit.Shrinkers;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A property of two engines side by side (issue 16): whatever happens to one family, the other
 * family's engine decides and applies exactly what it would decide and apply alone. Seeded random
 * sequences of rounds, each provider's IPv4 and IPv6 checks succeeding or failing independently
 * (with bursts, so that switches and failbacks happen), run once through an IPv4 and an IPv6 engine
 * ticking in turn over the same dual-stack providers and one clock, and once through each engine
 * alone; the applied states and the main providers must be the same. On failure the seed and the
 * shrunk sequence are printed.
 */
class DualStackIndependenceTest {
  private static final int PROVIDERS = 3;

  /** One round: each provider's IPv4 and IPv6 check results. */
  record Round(List<Boolean> v4, List<Boolean> v6) {
    @Override
    public String toString() {
      return "v4" + v4 + " v6" + v6;
    }
  }

  /** What one engine did: the states applied and the main provider after each tick. */
  record Trace(List<RoutingState> applied, List<String> mains) {}

  private static List<Round> generate(SplittableRandom random) {
    int length = 5 + random.nextInt(30);
    // Each provider and family fails for runs of rounds, so that the policy switches and fails
    // back.
    boolean[][] failing = new boolean[2][PROVIDERS];
    List<Round> rounds = new ArrayList<>();
    for (int t = 0; t < length; t++) {
      List<Boolean> v4 = new ArrayList<>();
      List<Boolean> v6 = new ArrayList<>();
      for (int p = 0; p < PROVIDERS; p++) {
        for (int f = 0; f < 2; f++) {
          if (random.nextInt(5) == 0) {
            failing[f][p] = !failing[f][p];
          }
        }
        v4.add(!failing[0][p]);
        v6.add(!failing[1][p]);
      }
      rounds.add(new Round(List.copyOf(v4), List.copyOf(v6)));
    }
    return rounds;
  }

  private static List<Provider> providers() {
    List<Provider> providers = new ArrayList<>();
    for (int i = 1; i <= PROVIDERS; i++) {
      providers.add(DualStackFixtures.dual(i));
    }
    return providers;
  }

  /** An engine of {@code family} with its own scenario and backend over the shared clock. */
  private static final class Side {
    final FakeTestScenario scenario;
    final FakeRouteBackend backend = new FakeRouteBackend();
    final FailoverEngine engine;
    final List<String> mains = new ArrayList<>();
    final AddressFamily family;

    Side(FakeClock clock, AddressFamily family) {
      this.family = family;
      this.scenario =
          new FakeTestScenario(
              family == AddressFamily.IPV4 ? "ping 192.0.2.1" : "ping 2001:db8::1", family);
      // Both scenarios go to both engines, as the launcher will hand one list to each.
      FakeTestScenario other =
          new FakeTestScenario(
              family == AddressFamily.IPV4 ? "ping 2001:db8::2" : "ping 192.0.2.2",
              family == AddressFamily.IPV4 ? AddressFamily.IPV6 : AddressFamily.IPV4);
      this.engine =
          TestEngines.with(clock, backend)
              .providers(providers())
              .scenario(scenario)
              .scenario(other)
              .settings(DualStackFixtures.settings(family))
              .build();
    }

    void tick(Round round) {
      List<Boolean> results = family == AddressFamily.IPV4 ? round.v4() : round.v6();
      for (int p = 0; p < PROVIDERS; p++) {
        scenario.script("isp" + (p + 1), results.get(p) ? Fixtures.ok() : Fixtures.fail());
      }
      mains.add(String.valueOf(engine.runOnce().mainProviderId()));
    }

    Trace trace() {
      return new Trace(backend.applied(), List.copyOf(mains));
    }
  }

  private static void check(List<Round> rounds) {
    FakeClock together = new FakeClock();
    Side v4 = new Side(together, AddressFamily.IPV4);
    Side v6 = new Side(together, AddressFamily.IPV6);
    FakeClock alone4 = new FakeClock();
    Side only4 = new Side(alone4, AddressFamily.IPV4);
    FakeClock alone6 = new FakeClock();
    Side only6 = new Side(alone6, AddressFamily.IPV6);
    for (Round round : rounds) {
      v4.tick(round);
      v6.tick(round);
      together.advance(v4.engine.settings().checkInterval());
      only4.tick(round);
      alone4.advance(only4.engine.settings().checkInterval());
      only6.tick(round);
      alone6.advance(only6.engine.settings().checkInterval());
    }
    assertThat(v4.trace()).as("the IPv4 engine beside the IPv6 one").isEqualTo(only4.trace());
    assertThat(v6.trace()).as("the IPv6 engine beside the IPv4 one").isEqualTo(only6.trace());
    assertThat(v4.backend.applied())
        .allSatisfy(state -> assertThat(state.family()).isEqualTo(AddressFamily.IPV4));
    assertThat(v6.backend.applied())
        .allSatisfy(state -> assertThat(state.family()).isEqualTo(AddressFamily.IPV6));
  }

  @Test
  void twoEngines_anyRounds_eachDecidesAsItWouldAlone() {
    Property.forAll(
        "DualStackIndependenceTest.twoEngines",
        Property.cases(200),
        DualStackIndependenceTest::generate,
        Shrinkers.list(Shrinkers.none()),
        DualStackIndependenceTest::check);
  }

  @Test
  void generate_someSequences_switchInEachFamily() {
    // The property means something only if the families' mains move apart in some sequences.
    int apart = 0;
    for (int i = 0; i < 50; i++) {
      List<Round> rounds = generate(Property.caseRandom(1, i));
      FakeClock clock = new FakeClock();
      Side v4 = new Side(clock, AddressFamily.IPV4);
      Side v6 = new Side(clock, AddressFamily.IPV6);
      for (Round round : rounds) {
        v4.tick(round);
        v6.tick(round);
        clock.advance(v4.engine.settings().checkInterval());
      }
      if (!v4.mains.equals(v6.mains)) {
        apart++;
      }
    }
    assertThat(apart).isGreaterThan(10);
  }
}
