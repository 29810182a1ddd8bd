package dev.failover.launcher.hooks;

import static com.google.common.base.Preconditions.checkNotNull;

import java.time.Duration;

/**
 * How one run of one hook ended.
 *
 * @param hook the hook's file name
 * @param outcome how it ended
 * @param exitStatus its exit status; -1 if it is unknown (the process did not exit in time)
 * @param took from start to end, killing included
 * @param output the start of its standard output and error, one line
 */
public record HookResult(
    String hook, Outcome outcome, int exitStatus, Duration took, String output) {

  /** How a hook run ended. */
  public enum Outcome {
    /** It exited with status 0. */
    SUCCEEDED,
    /** It exited with another status. */
    FAILED,
    /** It ran past {@code hook_timeout} (or the daemon's stop) and was killed. */
    TIMED_OUT,
    /** It could not be started (not executable by the daemon, a bad interpreter line, ...). */
    NOT_STARTED
  }

  public HookResult {
    checkNotNull(hook, "hook");
    checkNotNull(outcome, "outcome");
    checkNotNull(took, "took");
    checkNotNull(output, "output");
  }
}
