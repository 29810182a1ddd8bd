package dev.failover.launcher.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.failover.launcher.TestStatuses;
import dev.failover.launcher.config.TextMutations;
import dev.failover.launcher.config.TextMutations.Mutation;
import dev.failover.testkit.Property;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status file as {@code failover status} reads it, mutated at random (seeded, shrunk; {@link
 * TextMutations}): every outcome is a document that renders, or an {@link IOException} that names
 * the file; never another exception or a hang.
 */
class StatusDocumentFuzzTest {
  private static final Path FILE = Path.of("/run/failover/status.json");
  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

  private static final TextMutations MUTATIONS =
      new TextMutations(
          List.of(
              "0", "-1", "1", "1e-9", "1e308", "-1e308", "1e999999999", "-0.0", "NaN",
              "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
              "99999999999999999999999999", "0.0000000000000000001", "true", "null", "[]",
              "{}", "[null]", "[1, \"a\"]", "{\"a\": 1}", "\"\"", "\" \"", "\"UP\"", "\"DOWN\"",
              "\"SUCCESS\"", "\"FAILOVER\"", "\"FORCED\"", "\"2026-01-01T10:00:00Z\"",
              "\"+1000000000-12-31T23:59:59.999999999Z\"", "\"-1000000000-01-01T00:00:00Z\"",
              "\"\\u0000\"", "\"\\u001b[2J\"", "\"\\ud800\"", "\"" + "x".repeat(3000) + "\"",
              "\"isp1\"", "\"isp9\""),
          List.of(
              "{", "}", "[", "]", ",", ":", "\"", "\\", "null", "\n", "\u0000", "\uFEFF", "/*",
              "0", "-", "e", "."),
          List.of(
              "\"format\": 2,", "\"format\": 0,", "\"extra\": 1,", "\"providers\": [],",
              "\"providers\": [{}],", "\"ranking\": [\"nobody\"],", "\"main\": null,"));

  private static String valid;

  @BeforeAll
  static void writeValid(@TempDir Path engineDir) throws IOException {
    valid =
        StatusDocument.of(
                TestStatuses.afterOneTick(engineDir),
                Duration.ofMillis(500),
                Path.of("/etc/failover/sticky.provider"),
                true,
                NOW)
            .toJson();
  }

  @Test
  void valid_parsesAndRenders() throws Exception {
    StatusDocument document = StatusDocument.parse(valid, FILE);

    assertThat(StatusReport.render(document, NOW)).contains("main provider");
  }

  @Test
  void readDocument_fifo_isRefusedWithoutBlocking(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("status.json");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

    IOException e =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10),
            () ->
                org.junit.jupiter.api.Assertions.assertThrows(
                    IOException.class, () -> new StatusFile(fifo).readDocument()));

    assertThat(e).hasMessage("status file " + fifo + " is not a regular file");
  }

  /** Found by the fuzz test: the age of an instant far off overflowed {@code toMillis()}. */
  @Test
  void render_instantsFarOff_renderWithoutOverflow() throws Exception {
    String text =
        valid.replaceFirst(
            "\"written_at\" : \"[^\"]*\"", "\"written_at\" : \"-1000000000-01-01T00:00:00Z\"");
    StatusDocument document = StatusDocument.parse(text, FILE);

    assertThat(StatusReport.render(document, NOW)).contains("STALE");
    assertThat(StatusReport.annotate(document, NOW).path("age_seconds").asDouble())
        .isGreaterThan(1e16);
  }

  @Test
  void parse_mutatedStatusFile_isADocumentOrNamesTheFile() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () ->
            Property.forAll(
                "mutated status file is a document or an error naming the file",
                Property.cases(2000),
                200,
                MUTATIONS.generator(6),
                TextMutations.shrinker(),
                StatusDocumentFuzzTest::checkOne));
  }

  private static void checkOne(List<Mutation> mutations) {
    String text = TextMutations.apply(valid, mutations);
    StatusDocument document;
    try {
      document = StatusDocument.parse(text, FILE);
    } catch (IOException e) {
      assertThat(e.getMessage()).as("the error of%n%s", text).contains("status file " + FILE);
      return;
    }
    // What the command does with a document it read: none of it may throw.
    StatusReport.render(document, NOW);
    StatusReport.annotate(document, NOW);
    StatusReport.freshness(document, NOW);
  }
}
