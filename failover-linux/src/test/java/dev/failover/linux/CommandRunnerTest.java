package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.BufferedReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CommandRunner} with ordinary programs. */
class CommandRunnerTest {

  @Test
  void run_programWithInput_capturesExitCodeStdoutAndStderr() throws Exception {
    CommandResult result = new CommandRunner()
        .run(List.of("sh", "-c", "cat; echo oops >&2; exit 3"), "hello; rm -rf /\n", Duration.ofSeconds(5));

    assertThat(result.exitCode()).isEqualTo(3);
    assertThat(result.stdout()).isEqualTo("hello; rm -rf /\n");
    assertThat(result.stderr()).isEqualTo("oops\n");
  }

  @Test
  void run_withPrefix_putsPrefixFirst() throws Exception {
    CommandResult result = new CommandRunner(List.of("echo", "prefixed"), Duration.ofSeconds(5))
        .run(List.of("a b", "c"));

    assertThat(result.stdout()).isEqualTo("prefixed a b c\n");
    assertThat(result.command()).containsExactly("echo", "prefixed", "a b", "c");
  }

  @Test
  void run_exceedsTimeout_isKilledAndReported() {
    assertThatThrownBy(() -> new CommandRunner().run(List.of("sleep", "30"), "", Duration.ofMillis(200)))
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("did not finish within 200 ms")
        .satisfies(e -> assertThat(((CommandException) e).timedOut()).isTrue());
  }

  /**
   * A process that never reads its input, given more than a pipe holds: the write must not keep
   * the timeout from starting. The outer bound only stops a broken runner from hanging the build.
   */
  @Test
  void run_processIgnoresLargeInput_stillKilledAtTheTimeout() {
    String megabyte = "x".repeat(1 << 20);

    assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
        assertThatThrownBy(() -> new CommandRunner().run(List.of("sleep", "30"), megabyte, Duration.ofMillis(300)))
            .isInstanceOf(CommandException.class)
            .satisfies(e -> assertThat(((CommandException) e).timedOut()).isTrue()));
  }

  /**
   * Runs {@code script} on a new thread and interrupts that thread once the script has written a
   * line to the named pipe {@code started} (its {@code $1}); returns the run's result or exception,
   * and whether the thread was still interrupted after it.
   */
  private static Object[] runAndInterrupt(String script, Path started) throws Exception {
    Process mkfifo = new ProcessBuilder("mkfifo", started.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(mkfifo.exitValue()).isZero();
    Object[] outcome = new Object[2];
    Thread thread = new Thread(() -> {
      try {
        outcome[0] = new CommandRunner()
            .run(List.of("sh", "-c", script, "sh", started.toString()), "", Duration.ofSeconds(20));
      } catch (CommandException e) {
        outcome[0] = e;
      }
      outcome[1] = Thread.currentThread().isInterrupted();
    });
    thread.start();
    // Opening the pipe waits for the script to open it: no polling. Bounded in case it never runs.
    String line = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
      try (BufferedReader reader = Files.newBufferedReader(started)) {
        return reader.readLine();
      }
    });
    assertThat(line).as("the command started").isEqualTo("started");
    thread.interrupt();
    thread.join(TimeUnit.SECONDS.toMillis(20));
    assertThat(thread.isAlive()).isFalse();
    return outcome;
  }

  /** A stopping daemon interrupts its tick: an `ip -batch` under way is let finish, not cut. */
  @Test
  void run_interruptedWhileRunning_letsTheCommandFinishAndKeepsTheInterrupt(@TempDir Path dir)
      throws Exception {
    Object[] outcome =
        runAndInterrupt("echo started > \"$1\"; sleep 0.3; echo done", dir.resolve("started"));

    assertThat(outcome[0]).isInstanceOf(CommandResult.class);
    assertThat(((CommandResult) outcome[0]).stdout()).isEqualTo("done\n");
    assertThat(outcome[1]).as("the interrupt is kept for the caller").isEqualTo(true);
  }

  @Test
  void run_interruptedAndTheCommandHangs_killedAfterTheGrace(@TempDir Path dir) throws Exception {
    Object[] outcome =
        runAndInterrupt("echo started > \"$1\"; exec sleep 30", dir.resolve("started"));

    assertThat(outcome[0]).isInstanceOf(CommandException.class);
    assertThat(((CommandException) outcome[0]).getMessage())
        .contains("interrupted, and did not finish within 1000 ms more; killed");
    assertThat(outcome[1]).isEqualTo(true);
  }

  @Test
  void run_threadAlreadyInterrupted_startsNothing(@TempDir Path dir) {
    Path marker = dir.resolve("ran");
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> new CommandRunner().run(List.of("touch", marker.toString())))
          .isInstanceOf(CommandException.class)
          .hasMessageContaining("not started: the thread was interrupted");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(marker).doesNotExist();
  }

  @Test
  void run_missingProgram_isCommandException() {
    assertThatThrownBy(() -> new CommandRunner().run(List.of("/nonexistent/ip", "route")))
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("could not start")
        .satisfies(e -> assertThat(((CommandException) e).timedOut()).isFalse());
  }
}
