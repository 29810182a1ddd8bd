package dev.failover.linux;

/**
 * A step of {@link FlowPinning} failed: {@code nft} refused the table, or the kernel refused a rule
 * or a conntrack request. The message names the step, the provider if any, and the command's exit
 * code and trimmed error output or the kernel's errno.
 */
public final class FlowPinningException extends Exception {
  private static final long serialVersionUID = 1L;

  public FlowPinningException(String message, Throwable cause) {
    super(message, cause);
  }

  public FlowPinningException(String message) {
    super(message);
  }
}
