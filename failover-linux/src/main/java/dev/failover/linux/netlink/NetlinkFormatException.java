package dev.failover.linux.netlink;

/**
 * A netlink message could not be decoded: it is truncated, a length field points outside it, an
 * attribute has the wrong size, or a value is out of its range.
 *
 * <p>This is the only exception the decoder throws, whatever the bytes it is given (the fuzz test
 * feeds it random and truncated messages); it never throws an {@code IndexOutOfBoundsException}, a
 * {@code BufferUnderflowException} or a {@code NullPointerException}.
 */
public final class NetlinkFormatException extends NetlinkException {
  private static final long serialVersionUID = 1L;

  /** A message that breaks the format as {@code message} says. */
  public NetlinkFormatException(String message) {
    super(message);
  }
}
