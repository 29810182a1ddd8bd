package dev.failover.examples.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.testkit.PolicySimulation;
import dev.failover.testkit.Property;
import dev.failover.testkit.Shrinkers;
import dev.failover.testkit.SimulationResult;
import dev.failover.testkit.Trace;
import dev.failover.testkit.Traces;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Properties of the user's own choosing, checked with failover-testkit's seeded generators,
 * simulation and shrinking: a failure prints the seed and a shrunk trace.
 */
class LastRoundsPolicyPropertyTest {
  private static final int WINDOW = 3;

  @Test
  void simulate_primaryOutage_backupTakesOverAfterWindowAndPrimaryReturns() {
    Property.forAll(
        "last-3: three failed rounds move the main away; three good ones bring it back",
        Property.cases(200),
        random -> {
          int before = 5 + random.nextInt(20);
          int outage = 1 + random.nextInt(30);
          return Traces.outage(before, outage).generate(random, before + outage + 10);
        },
        Shrinkers.trace(),
        primary -> {
          Trace backup =
              Traces.allSuccess(Duration.ofMillis(20))
                  .generate(new SplittableRandom(0), primary.size());
          SimulationResult result =
              PolicySimulation.of(new LastRoundsPolicy(WINDOW)).run(List.of(primary, backup));

          int run = 0;
          for (int step = 0; step < primary.size(); step++) {
            run = primary.failed(step) ? run + 1 : 0;
            if (run == WINDOW) {
              assertThat(result.mainAt(step)).as("main at step %s", step).isEqualTo(1);
            }
          }
          boolean endsHealthy = true;
          for (int step = primary.size() - WINDOW; step < primary.size(); step++) {
            endsHealthy &= step >= 0 && !primary.failed(step);
          }
          if (endsHealthy) {
            assertThat(result.mainAt(primary.size() - 1)).as("main at the end").isEqualTo(0);
          }
        });
  }
}
