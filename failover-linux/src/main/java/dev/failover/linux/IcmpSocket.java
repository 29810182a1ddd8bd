package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import dev.failover.linux.IcmpPacket.Family;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * One ICMP socket, IPv4 ({@code AF_INET, IPPROTO_ICMP}) or IPv6 ({@code AF_INET6,
 * IPPROTO_ICMPV6}), opened, configured, used and closed through a handful of libc calls (JNA
 * direct mapping, so no process and no reflection per call).
 *
 * <p>Not thread-safe: {@link SocketIcmpEchoEngine} opens one per check and uses it from one thread
 * at a time (the caller's to send, then {@link EchoReplyLoop}'s to wait and read).
 * Every failed call throws {@link ErrnoException} carrying the errno and the C library's text for
 * it; the caller decides whether that is a failing provider or a broken probe. {@link #close()} is
 * idempotent.
 */
final class IcmpSocket implements AutoCloseable {
  /** The two kinds of ICMP socket Linux offers. */
  enum Kind {
    /**
     * A "ping socket" ({@code SOCK_DGRAM, IPPROTO_ICMP} or {@code IPPROTO_ICMPV6}): allowed without
     * privilege when the process's group is inside {@code net.ipv4.ping_group_range}, which governs
     * IPv6 ping sockets too. The kernel sets the echo id to the socket's own identifier, fills in
     * the checksum, and hands the socket only the replies that carry that identifier, without the
     * IP header.
     */
    DATAGRAM,
    /**
     * A raw ICMP socket ({@code SOCK_RAW, IPPROTO_ICMP} or {@code IPPROTO_ICMPV6}): needs {@code
     * CAP_NET_RAW}. It sees a copy of every ICMP packet that matches its bound and connected
     * addresses (an IPv4 one with the IP header, an IPv6 one without), so the reply must be matched
     * by id, sequence and payload. On an IPv6 one the kernel computes the ICMPv6 checksum of what
     * is sent and checks that of what is received.
     */
    RAW
  }

  /** A failed libc call. */
  static final class ErrnoException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String reason;

    ErrnoException(String call, int errno) {
      this(call, errno, LibC.describe(errno));
    }

    private ErrnoException(String call, int errno, String reason) {
      super(call + ": " + reason);
      this.errno = errno;
      this.reason = reason;
    }

    /** The errno value. */
    int errno() {
      return errno;
    }

    /** The C library's text for the errno, such as {@code No route to host}. */
    String reason() {
      return reason;
    }
  }

  // Socket types are 2 and 3 on every Linux architecture except MIPS, which swapped DGRAM and STREAM.
  private static final boolean MIPS = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT).startsWith("mips");
  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;
  private static final int SOCK_DGRAM = MIPS ? 1 : 2;
  private static final int SOCK_RAW = 3;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int IPPROTO_ICMP = 1;
  private static final int IPPROTO_ICMPV6 = 58;
  private static final int SOL_IP = 0;
  private static final int IP_RECVERR = 11;
  private static final int SOL_IPV6 = 41;
  private static final int IPV6_RECVERR = 25;
  private static final int SOL_ICMPV6 = 58;
  private static final int ICMPV6_FILTER = 1;
  private static final int SOCKADDR_IN_LENGTH = 16;
  private static final int SOCKADDR_IN6_LENGTH = 28;
  private static final int SOL_RAW = 255;
  private static final int ICMP_FILTER = 1;
  private static final int POLLIN = 0x1;
  // eventfd's flags are O_NONBLOCK and O_CLOEXEC, whose values MIPS moved too (O_CLOEXEC stays).
  private static final int EFD_NONBLOCK = MIPS ? 0x80 : 0x800;
  private static final int EFD_CLOEXEC = 0x80000;
  private static final int O_RDONLY_CLOEXEC = 0x80000;
  private static final int CLONE_NEWNET = 0x40000000;
  private static final int MSG_DONTWAIT = 0x40;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  private static final ByteOrder HOST = ByteOrder.nativeOrder();

  /** The libc functions used; errno is read with {@link Native#getLastError()} after a failure. */
  private static final class LibC {
    static {
      Native.register("c");
    }

    static native int socket(int domain, int type, int protocol);

    static native int setsockopt(int fd, int level, int name, byte[] value, int length);

    static native int bind(int fd, byte[] address, int length);

    static native int connect(int fd, byte[] address, int length);

    static native NativeLong send(int fd, byte[] buffer, NativeLong length, int flags);

    static native NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags);

    static native int poll(byte[] fds, NativeLong count, int timeoutMillis);

    static native int close(int fd);

    static native int eventfd(int initialValue, int flags);

    static native NativeLong read(int fd, byte[] buffer, NativeLong length);

    static native NativeLong write(int fd, byte[] buffer, NativeLong length);

    static native int open(String path, int flags);

    static native int setns(int fd, int nstype);

    static native String strerror(int errno);

    static String describe(int errno) {
      // glibc's strerror returns a constant string for known values and a thread-local one else.
      String text = strerror(errno);
      return text == null || text.isEmpty() ? "errno " + errno : text;
    }
  }

  private final Kind kind;
  private final Family family;
  private int fd;

  private IcmpSocket(Kind kind, Family family, int fd) {
    this.kind = kind;
    this.family = family;
    this.fd = fd;
  }

  /**
   * Opens a socket of {@code kind} and {@code family} in the calling thread's network namespace.
   *
   * @throws ErrnoException if the kernel refuses, typically {@code EACCES} for a ping socket
   *     outside {@code ping_group_range}, {@code EPERM} for a raw socket without {@code
   *     CAP_NET_RAW}, or {@code EAFNOSUPPORT} for IPv6 on a kernel without it
   */
  static IcmpSocket open(Kind kind, Family family) throws ErrnoException {
    checkNotNull(kind, "kind");
    checkNotNull(family, "family");
    int type = (kind == Kind.DATAGRAM ? SOCK_DGRAM : SOCK_RAW) | SOCK_CLOEXEC;
    int fd = family == Family.IPV4
        ? LibC.socket(AF_INET, type, IPPROTO_ICMP)
        : LibC.socket(AF_INET6, type, IPPROTO_ICMPV6);
    if (fd < 0) {
      throw new ErrnoException("socket(" + kind.name().toLowerCase(Locale.ROOT) + ")", Native.getLastError());
    }
    return new IcmpSocket(kind, family, fd);
  }

  Kind kind() {
    return kind;
  }

  Family family() {
    return family;
  }

  /**
   * Binds the socket to {@code source}, so that the policy rule {@code from SOURCE} applies.
   *
   * @throws IllegalArgumentException if {@code source} is not of the socket's family
   */
  void bind(InetAddress source) throws ErrnoException {
    byte[] sockaddr = sockaddr(source);
    check(LibC.bind(fd(), sockaddr, sockaddr.length), "bind");
  }

  /**
   * Connects the socket to {@code target}: routes it now (an unreachable route fails here) and
   * makes the kernel deliver only packets from {@code target}.
   *
   * @throws IllegalArgumentException if {@code target} is not of the socket's family
   */
  void connect(InetAddress target) throws ErrnoException {
    byte[] sockaddr = sockaddr(target);
    check(LibC.connect(fd(), sockaddr, sockaddr.length), "connect");
  }

  /**
   * Asks the kernel to report ICMP errors about this socket's packets (destination unreachable
   * from a gateway, or from the router itself when the gateway does not answer ARP or neighbour
   * solicitation) as errors of {@link #receive}: {@code IP_RECVERR} for IPv4, {@code
   * IPV6_RECVERR} for IPv6. Without it the kernel reports only what it deems hard errors (for
   * IPv6 such as "administratively prohibited"), drops the rest silently ("no route", "address
   * unreachable", "time exceeded"), and the check times out.
   */
  void reportErrors() throws ErrnoException {
    if (family == Family.IPV4) {
      check(LibC.setsockopt(fd(), SOL_IP, IP_RECVERR, intBytes(1), 4), "setsockopt(IP_RECVERR)");
    } else {
      check(LibC.setsockopt(fd(), SOL_IPV6, IPV6_RECVERR, intBytes(1), 4),
          "setsockopt(IPV6_RECVERR)");
    }
  }

  /**
   * Lets only echo replies through to a raw socket, so that other ICMP traffic between the same
   * addresses does not wake the check: {@code ICMP_FILTER} for IPv4, {@code ICMPV6_FILTER} for
   * IPv6. ICMP errors about the socket's packets still reach {@link #reportErrors()}.
   *
   * @throws IllegalStateException if this is not a raw socket
   */
  void acceptOnlyEchoReplies() throws ErrnoException {
    checkState(kind == Kind.RAW, "ICMP_FILTER applies to raw sockets only, this is %s", kind);
    if (family == Family.IPV4) {
      // A set bit blocks that ICMP type; type 0 is the echo reply.
      check(LibC.setsockopt(fd(), SOL_RAW, ICMP_FILTER, intBytes(~1), 4),
          "setsockopt(ICMP_FILTER)");
      return;
    }
    // struct icmp6_filter: 256 bits, one per ICMPv6 type; a set bit blocks that type (Linux's
    // ICMP6_FILTER_SETBLOCK), so all are set but the echo reply's.
    int[] words = new int[8];
    Arrays.fill(words, -1);
    words[IcmpPacket.ECHO_REPLY_V6 >>> 5] &= ~(1 << (IcmpPacket.ECHO_REPLY_V6 & 31));
    ByteBuffer filter = ByteBuffer.allocate(32).order(HOST);
    for (int word : words) {
      filter.putInt(word);
    }
    check(LibC.setsockopt(fd(), SOL_ICMPV6, ICMPV6_FILTER, filter.array(), 32),
        "setsockopt(ICMPV6_FILTER)");
  }

  /** Sends {@code packet} (an ICMP message, without IP header) to the connected target. */
  void send(byte[] packet) throws ErrnoException {
    long sent = LibC.send(fd(), packet, new NativeLong(packet.length), 0).longValue();
    if (sent < 0) {
      throw new ErrnoException("send", Native.getLastError());
    }
  }

  /**
   * Reads one packet into {@code buffer} without blocking.
   *
   * @return its length, or -1 if there was nothing to read after all
   * @throws ErrnoException for a reported ICMP error (see {@link #reportErrors()}) or a failed read
   */
  int receive(byte[] buffer) throws ErrnoException {
    long length = LibC.recv(fd(), buffer, new NativeLong(buffer.length), MSG_DONTWAIT).longValue();
    if (length < 0) {
      int errno = Native.getLastError();
      if (errno == EAGAIN || errno == EINTR) {
        return -1;
      }
      throw new ErrnoException("recv", errno);
    }
    return (int) length;
  }

  /**
   * Waits up to {@code timeoutMillis} (-1: without limit) until one of {@code fds} has something to
   * read or an error pending, as {@code poll(2)} does.
   *
   * @param ready set for each descriptor: whether it is readable or has an error pending
   * @return false if nothing became ready: the time ran out, or a signal interrupted the wait
   */
  static boolean pollReadable(int[] fds, boolean[] ready, int timeoutMillis) throws ErrnoException {
    checkState(fds.length == ready.length, "%s descriptors but %s flags", fds.length, ready.length);
    byte[] pollfds = new byte[8 * fds.length];
    ByteBuffer buffer = ByteBuffer.wrap(pollfds).order(HOST);
    for (int i = 0; i < fds.length; i++) {
      buffer.putInt(8 * i, fds[i]).putShort(8 * i + 4, (short) POLLIN);
    }
    int count = LibC.poll(pollfds, new NativeLong(fds.length), timeoutMillis);
    if (count < 0) {
      int errno = Native.getLastError();
      if (errno == EINTR) {
        return false;
      }
      throw new ErrnoException("poll", errno);
    }
    for (int i = 0; i < fds.length; i++) {
      // revents: POLLIN, or POLLERR/POLLHUP/POLLNVAL, which the kernel reports unasked.
      ready[i] = buffer.getShort(8 * i + 6) != 0;
    }
    return count > 0;
  }

  /** Opens a non-blocking {@code eventfd(2)}, with which one thread wakes another's poll. */
  static int openEventFd() throws ErrnoException {
    int fd = LibC.eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    check(fd, "eventfd");
    return fd;
  }

  /** Makes the eventfd {@code fd} readable; never blocks. */
  static void signalEventFd(int fd) {
    // Fails only when the counter would overflow (it is then readable anyway) or fd is bad.
    LibC.write(fd, ByteBuffer.allocate(8).order(HOST).putLong(0, 1).array(), new NativeLong(8));
  }

  /** Resets the eventfd {@code fd} to not readable; never blocks. */
  static void drainEventFd(int fd) {
    // EAGAIN when there was nothing to drain, which is what we want too.
    LibC.read(fd, new byte[8], new NativeLong(8));
  }

  /**
   * Moves the calling thread into the network namespace of the process's main thread, if it is in
   * another one (a thread started by a thread that entered a namespace inherits it).
   *
   * @throws ErrnoException if the move is refused (it needs {@code CAP_SYS_ADMIN})
   */
  static void joinProcessNetworkNamespace() throws ErrnoException {
    try {
      Path own = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net"));
      Path process = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
      if (own.equals(process)) {
        return;
      }
    } catch (IOException e) {
      // No /proc to compare with: nothing can be said, so nothing is changed.
      return;
    }
    int fd = LibC.open("/proc/self/ns/net", O_RDONLY_CLOEXEC);
    check(fd, "open(/proc/self/ns/net)");
    try {
      check(LibC.setns(fd, CLONE_NEWNET), "setns");
    } finally {
      LibC.close(fd);
    }
  }

  /** This socket's descriptor, for {@link #pollReadable}. */
  int descriptor() {
    return fd();
  }

  @Override
  public void close() {
    if (fd >= 0) {
      // close(2) of a socket we own cannot fail in a way worth reporting; the fd is gone either way.
      LibC.close(fd);
      fd = -1;
    }
  }

  private int fd() {
    checkState(fd >= 0, "socket is closed");
    return fd;
  }

  private static void check(int result, String call) throws ErrnoException {
    if (result < 0) {
      throw new ErrnoException(call, Native.getLastError());
    }
  }

  /**
   * A {@code struct sockaddr_in} or {@code sockaddr_in6} for {@code address}, port 0 (the family is
   * in host order). An IPv6 one carries flow label 0 and scope id 0: {@link IcmpPacket#family}
   * refuses the link-local addresses that would need a scope.
   */
  private byte[] sockaddr(InetAddress address) {
    byte[] raw = address.getAddress();
    if (family == Family.IPV4) {
      checkArgument(raw.length == 4, "an IPv4 socket needs an IPv4 address, was %s",
          address.getHostAddress());
      byte[] sockaddr = new byte[SOCKADDR_IN_LENGTH];
      ByteBuffer.wrap(sockaddr).order(HOST).putShort(0, (short) AF_INET);
      System.arraycopy(raw, 0, sockaddr, 4, 4);
      return sockaddr;
    }
    checkArgument(address instanceof Inet6Address, "an IPv6 socket needs an IPv6 address, was %s",
        address.getHostAddress());
    // sa_family (2), sin6_port (2), sin6_flowinfo (4), sin6_addr (16), sin6_scope_id (4).
    byte[] sockaddr = new byte[SOCKADDR_IN6_LENGTH];
    ByteBuffer.wrap(sockaddr).order(HOST).putShort(0, (short) AF_INET6);
    System.arraycopy(raw, 0, sockaddr, 8, 16);
    return sockaddr;
  }

  private static byte[] intBytes(int value) {
    return ByteBuffer.allocate(4).order(HOST).putInt(value).array();
  }

  @Override
  public String toString() {
    return "IcmpSocket[" + family + " " + kind + ", fd " + fd + "]";
  }
}
