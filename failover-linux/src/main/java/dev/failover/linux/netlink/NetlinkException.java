package dev.failover.linux.netlink;

import java.io.IOException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Talking to the kernel over netlink failed: a socket call was refused, the kernel answered a dump
 * with an error, an answer did not come in time, or (as {@link NetlinkFormatException}) an answer
 * could not be decoded.
 *
 * <p>A failed <em>write</em> request of a transaction is not an exception but a {@link Result};
 * this exception means that the operation as a whole could not be carried out.
 */
public class NetlinkException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int errno;
  private final @Nullable String kernelMessage;

  /** A failure that has no errno, such as a timeout or a malformed answer. */
  public NetlinkException(String message) {
    this(message, 0, null);
  }

  /**
   * A failure with an errno and, if the kernel sent one (extended acknowledgement), its message.
   */
  public NetlinkException(String message, int errno, @Nullable String kernelMessage) {
    super(message);
    this.errno = errno;
    this.kernelMessage = kernelMessage;
  }

  /** The errno of the failure (positive), or 0 if it has none. */
  public int errno() {
    return errno;
  }

  /**
   * The kernel's own explanation (NETLINK_EXT_ACK), such as {@code Nexthop has invalid gateway}.
   */
  public Optional<String> kernelMessage() {
    return Optional.ofNullable(kernelMessage);
  }

  /**
   * Whether the socket's receive queue overflowed ({@code ENOBUFS}): the kernel dropped messages,
   * so whatever was built from the socket's messages is incomplete.
   */
  public boolean overrun() {
    return errno == LibC.ENOBUFS;
  }

  /** {@code call: reason}, with the errno's text, for a refused libc call. */
  /** The kernel's refusal {@code ack} of {@code what}, with its errno and its own message. */
  static NetlinkException refused(String what, Codec.Ack ack) {
    String message =
        what
            + ": "
            + LibC.describe(ack.errno())
            + (ack.message() == null ? "" : " (" + ack.message() + ")");
    return new NetlinkException(message, ack.errno(), ack.message());
  }

  static NetlinkException ofErrno(String call, int errno) {
    return new NetlinkException(call + ": " + LibC.describe(errno), errno, null);
  }
}
