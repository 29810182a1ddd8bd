package dev.failover.linux;

import static com.google.common.base.Preconditions.checkNotNull;

import java.util.List;

/**
 * What a finished external command did: its arguments, exit code and captured output.
 *
 * @param command the arguments as run, prefix included
 * @param exitCode the process's exit code
 * @param stdout everything it wrote to standard output, decoded as UTF-8
 * @param stderr everything it wrote to standard error, decoded as UTF-8
 */
public record CommandResult(List<String> command, int exitCode, String stdout, String stderr) {

  /**
   * @throws NullPointerException if an argument is null
   */
  public CommandResult {
    command = List.copyOf(checkNotNull(command, "command"));
    checkNotNull(stdout, "stdout");
    checkNotNull(stderr, "stderr");
  }

  /** Whether the command exited with status 0. */
  public boolean succeeded() {
    return exitCode == 0;
  }
}
