package dev.failover.api;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A routing change that failed. The message gives the provider, the request or command, the error
 * code and the trimmed error text, and the same values are available from the getters.
 *
 * <p>Skipping a provider whose interface is unusable is not a failure: {@link RouteBackend#apply}
 * reports it as a partial {@link ApplyOutcome}.
 */
public class RouteBackendException extends Exception {
  private static final long serialVersionUID = 1L;
  private static final int MAX_STDERR = 2_000;

  private final @Nullable String providerId;
  private final List<String> command;
  private final @Nullable Integer exitCode;
  private final String stderr;

  /**
   * A failure without a command, such as a verification that found the wrong state.
   *
   * @param providerId the provider concerned, or null if the failure concerns no single provider
   */
  public RouteBackendException(@Nullable String providerId, String message) {
    this(providerId, message, List.of(), null, "", null);
  }

  /**
   * A failed command.
   *
   * @param providerId the provider concerned, or null if the command concerns several
   * @param message what was being done
   * @param command the command's arguments, as run (no shell)
   * @param exitCode its exit code, or null if it did not exit (could not start, timed out)
   * @param stderr its standard error; trimmed to 2000 characters
   * @param cause the underlying exception, if any
   */
  public RouteBackendException(
      @Nullable String providerId,
      String message,
      List<String> command,
      @Nullable Integer exitCode,
      String stderr,
      @Nullable Throwable cause) {
    super(format(providerId, message, command, exitCode, trim(stderr)), cause);
    this.providerId = providerId;
    this.command = List.copyOf(command);
    this.exitCode = exitCode;
    this.stderr = trim(stderr);
  }

  private static String trim(String stderr) {
    String trimmed = stderr.strip();
    return trimmed.length() > MAX_STDERR ? trimmed.substring(0, MAX_STDERR) + "..." : trimmed;
  }

  private static String format(
      @Nullable String providerId,
      String message,
      List<String> command,
      @Nullable Integer exitCode,
      String stderr) {
    StringBuilder text = new StringBuilder();
    if (providerId != null) {
      text.append("provider '").append(providerId).append("': ");
    }
    text.append(message);
    if (!command.isEmpty()) {
      text.append(" [command: ").append(String.join(" ", command)).append(']');
    }
    if (exitCode != null) {
      text.append(" [exit code ").append(exitCode).append(']');
    }
    if (!stderr.isEmpty()) {
      text.append(" [stderr: ").append(stderr).append(']');
    }
    return text.toString();
  }

  /** The id of the provider concerned, if the failure concerns one. */
  public Optional<String> providerId() {
    return Optional.ofNullable(providerId);
  }

  /** The command that failed, as its arguments; empty if no command was involved. */
  public List<String> command() {
    return command;
  }

  /** The command's exit code, if it exited. */
  public OptionalInt exitCode() {
    return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode);
  }

  /** The command's trimmed standard error; empty if none. */
  public String stderr() {
    return stderr;
  }
}
