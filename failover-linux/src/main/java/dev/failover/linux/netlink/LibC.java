package dev.failover.linux.netlink;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * The C library calls and constants the netlink sockets need, through JNA's direct mapping (no
 * reflection per call), in the style of {@code IcmpSocket}'s binding. errno is read with {@link
 * Native#getLastError()} right after a call that failed.
 *
 * <p>The socket-level constants and a few errno values differ on MIPS; they are chosen here once.
 * Other architectures with their own values (Alpha, PA-RISC, SPARC) are not supported.
 */
final class LibC {
  static {
    Native.register("c");
  }

  private static final boolean MIPS =
      System.getProperty("os.arch", "").toLowerCase(Locale.ROOT).startsWith("mips");

  static final int AF_NETLINK = 16;
  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int NETLINK_ROUTE = 0;
  static final int NETLINK_NETFILTER = 12;

  static final int SOL_SOCKET = MIPS ? 0xffff : 1;
  static final int SO_SNDBUF = MIPS ? 0x1001 : 7;
  static final int SO_RCVBUF = MIPS ? 0x1002 : 8;
  static final int SO_SNDBUFFORCE = MIPS ? 31 : 32;
  static final int SO_RCVBUFFORCE = 33;

  static final int SOL_NETLINK = 270;
  static final int NETLINK_ADD_MEMBERSHIP = 1;
  static final int NETLINK_CAP_ACK = 10;
  static final int NETLINK_EXT_ACK = 11;
  static final int NETLINK_GET_STRICT_CHK = 12;

  static final int MSG_TRUNC = 0x20;
  static final int MSG_DONTWAIT = 0x40;
  static final int POLLIN = 0x1;
  static final int EFD_NONBLOCK = MIPS ? 0x80 : 0x800;
  static final int EFD_CLOEXEC = 0x80000;

  static final int ENOENT = 2;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int EEXIST = 17;
  static final int ENODEV = 19;
  static final int ENOPROTOOPT = MIPS ? 99 : 92;
  static final int ETIMEDOUT = MIPS ? 145 : 110;
  static final int ENOBUFS = MIPS ? 132 : 105;

  private LibC() {}

  static native int socket(int domain, int type, int protocol);

  static native int bind(int fd, byte[] address, int length);

  static native int setsockopt(int fd, int level, int name, byte[] value, int length);

  static native int getsockopt(int fd, int level, int name, byte[] value, int[] length);

  static native int getsockname(int fd, byte[] address, int[] length);

  static native NativeLong sendto(
      int fd, byte[] buffer, NativeLong length, int flags, byte[] address, int addressLength);

  /** Reads into {@code buffer} from its first byte; it must be a direct buffer. */
  static native NativeLong recvfrom(
      int fd, ByteBuffer buffer, NativeLong length, int flags, byte[] address, int[] addressLength);

  static native int poll(byte[] fds, NativeLong count, int timeoutMillis);

  static native int close(int fd);

  static native int eventfd(int initialValue, int flags);

  static native NativeLong read(int fd, byte[] buffer, NativeLong length);

  static native NativeLong write(int fd, byte[] buffer, NativeLong length);

  static native String strerror(int errno);

  /** The C library's text for {@code errno}, such as {@code No such file or directory}. */
  static String describe(int errno) {
    // glibc's strerror returns a constant string for known values and a thread-local one else.
    String text = strerror(errno);
    return text == null || text.isEmpty() ? "errno " + errno : text;
  }
}
