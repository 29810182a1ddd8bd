package dev.failover.launcher.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.launcher.TestStatuses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The status file's I/O: an atomic, world-readable write and a read that names the file. */
class StatusFileTest {
  private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

  @TempDir Path dir;
  @TempDir Path engineDir;

  @Test
  void write_thenReadDocument_isTheSameDocument() throws Exception {
    StatusFile file = new StatusFile(dir.resolve("sub/status.json"));
    StatusDocument document =
        StatusDocument.of(
            TestStatuses.afterOneTick(engineDir),
            Duration.ofSeconds(5),
            Path.of("/etc/failover/sticky.provider"),
            true,
            NOW);

    file.write(document);

    assertThat(file.readDocument()).contains(document);
    assertThat(Files.readString(file.file())).isEqualTo(document.toJson());
  }

  @Test
  void write_leavesNoTemporaryFileAndIsReadableByEveryone() throws Exception {
    StatusFile file = new StatusFile(dir.resolve("status.json"));

    file.write(
        TestStatuses.afterOneTick(engineDir), Duration.ofSeconds(5), dir.resolve("s"), true, NOW);
    file.write(
        TestStatuses.afterOneTick(engineDir),
        Duration.ofSeconds(5),
        dir.resolve("s"),
        true,
        NOW.plusSeconds(5));

    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(dir.resolve("status.json"));
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.file())))
        .isEqualTo("rw-r--r--");
    assertThat(file.readDocument().orElseThrow().writtenAt()).isEqualTo(NOW.plusSeconds(5));
  }

  /** Issue 15: status_file replaced any file at every tick and made it world-readable. */
  @Test
  void write_overAFileFailoverDidNotWrite_refusesAndKeepsIt() throws Exception {
    Path secret = Files.writeString(dir.resolve("secret.txt"), "private\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    StatusFile file = new StatusFile(secret);

    assertThatThrownBy(
            () ->
                file.write(
                    TestStatuses.afterOneTick(engineDir),
                    Duration.ofSeconds(5),
                    dir.resolve("s"),
                    true,
                    NOW))
        .hasMessageContaining("refusing to replace " + secret + " (status_file)");

    assertThat(secret).hasContent("private\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)))
        .isEqualTo("rw-------");
  }

  @Test
  void write_overASymbolicLink_refusesAndLeavesTheTarget() throws Exception {
    Path target = Files.writeString(dir.resolve("target.json"), "{\"format\": 1}");
    Path link = Files.createSymbolicLink(dir.resolve("status.json"), target);

    assertThatThrownBy(
            () ->
                new StatusFile(link)
                    .write(
                        TestStatuses.afterOneTick(engineDir),
                        Duration.ofSeconds(5),
                        dir.resolve("s"),
                        true,
                        NOW))
        .hasMessageContaining("refusing to replace " + link);

    assertThat(Files.isSymbolicLink(link)).isTrue();
    assertThat(target).hasContent("{\"format\": 1}");
  }

  @Test
  void readDocument_noFile_isEmpty() throws Exception {
    assertThat(new StatusFile(dir.resolve("absent.json")).readDocument()).isEmpty();
  }

  @Test
  void readDocument_emptyObject_failsNamingTheFileAndTheFormatKey() throws Exception {
    Path path = Files.writeString(dir.resolve("status.json"), "{}");

    assertThatThrownBy(() -> new StatusFile(path).readDocument())
        .hasMessage("status file " + path + ": key 'format' is missing");
  }
}
