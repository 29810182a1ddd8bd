package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

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

  @Test
  void run_missingProgram_isCommandException() {
    assertThatThrownBy(() -> new CommandRunner().run(List.of("/nonexistent/ip", "route")))
        .isInstanceOf(CommandException.class)
        .hasMessageContaining("could not start")
        .satisfies(e -> assertThat(((CommandException) e).timedOut()).isFalse());
  }
}
