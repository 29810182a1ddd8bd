package dev.failover.launcher.systemd;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The C library calls an {@code AF_UNIX} datagram socket needs, through JNA's direct mapping (no
 * reflection per call), as failover-linux binds its netlink and ICMP sockets. The JDK 17 cannot
 * help: its {@code DatagramChannel} has no {@code AF_UNIX} support and no abstract names.
 *
 * <p>errno is read with {@link Native#getLastError()} right after a call that failed. {@code
 * SOCK_DGRAM} differs on MIPS and is chosen here once.
 */
final class UnixDatagram {
  static {
    Native.register("c");
  }

  private static final boolean MIPS =
      System.getProperty("os.arch", "").toLowerCase(Locale.ROOT).startsWith("mips");

  static final int AF_UNIX = 1;
  static final int SOCK_DGRAM = MIPS ? 1 : 2;
  static final int SOCK_CLOEXEC = 0x80000;

  /** No SIGPIPE if the receiver is gone; the send fails with an errno instead. */
  static final int MSG_NOSIGNAL = 0x4000;

  static final int MSG_DONTWAIT = 0x40;

  /** {@code sun_path}'s size in {@code struct sockaddr_un}. */
  static final int PATH_SIZE = 108;

  private UnixDatagram() {}

  static native int socket(int domain, int type, int protocol);

  static native int bind(int fd, byte[] address, int length);

  static native NativeLong sendto(
      int fd, byte[] buffer, NativeLong length, int flags, byte[] address, int addressLength);

  static native NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags);

  static native int close(int fd);

  static native String strerror(int errno);

  /** A new {@code AF_UNIX} datagram socket, close-on-exec; -1 and errno on failure. */
  static int open() {
    return socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  }

  /**
   * The {@code struct sockaddr_un} of {@code name}: a path, or an abstract name when it starts with
   * {@code @} (sd_notify(3)), whose first byte is then a NUL and whose length counts no trailing
   * NUL.
   *
   * @throws IllegalArgumentException if the name is empty or longer than {@code sun_path} allows
   */
  static byte[] address(String name) {
    checkNotNull(name, "name");
    boolean abstractName = name.startsWith("@");
    byte[] bytes = (abstractName ? name.substring(1) : name).getBytes(StandardCharsets.UTF_8);
    checkArgument(bytes.length > 0, "a unix socket name must not be empty, was '%s'", name);
    checkArgument(
        bytes.length < PATH_SIZE,
        "a unix socket name must be shorter than %s bytes, was %s bytes: '%s'",
        PATH_SIZE,
        bytes.length,
        name);
    ByteBuffer address = ByteBuffer.allocate(2 + 1 + bytes.length).order(ByteOrder.nativeOrder());
    address.putShort((short) AF_UNIX);
    if (abstractName) {
      address.put((byte) 0).put(bytes);
    } else {
      address.put(bytes).put((byte) 0);
    }
    return address.array();
  }

  /** The C library's text for {@code errno}. */
  static String describe(int errno) {
    String text = strerror(errno);
    return text == null || text.isEmpty() ? "errno " + errno : text;
  }
}
