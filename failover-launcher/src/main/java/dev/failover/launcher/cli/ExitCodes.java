package dev.failover.launcher.cli;

/** The process exit codes of the commands. */
public final class ExitCodes {
  /** Success. */
  public static final int OK = 0;

  /** A failure while doing the job: a service failed, a file could not be written. */
  public static final int FAILURE = 1;

  /** An invalid configuration or command line; nothing was changed. */
  public static final int INVALID = 2;

  /** {@code status}: the daemon is not running, or its status is stale (as LSB's "not running"). */
  public static final int NOT_RUNNING = 3;

  private ExitCodes() {}
}
