package dev.failover.launcher.status;

import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.failover.core.EngineStatus;
import dev.failover.launcher.config.ConfigPaths;
import dev.failover.launcher.config.JacksonTrees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The daemon's status file ({@code status_file}, by default {@code /run/failover/status.json}),
 * holding a {@link StatusDocument}: the engine's {@link EngineStatus} plus what a reader needs to
 * tell a live daemon from a dead one. This class does the file's I/O; its layout is the document's.
 *
 * <p>{@link #write} replaces the file atomically (a temporary file in the same folder, then a
 * rename), so a reader never sees half a file, and only a file that holds a status document already
 * (or no file): never a file failover did not write, nor a symbolic link. Not thread-safe for
 * concurrent writers; the daemon writes from one thread.
 */
public final class StatusFile {
  /** The largest status file read: the daemon writes about a kilobyte per provider. */
  static final int MAX_BYTES = 4 * 1024 * 1024;

  private final Path file;

  /** The status file at {@code file}. */
  public StatusFile(Path file) {
    this.file = checkNotNull(file, "file");
  }

  /** Where the file is. */
  public Path file() {
    return file;
  }

  /**
   * Writes {@code status} atomically, creating the folder if needed.
   *
   * @param status the engine's status
   * @param checkInterval the configured {@code check_interval}, so that a reader can tell staleness
   * @param stickyFile the sticky file the engine reads, for the reader's information
   * @param running false for the last write of a daemon that is stopping
   * @param writtenAt the time of writing
   * @throws IOException if the file cannot be written
   */
  public void write(
      EngineStatus status,
      Duration checkInterval,
      Path stickyFile,
      boolean running,
      Instant writtenAt)
      throws IOException {
    write(StatusDocument.of(status, checkInterval, stickyFile, running, writtenAt));
  }

  /**
   * Writes {@code document} atomically, creating the folder if needed.
   *
   * @throws IOException if the file cannot be written
   */
  public void write(StatusDocument document) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !ConfigPaths.holdsStatusDocument(file)) {
      // The config was checked at load, but the file may have been swapped since.
      throw new IOException(
          "refusing to replace "
              + file
              + " (status_file): it is not a status file failover wrote (a symbolic link, not a"
              + " regular file, or other content); failover never replaces a file it did not"
              + " write");
    }
    byte[] bytes = document.toJson().getBytes(StandardCharsets.UTF_8);
    Path folder = file.toAbsolutePath().getParent();
    Files.createDirectories(folder);
    Path temporary = Files.createTempFile(folder, "." + file.getFileName(), ".tmp");
    try {
      Files.write(temporary, bytes);
      // Readable by everyone, so that 'failover status' needs no root; a temp file starts 0600.
      makeWorldReadable(temporary);
      try {
        Files.move(
            temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Sets {@code rw-r--r--} where the file system knows POSIX permissions. */
  public static void makeWorldReadable(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // Not a POSIX file system: its default permissions apply.
    }
  }

  /**
   * Reads the document; empty if there is no file.
   *
   * @throws IOException if it cannot be read, or does not hold a status document of {@link
   *     StatusDocument#FORMAT}; the message names the file and, where one is at fault, the key
   */
  public Optional<StatusDocument> readDocument() throws IOException {
    Optional<String> text = readText();
    return text.isEmpty() ? Optional.empty() : Optional.of(StatusDocument.parse(text.get(), file));
  }

  private Optional<String> readText() throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    // Looked at before it is opened: opening a FIFO would block 'failover status' for good.
    if (!attributes.isRegularFile()) {
      throw new IOException("status file " + file + " is not a regular file");
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    if (bytes.length > MAX_BYTES) {
      throw new IOException(
          "status file " + file + " is larger than " + MAX_BYTES + " bytes; the daemon writes"
              + " about a kilobyte per provider");
    }
    return Optional.of(new String(bytes, StandardCharsets.UTF_8));
  }

  /** The JSON text of a tree, indented, for {@code status --json}. */
  public static String toText(JsonNode tree) {
    return JacksonTrees.toJson(tree);
  }
}
