package dev.failover.launcher.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JournalPriorities}: the prefix of each line, as slf4j-simple writes its records. */
class JournalPrioritiesTest {
  @TempDir Path dir;

  private final ByteArrayOutputStream journal = new ByteArrayOutputStream();
  private final PrintStream err =
      new PrintStream(new JournalPriorities(journal), false, StandardCharsets.UTF_8);

  private String written() {
    return journal.toString(StandardCharsets.UTF_8);
  }

  @Test
  void write_records_getTheirLevelsPriority() {
    err.println("[ERROR] FailoverEngine - apply failed");
    err.flush();
    err.println("[WARN] ProbeRunner - probe timed out");
    err.flush();
    err.println("[INFO] FailoverService - failover started");
    err.flush();
    err.println("[DEBUG] FailoverEngine - round");
    err.flush();

    assertThat(written())
        .isEqualTo(
            "<3>[ERROR] FailoverEngine - apply failed\n"
                + "<4>[WARN] ProbeRunner - probe timed out\n"
                + "<6>[INFO] FailoverService - failover started\n"
                + "<7>[DEBUG] FailoverEngine - round\n");
  }

  @Test
  void write_stackTraceOfAWarning_keepsTheWarningsPriority() {
    err.println("[WARN] ProbeRunner - the probe threw");
    new IllegalStateException("boom").printStackTrace(err);
    err.flush();

    String[] lines = written().split("\n");
    assertThat(lines.length).isGreaterThan(2);
    assertThat(lines).allMatch(line -> line.startsWith("<4>"));
    assertThat(lines[1]).isEqualTo("<4>java.lang.IllegalStateException: boom");
  }

  @Test
  void write_levelAfterTheDateAndThread_isFound() {
    err.println("2026-12-06T15:00:00.000Z [failover-tick] [WARN] X - slow");
    err.flush();

    assertThat(written())
        .isEqualTo("<4>2026-12-06T15:00:00.000Z [failover-tick] [WARN] X - slow\n");
  }

  @Test
  void write_lineThatIsNoRecord_isAnError() {
    err.println("[INFO] X - ok");
    err.flush();
    err.print("Invalid configuration: providers[1].gateway ...\n");
    err.flush();

    assertThat(written()).endsWith("\n<3>Invalid configuration: providers[1].gateway ...\n");
  }

  @Test
  void write_partialLine_waitsForItsEnd() {
    err.print("[INFO] X - a ");
    err.print("b");
    assertThat(written()).isEmpty();
    err.println();

    assertThat(written()).isEqualTo("<6>[INFO] X - a b\n");
  }

  @Test
  void wanted_propertyTrueOrFalse_decides() {
    Path none = dir.resolve("none");
    assertThat(JournalPriorities.wanted(Map.of(), "true", none)).isTrue();
    assertThat(JournalPriorities.wanted(Map.of("JOURNAL_STREAM", "1:2"), "false", none)).isFalse();
  }

  @Test
  void wanted_journalStreamOfAnotherFile_isOff() throws Exception {
    Path file = java.nio.file.Files.createFile(dir.resolve("stderr"));

    assertThat(JournalPriorities.wanted(Map.of("JOURNAL_STREAM", "1:2"), "", file)).isFalse();
    assertThat(JournalPriorities.wanted(Map.of(), "", file)).isFalse();
  }

  @Test
  void wanted_journalStreamOfStandardError_isOn() throws Exception {
    Path file = java.nio.file.Files.createFile(dir.resolve("stderr"));
    Map<String, Object> id = java.nio.file.Files.readAttributes(file, "unix:dev,ino");

    assertThat(
            JournalPriorities.wanted(
                Map.of("JOURNAL_STREAM", id.get("dev") + ":" + id.get("ino")), "", file))
        .isTrue();
  }
}
