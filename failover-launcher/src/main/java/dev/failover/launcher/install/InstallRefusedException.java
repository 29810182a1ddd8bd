package dev.failover.launcher.install;

/**
 * Install or uninstall refused to go on, and changed nothing: a target is a file failover did not
 * write, a path leaves the root, or uninstall cannot read the installed config. The message names
 * the path and says what to do.
 */
public final class InstallRefusedException extends Exception {
  private static final long serialVersionUID = 1L;

  /** A refusal for {@code message}. */
  public InstallRefusedException(String message) {
    super(message);
  }
}
