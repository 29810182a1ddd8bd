package dev.failover.linux;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An external command that could not be run to its end: it did not start (missing binary, no
 * permission) or it did not finish within its timeout and was killed.
 *
 * <p>A command that ran and exited non-zero is not an exception; {@link CommandRunner} returns its
 * {@link CommandResult}.
 */
public final class CommandException extends IOException {
  private static final long serialVersionUID = 1L;

  private final List<String> command;
  private final boolean timedOut;

  CommandException(List<String> command, String message, boolean timedOut, @Nullable Throwable cause) {
    super(message + " [command: " + String.join(" ", command) + "]", cause);
    this.command = List.copyOf(checkNotNull(command, "command"));
    this.timedOut = timedOut;
  }

  /** The arguments of the command, as it was to be run. */
  public List<String> command() {
    return command;
  }

  /** Whether the command started but was killed at its timeout. */
  public boolean timedOut() {
    return timedOut;
  }
}
