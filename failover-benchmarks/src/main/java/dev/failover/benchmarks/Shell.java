package dev.failover.benchmarks;

import dev.failover.linux.CommandResult;
import dev.failover.linux.CommandRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Runs the harness's own commands ({@code ip}, {@code nft}, {@code sysctl}, {@code kill}) as argument
 * lists, never through a shell, each bounded by a timeout.
 *
 * <p>Thread-safe.
 */
final class Shell {
  private static final CommandRunner RUNNER = new CommandRunner(List.of(), Duration.ofSeconds(20));

  private Shell() {}

  /**
   * Runs {@code command} and returns its result, whatever its exit code.
   *
   * @throws IOException if it could not start or did not finish within 20 s
   */
  static CommandResult run(List<String> command) throws IOException {
    return RUNNER.run(command);
  }

  /**
   * Runs {@code command} with {@code stdin} and returns its result, whatever its exit code.
   *
   * @throws IOException if it could not start or did not finish within 20 s
   */
  static CommandResult run(List<String> command, String stdin) throws IOException {
    return RUNNER.run(command, stdin, Duration.ofSeconds(20));
  }

  /**
   * Runs {@code command} and returns its standard output.
   *
   * @throws IOException if it could not run, timed out or exited non-zero; the message names the
   *     command, the exit code and its standard error
   */
  static String must(List<String> command) throws IOException {
    return check(run(command));
  }

  /** Like {@link #must(List)}, with {@code stdin}. */
  static String must(List<String> command, String stdin) throws IOException {
    return check(run(command, stdin));
  }

  private static String check(CommandResult result) throws IOException {
    if (!result.succeeded()) {
      throw new IOException(
          String.join(" ", result.command()) + " failed (exit " + result.exitCode() + "): "
              + result.stderr().strip());
    }
    return result.stdout();
  }
}
