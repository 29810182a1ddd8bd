package dev.failover.linux.netlink;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkState;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One netlink socket ({@code NETLINK_ROUTE} unless {@link #open(int)} names another protocol),
 * opened in the calling thread's network namespace (a socket stays in the namespace it was opened
 * in, whichever thread uses it later).
 *
 * <p>{@link #open} binds it (the kernel picks the port id) and asks for extended acknowledgements
 * (the kernel's error text, Linux 4.12), capped acknowledgements (an error does not echo the whole
 * request) and strict checking of dump requests (so that the kernel filters a dump by the request's
 * fields instead of ignoring them, Linux 4.20); a kernel without one of these options is used
 * without it. Messages are received into one direct buffer of {@value #RECEIVE_BUFFER_BYTES} bytes,
 * which holds the largest dump part the kernel builds (32 KiB); messages from anyone but the kernel
 * are dropped.
 *
 * <p>Not thread-safe: one thread at a time. Every refused call throws {@link NetlinkException} with
 * its errno. {@link #close()} is idempotent.
 */
final class NetlinkSocket implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(NetlinkSocket.class);

  /** The receive buffer: twice the largest dump part the kernel sends (32 KiB). */
  static final int RECEIVE_BUFFER_BYTES = 64 * 1024;

  private static final int SOCKADDR_NL_LENGTH = 12;
  private static final byte[] KERNEL = sockaddr(0, 0);
  private static final Set<String> MISSING_OPTIONS_LOGGED = ConcurrentHashMap.newKeySet();

  private final ByteBuffer received =
      ByteBuffer.allocateDirect(RECEIVE_BUFFER_BYTES).order(ByteOrder.nativeOrder());
  private final byte[] sender = new byte[SOCKADDR_NL_LENGTH];
  private final int[] senderLength = new int[1];
  private final int portId;
  private int fd;

  private NetlinkSocket(int fd, int portId) {
    this.fd = fd;
    this.portId = portId;
  }

  /**
   * Opens and binds a socket in the calling thread's network namespace.
   *
   * @throws NetlinkException if a call is refused
   */
  static NetlinkSocket open() throws NetlinkException {
    return open(LibC.NETLINK_ROUTE);
  }

  /**
   * Opens and binds a socket of netlink {@code protocol} ({@code NETLINK_ROUTE}, {@code
   * NETLINK_NETFILTER}) in the calling thread's network namespace, set up as {@link #open()}.
   */
  static NetlinkSocket open(int protocol) throws NetlinkException {
    int fd = LibC.socket(LibC.AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, protocol);
    if (fd < 0) {
      throw NetlinkException.ofErrno(
          "socket(AF_NETLINK, protocol " + protocol + ")", Native.getLastError());
    }
    try {
      // Each is a convenience the code does without on a kernel that lacks it: no kernel text in
      // errors (before 4.12), whole requests echoed in errors, and, before 4.20, dumps the kernel
      // does not filter (RtNetlink filters them again itself).
      optional(fd, LibC.NETLINK_EXT_ACK, "NETLINK_EXT_ACK");
      optional(fd, LibC.NETLINK_CAP_ACK, "NETLINK_CAP_ACK");
      optional(fd, LibC.NETLINK_GET_STRICT_CHK, "NETLINK_GET_STRICT_CHK");
      if (LibC.bind(fd, sockaddr(0, 0), SOCKADDR_NL_LENGTH) < 0) {
        throw NetlinkException.ofErrno("bind(AF_NETLINK)", Native.getLastError());
      }
      byte[] own = new byte[SOCKADDR_NL_LENGTH];
      int[] length = {own.length};
      if (LibC.getsockname(fd, own, length) < 0) {
        throw NetlinkException.ofErrno("getsockname(AF_NETLINK)", Native.getLastError());
      }
      int portId = ByteBuffer.wrap(own).order(ByteOrder.nativeOrder()).getInt(4);
      return new NetlinkSocket(fd, portId);
    } catch (NetlinkException | RuntimeException e) {
      LibC.close(fd);
      throw e;
    }
  }

  /** The port id the kernel gave the socket: the {@code nlmsg_pid} of answers to it. */
  int portId() {
    return portId;
  }

  int descriptor() {
    return fd();
  }

  /** Joins multicast group {@code group} ({@code RTNLGRP_*}), to receive its notifications. */
  void join(int group) throws NetlinkException {
    setOption(
        fd(),
        LibC.SOL_NETLINK,
        LibC.NETLINK_ADD_MEMBERSHIP,
        group,
        "NETLINK_ADD_MEMBERSHIP " + group);
  }

  /**
   * Sets the receive buffer to {@code bytes} (the kernel doubles it for its bookkeeping and keeps
   * it above a minimum): beyond {@code net.core.rmem_max} where the process may ({@code
   * SO_RCVBUFFORCE}, {@code CAP_NET_ADMIN}), else up to that limit.
   *
   * @return the size the kernel settled on
   */
  int setReceiveBuffer(int bytes) throws NetlinkException {
    checkArgument(bytes > 0, "bytes must be > 0, was %s", bytes);
    byte[] value = intBytes(bytes);
    if (LibC.setsockopt(fd(), LibC.SOL_SOCKET, LibC.SO_RCVBUFFORCE, value, 4) < 0) {
      setOption(fd(), LibC.SOL_SOCKET, LibC.SO_RCVBUF, bytes, "SO_RCVBUF");
    }
    return receiveBuffer();
  }

  /** The receive buffer's size as the kernel counts it (twice what was asked). */
  int receiveBuffer() throws NetlinkException {
    byte[] value = new byte[4];
    int[] length = {4};
    if (LibC.getsockopt(fd(), LibC.SOL_SOCKET, LibC.SO_RCVBUF, value, length) < 0) {
      throw NetlinkException.ofErrno("getsockopt(SO_RCVBUF)", Native.getLastError());
    }
    return ByteBuffer.wrap(value).order(ByteOrder.nativeOrder()).getInt();
  }

  /** Sends {@code messages} (one or more whole messages) to the kernel in one call. */
  void send(byte[] messages) throws NetlinkException {
    long sent =
        LibC.sendto(fd(), messages, new NativeLong(messages.length), 0, KERNEL, SOCKADDR_NL_LENGTH)
            .longValue();
    if (sent < 0) {
      throw NetlinkException.ofErrno("sendto(netlink)", Native.getLastError());
    }
    if (sent != messages.length) {
      throw new NetlinkException(
          "sendto(netlink) sent " + sent + " of " + messages.length + " bytes");
    }
  }

  /**
   * Waits until a message from the kernel arrives or {@code deadlineNanos} ({@link
   * System#nanoTime()}) passes, and reads it.
   *
   * @return a reader of what arrived
   * @throws NetlinkException with {@link NetlinkException#overrun()} if the kernel dropped messages
   *     for this socket since the last read; or for a timeout (errno {@code ETIMEDOUT}), a message
   *     too long for the buffer, or a failed call
   */
  MessageReader receive(long deadlineNanos) throws NetlinkException {
    while (true) {
      MessageReader reader = receiveNow();
      if (reader != null) {
        return reader;
      }
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        throw new NetlinkException("no answer from the kernel in time", LibC.ETIMEDOUT, null);
      }
      // Rounded up, so that the wait does not end a fraction of a millisecond early.
      int millis = (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000);
      pollReadable(new int[] {fd()}, new boolean[1], millis);
    }
  }

  /**
   * Reads what arrived without waiting.
   *
   * @return a reader of it, or null if nothing from the kernel was waiting
   * @throws NetlinkException as {@link #receive}
   */
  MessageReader receiveNow() throws NetlinkException {
    while (true) {
      senderLength[0] = sender.length;
      long length =
          LibC.recvfrom(
                  fd(),
                  received,
                  new NativeLong(received.capacity()),
                  LibC.MSG_DONTWAIT | LibC.MSG_TRUNC,
                  sender,
                  senderLength)
              .longValue();
      if (length < 0) {
        int errno = Native.getLastError();
        if (errno == LibC.EAGAIN || errno == LibC.EINTR) {
          return null;
        }
        throw NetlinkException.ofErrno("recvfrom(netlink)", errno);
      }
      if (length > received.capacity()) {
        // The kernel's notifications are far smaller; losing one is losing track, like an overrun.
        throw new NetlinkException(
            "a netlink message of " + length + " bytes did not fit into " + received.capacity(),
            LibC.ENOBUFS,
            null);
      }
      int senderPort = ByteBuffer.wrap(sender).order(ByteOrder.nativeOrder()).getInt(4);
      if (senderPort != 0) {
        logger.debug(
            "dropped {} bytes sent to netlink port {} by port {}",
            length,
            portId,
            Integer.toUnsignedString(senderPort));
        continue;
      }
      return new MessageReader(received, 0, (int) length);
    }
  }

  /**
   * Waits up to {@code timeoutMillis} (-1: without limit) until one of {@code fds} is readable or
   * has an error pending.
   *
   * @param ready set for each descriptor: whether it is readable or has an error pending
   * @return false if nothing became ready: the time ran out or a signal interrupted the wait
   */
  static boolean pollReadable(int[] fds, boolean[] ready, int timeoutMillis)
      throws NetlinkException {
    checkArgument(
        fds.length == ready.length, "%s descriptors but %s flags", fds.length, ready.length);
    byte[] pollfds = new byte[8 * fds.length];
    ByteBuffer buffer = ByteBuffer.wrap(pollfds).order(ByteOrder.nativeOrder());
    for (int i = 0; i < fds.length; i++) {
      buffer.putInt(8 * i, fds[i]).putShort(8 * i + 4, (short) LibC.POLLIN);
    }
    int count = LibC.poll(pollfds, new NativeLong(fds.length), timeoutMillis);
    if (count < 0) {
      int errno = Native.getLastError();
      if (errno == LibC.EINTR) {
        return false;
      }
      throw NetlinkException.ofErrno("poll", errno);
    }
    for (int i = 0; i < fds.length; i++) {
      // revents: POLLIN, or POLLERR (an overrun), POLLHUP, POLLNVAL, which come unasked.
      ready[i] = buffer.getShort(8 * i + 6) != 0;
    }
    return count > 0;
  }

  @Override
  public void close() {
    if (fd >= 0) {
      // close(2) of a socket we own cannot fail in a way worth reporting; the fd is gone either
      // way.
      LibC.close(fd);
      fd = -1;
    }
  }

  private int fd() {
    checkState(fd >= 0, "netlink socket is closed");
    return fd;
  }

  /** Sets netlink option {@code name} to 1, unless the kernel does not know it (logged once). */
  private static void optional(int fd, int name, String what) throws NetlinkException {
    if (LibC.setsockopt(fd, LibC.SOL_NETLINK, name, intBytes(1), 4) == 0) {
      return;
    }
    int errno = Native.getLastError();
    if (errno != LibC.ENOPROTOOPT) {
      throw NetlinkException.ofErrno("setsockopt(" + what + ")", errno);
    }
    if (MISSING_OPTIONS_LOGGED.add(what)) {
      logger.info("this kernel has no netlink option {}; going without it", what);
    }
  }

  private static void setOption(int fd, int level, int name, int value, String what)
      throws NetlinkException {
    if (LibC.setsockopt(fd, level, name, intBytes(value), 4) < 0) {
      throw NetlinkException.ofErrno("setsockopt(" + what + ")", Native.getLastError());
    }
  }

  private static byte[] intBytes(int value) {
    return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array();
  }

  /** A {@code struct sockaddr_nl}: family, padding, port id, groups. */
  private static byte[] sockaddr(int portId, int groups) {
    return ByteBuffer.allocate(SOCKADDR_NL_LENGTH)
        .order(ByteOrder.nativeOrder())
        .putShort((short) LibC.AF_NETLINK)
        .putShort((short) 0)
        .putInt(portId)
        .putInt(groups)
        .array();
  }

  @Override
  public String toString() {
    return "NetlinkSocket[fd " + fd + ", port " + Integer.toUnsignedString(portId) + "]";
  }
}
