package dev.failover.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.benchmarks.Chaos.Fault;
import dev.failover.benchmarks.Chaos.Kind;
import dev.failover.lab.NamespaceLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chaos soak's short version (issue 15): the built {@code failover.jar}, started as the unit
 * starts it, on a 3-uplink lab with a LAN client; first killed with SIGKILL and restarted, then
 * a minute of seeded faults, one of each kind in a shuffled order and then some (blackhole, loss,
 * carrier loss, interface down, interface deleted and re-created, a foreign default route, the
 * daemon's rule deleted by hand). The invariants are {@link Chaos}'s: never an instant without a
 * default route, the main route on a usable uplink within each fault's bound, drift repaired
 * within {@code reassert_interval} (5 s here, so that the class takes about a minute and a half)
 * plus 5 s, and a restart that moves no route. The daemon runs the original policy (see the
 * comment in the test); the 30-minute run, with every default, is {@link ChaosSoak}'s.
 */
class ChaosSoakIT {
  private static final long SEED = 15;

  @TempDir Path dir;

  @Test
  void run_seededFaultsAndARestart_everyInvariantHolds() throws Exception {
    Optional<String> unavailable = NamespaceLab.unavailableReason();
    assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse(""));
    assumeTrue(NamespaceLab.findOnPath("ping").isPresent(), "needs ping (iputils); skipped");
    String jarPath = System.getProperty("failover.jar");
    assumeTrue(jarPath != null && Files.isRegularFile(Path.of(jarPath)),
        "failover.jar is not built: run with mvn verify (failsafe); skipped");
    Chaos.Settings settings = new Chaos.Settings(
        Duration.ofSeconds(45), Kind.values().length - 1, SEED,
        Duration.ofSeconds(3), Duration.ofSeconds(5),
        Duration.ofSeconds(3), Duration.ofSeconds(6),
        Duration.ZERO, Duration.ofHours(1), Duration.ofSeconds(30),
        Duration.ofSeconds(3), Duration.ofSeconds(1),
        Duration.ofSeconds(5), Duration.ofSeconds(5));

    // The original policy re-admits a restored uplink after two good rounds. With the damped
    // default, a blackhole of the main uplink while both others sit out their failback dwell keeps
    // the main route on the dead uplink until the dwell ends (the 30-minute soak's finding, see
    // docs/benchmarks.md): whether a minute's schedule meets that case depends on the daemon's
    // timing, and a test must not depend on luck.
    Chaos.Result result =
        ChaosSoak.run(dir, Path.of(jarPath), settings, List.of("policy = \"original\""));

    String report = ChaosSoak.render(result, settings, new String[0], result.start());
    System.out.println(report);
    assertThat(result.problems()).as(report).isEmpty();
    assertThat(ChaosSoak.verdicts(result)).as(report).isEmpty();
    assertThat(result.restarts()).as(report).hasSize(1);
    assertThat(result.restarts().get(0).fromPrimary()).as(report).isTrue();
    assertThat(result.restarts().get(0).clean()).as(report).isTrue();
    Set<Kind> kinds = result.faults().stream().map(Fault::kind)
        .collect(Collectors.toCollection(() -> EnumSet.noneOf(Kind.class)));
    assertThat(kinds).as(report).containsAll(EnumSet.complementOf(EnumSet.of(Kind.KILL_RESTART)));
    assertThat(result.faults().stream()
            .filter(f -> f.kind() != Kind.LOSS)
            .filter(f -> !f.kind().breaks || f.mainWasHit())
            .allMatch(f -> f.recovery().isPresent()))
        .as("every timed fault has its recovery time: %s", report)
        .isTrue();
  }
}
