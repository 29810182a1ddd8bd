package dev.failover.launcher.status;

import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.core.EngineStatus;
import dev.failover.core.StickyReading;
import dev.failover.launcher.config.Durations;
import dev.failover.launcher.config.JacksonTrees;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The daemon's status file ({@code status_file}, by default {@code /run/failover/status.json}): a
 * JSON rendering of the engine's {@link EngineStatus}, plus what a reader needs to tell a live
 * daemon from a dead one (when it was written, the check interval, the process id, whether the
 * daemon stopped).
 *
 * <p>{@link #write} replaces the file atomically (a temporary file in the same folder, then a
 * rename), so a reader never sees half a file. The format is versioned by its {@code format} key;
 * keys are snake_case like the config's. Not thread-safe for concurrent writers; the daemon writes
 * from one thread.
 */
public final class StatusFile {
  /** The version of the JSON layout; bumped when a key changes meaning or disappears. */
  public static final int FORMAT = 1;

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
    ObjectNode json = toJson(status, checkInterval, stickyFile, running, writtenAt);
    byte[] bytes = JacksonTrees.toJsonBytes(json);
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
   * Reads the file as a JSON tree; empty if there is no file.
   *
   * @throws IOException if it cannot be read or is not a JSON object
   */
  public Optional<ObjectNode> read() throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(JacksonTrees.readJsonObject(text));
    } catch (JacksonException e) {
      throw new IOException("status file " + file + " is not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IOException("status file " + file + " does not hold a JSON object", e);
    }
  }

  /** The JSON text of a tree, indented, for {@code status --json}. */
  public static String toText(JsonNode tree) {
    return JacksonTrees.toJson(tree);
  }

  /** The JSON rendering of {@code status}. */
  static ObjectNode toJson(
      EngineStatus status,
      Duration checkInterval,
      Path stickyFile,
      boolean running,
      Instant writtenAt) {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("format", FORMAT);
    json.put("written_at", writtenAt.toString());
    json.put("running", running);
    json.put("pid", ProcessHandle.current().pid());
    json.put("check_interval", Double.parseDouble(Durations.seconds(checkInterval)));
    // The interval in force: fast_check_interval while a provider is in doubt.
    json.put("interval", Double.parseDouble(Durations.seconds(status.interval())));
    json.put("status_at", status.at().toString());
    json.put("ticks", status.ticks());
    json.put("policy", status.policy());
    ObjectNode main = json.putObject("main");
    main.put("provider", status.mainProviderId());
    main.put("reason", status.mainReason() == null ? null : status.mainReason().name());
    main.put("detail", status.mainDetail());
    putInstant(main, "since", status.mainSince());
    ArrayNode ranking = json.putArray("ranking");
    status.ranking().forEach(ranking::add);
    json.put("start_metric", status.startMetric());
    ObjectNode sticky = json.putObject("sticky");
    StickyReading reading = status.sticky();
    sticky.put("file", stickyFile.toString());
    sticky.put("kind", reading.kind().name());
    sticky.put("provider", reading.providerId());
    sticky.put("detail", reading.detail());
    putInstant(json, "last_applied_at", status.lastAppliedAt());
    json.put("last_apply_error", status.lastApplyError());
    ArrayNode providers = json.putArray("providers");
    for (EngineStatus.ProviderReport report : status.providers()) {
      ObjectNode p = providers.addObject();
      p.put("id", report.id());
      p.put("state", report.state().name());
      p.put("reliable", report.eligible());
      p.put("link_usable", report.linkUsable());
      p.put("selectable", report.selectable());
      putInstant(p, "since", report.since());
      p.put("reason", report.reason());
      ArrayNode recent = p.putArray("recent_results");
      report.recentOutcomes().forEach(outcome -> recent.add(outcome.name()));
      p.put("stored_rounds", report.storedRounds());
      p.put("failed_rounds", report.failedRounds());
      p.put("loss_percent", report.lossPercent());
      if (report.meanLatency() == null) {
        p.putNull("mean_latency_ms");
      } else {
        p.put("mean_latency_ms", report.meanLatency().toNanos() / 1e6);
      }
    }
    return json;
  }

  private static void putInstant(ObjectNode node, String key, @Nullable Instant value) {
    if (value == null) {
      node.putNull(key);
    } else {
      node.put(key, value.toString());
    }
  }
}
