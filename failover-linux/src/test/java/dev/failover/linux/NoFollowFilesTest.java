package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads that neither follow a final link nor block, as the sticky file needs (issue 15). */
class NoFollowFilesTest {
  @TempDir Path dir;

  @Test
  void read_regularFile_returnsItsBytes() throws IOException {
    Path file = Files.writeString(dir.resolve("sticky"), "isp1\n");

    assertThat(new String(NoFollowFiles.read(file, 100), StandardCharsets.UTF_8))
        .isEqualTo("isp1\n");
  }

  @Test
  void read_largerThanTheBound_returnsOneByteMore() throws IOException {
    Path file = Files.writeString(dir.resolve("sticky"), "x".repeat(5000));

    assertThat(NoFollowFiles.read(file, 10)).hasSize(11);
  }

  @Test
  void read_missing_throwsNoSuchFile() {
    assertThatThrownBy(() -> NoFollowFiles.read(dir.resolve("none"), 10))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void read_symbolicLink_isRefusedNotFollowed() throws IOException {
    Path target = Files.writeString(dir.resolve("secret"), "top secret");
    Path link = Files.createSymbolicLink(dir.resolve("sticky"), target);

    assertThatThrownBy(() -> NoFollowFiles.read(link, 100))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("is a symbolic link")
        .hasMessageNotContaining("top secret");
  }

  /**
   * A FIFO without a writer: a plain open blocks until a writer comes, which hung the daemon's tick
   * thread for good when a FIFO replaced the sticky file between the type check and the open.
   */
  @Test
  void read_fifoWithoutWriter_refusedAtOnce() throws Exception {
    Path fifo = dir.resolve("sticky");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertThat(mkfifo.waitFor()).isZero();

    assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () ->
            assertThatThrownBy(() -> NoFollowFiles.read(fifo, 100))
                .isInstanceOf(FileSystemException.class)
                .hasMessageContaining("is not a regular file (a FIFO, socket or device)"));
  }

  @Test
  void read_folder_refused() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("sticky"));

    assertThatThrownBy(() -> NoFollowFiles.read(folder, 100))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("not a regular file (a folder)");
  }
}
