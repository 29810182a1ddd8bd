package dev.failover.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.launcher.config.JacksonTrees;
import dev.failover.linux.CommandRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code java -jar failover.jar demo --fast --json} as a user would, and checks its summary:
 * the structure, and the facts the demo promises (the main route moved to the expected ISP and came
 * back, the router always had a default route, the daemon stopped cleanly, everything was removed).
 *
 * <p>No time is asserted but for generous bounds that only catch a demo that did not happen: the
 * machine is shared, and the times are the demo's to show, not the test's to judge. Needs the
 * shaded jar (failsafe passes its path as {@code failover.jar}) and root; skipped with the reason
 * otherwise. About 45 s, plus a few for the interrupted run.
 */
class DemoIT {
  /** --fast takes about 45 s; a loaded machine takes longer. */
  private static final Duration DEMO_LIMIT = Duration.ofSeconds(240);

  private static final Pattern LAB = Pattern.compile("lab (fd-[0-9a-f]{4}) up");
  private static final Pattern FOLDER =
      Pattern.compile("the daemon's config: (/\\S+)/failover\\.toml");

  @TempDir Path dir;

  private Path jar;
  private Process demo;

  @BeforeEach
  void jar() {
    Optional<String> unavailable = Demo.unavailableReason();
    assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse("") + "; skipped");
    String jarPath = System.getProperty("failover.jar");
    assumeTrue(jarPath != null, "failover.jar is not set: run with mvn verify (failsafe); skipped");
    jar = Path.of(jarPath);
    assertThat(jar).as("the shaded jar built by package").isRegularFile();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (demo != null && demo.isAlive()) {
      demo.destroy(); // its shutdown hook removes the lab
      if (!demo.waitFor(30, TimeUnit.SECONDS)) {
        demo.destroyForcibly();
      }
    }
  }

  @Test
  void demoFast_json_summarySaysEveryFaultMovedTheMainRouteAndBack() throws Exception {
    Path stdout = dir.resolve("summary.json");
    Path stderr = dir.resolve("transcript.txt");
    demo =
        new ProcessBuilder(command("demo", "--fast", "--json"))
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();

    boolean exited = demo.waitFor(DEMO_LIMIT.toSeconds(), TimeUnit.SECONDS);

    String transcript = Files.readString(stderr, StandardCharsets.UTF_8);
    assertThat(exited).as("the demo ended within %s; transcript:%n%s", DEMO_LIMIT, transcript)
        .isTrue();
    assertThat(demo.exitValue()).as(transcript).isZero();
    ObjectNode summary = JacksonTrees.readJsonObject(Files.readString(stdout));
    assertThat(summary.path("pace").asText()).isEqualTo("fast");
    assertThat(summary.path("failback_dwell_seconds").asDouble()).isEqualTo(5.0);
    assertThat(summary.path("ok").asBoolean()).as(transcript).isTrue();
    assertThat(summary.path("instants_without_default_route").asInt()).as(transcript).isZero();
    assertThat(summary.path("daemon_exit_code").asInt()).isEqualTo(143);

    JsonNode faults = summary.path("faults");
    assertThat(faults).hasSize(2);
    assertFault(faults.get(0), "blackhole-isp1", "isp1", "isp2", transcript);
    assertFault(faults.get(1), "carrier-loss-isp2", "isp2", "isp3", transcript);

    assertThat(transcript)
        .contains("== step 1 of 4", "== step 4 of 4", "summary (--fast", "every step went as")
        .contains(
            "the long-lived connection opened during the outage is still alive after both"
                + " failbacks, still over ISP 3")
        .doesNotContain("UNEXPECTED");
    assertRemoved(transcript);
  }

  /** Ctrl-C (SIGTERM here; both run the shutdown hooks) halfway removes everything too. */
  @Test
  void demo_stoppedHalfway_removesTheLabTheDaemonAndTheScratchFolder() throws Exception {
    demo = new ProcessBuilder(command("demo", "--fast", "--json")).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = readLines(demo, lines);
    StringBuilder transcript = new StringBuilder();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    boolean faultMade = false;
    while (!faultMade && System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line != null) {
        transcript.append(line).append('\n');
        faultMade = line.contains(" s  fault: ");
      }
    }
    assertThat(faultMade).as("the first fault within 60 s:%n%s", transcript).isTrue();

    demo.destroy();

    assertThat(demo.waitFor(30, TimeUnit.SECONDS)).as("the demo stops on SIGTERM").isTrue();
    reader.join(TimeUnit.SECONDS.toMillis(10));
    lines.forEach(line -> transcript.append(line).append('\n'));
    assertRemoved(transcript.toString());
  }

  private static void assertFault(
      JsonNode fault, String id, String from, String to, String transcript) {
    assertThat(fault.path("id").asText()).isEqualTo(id);
    assertThat(fault.path("from").asText()).isEqualTo(from);
    assertThat(fault.path("moved_to").asText()).as(transcript).isEqualTo(to);
    assertThat(fault.path("as_expected").asBoolean()).as(transcript).isTrue();
    // Bounds that only prove it happened because of the fault, not a timing requirement.
    assertThat(fault.path("failover_seconds").isNumber()).as(transcript).isTrue();
    assertThat(fault.path("failover_seconds").asDouble()).isBetween(0.0, 30.0);
    assertThat(fault.path("failback_seconds").isNumber()).as(transcript).isTrue();
    assertThat(fault.path("failback_seconds").asDouble()).isBetween(0.0, 90.0);
    long sent = fault.path("lan_sent").asLong();
    assertThat(sent).as("the LAN client kept pinging").isPositive();
    assertThat(fault.path("lan_lost").asLong()).isBetween(0L, sent);
    assertThat(fault.path("lan_lost_at_failback").asLong()).isNotNegative();
    assertThat(fault.path("instants_without_default_route").asInt()).isZero();
  }

  /** The lab's namespaces and the scratch folder named in the transcript are gone. */
  private static void assertRemoved(String transcript) throws IOException {
    Matcher lab = LAB.matcher(transcript);
    Matcher folder = FOLDER.matcher(transcript);
    assertThat(lab.find()).as("the lab's name in:%n%s", transcript).isTrue();
    assertThat(folder.find()).as("the scratch folder in:%n%s", transcript).isTrue();
    String namespaces = new CommandRunner().run(List.of("ip", "netns", "list")).stdout();
    assertThat(namespaces).doesNotContain(lab.group(1));
    assertThat(Path.of(folder.group(1))).doesNotExist();
  }

  private List<String> command(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    return command;
  }

  private static Thread readLines(Process process, BlockingQueue<String> lines) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("(reading the demo's output failed: " + e + ")");
              }
            },
            "demo-it-reader");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
