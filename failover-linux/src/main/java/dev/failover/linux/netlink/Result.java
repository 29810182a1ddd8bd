package dev.failover.linux.netlink;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import org.jspecify.annotations.Nullable;

/**
 * What the kernel answered to one {@link Request} of a transaction: success, or the errno it failed
 * with and, if the kernel gave one, its explanation (NETLINK_EXT_ACK).
 *
 * @param request the request answered
 * @param errno 0 for success, else the positive errno, such as 17 ({@code EEXIST}) or 19 ({@code
 *     ENODEV})
 * @param kernelMessage the kernel's explanation of a failure, if any, such as {@code Nexthop has
 *     invalid gateway}
 */
public record Result(Request request, int errno, @Nullable String kernelMessage) {

  /**
   * @throws IllegalArgumentException if {@code errno} is negative
   */
  public Result {
    checkNotNull(request, "request");
    checkArgument(errno >= 0, "errno must be >= 0, was %s", errno);
  }

  /** Whether the kernel carried the request out. */
  public boolean succeeded() {
    return errno == 0;
  }

  /**
   * {@code ok}, or the errno's text and the kernel's explanation: {@code File exists}, {@code
   * Network is unreachable (Nexthop has invalid gateway)}.
   */
  public String describe() {
    if (errno == 0) {
      return "ok";
    }
    String text = LibC.describe(errno);
    return kernelMessage == null ? text : text + " (" + kernelMessage + ")";
  }

  @Override
  public String toString() {
    return request + ": " + describe();
  }
}
