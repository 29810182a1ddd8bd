package dev.failover.launcher.config;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads a file that must be a regular one, opened with {@code O_NONBLOCK}: if it was replaced by a
 * FIFO after it was looked at, the open returns at once instead of waiting for a writer, and the
 * open file is looked at again (through {@code /proc/self/fd}) before a byte is read. The JDK
 * cannot open a file non-blocking, so {@code open(2)} and {@code read(2)} are called through JNA's
 * direct mapping, as failover-linux calls its sockets.
 *
 * <p>{@code O_NONBLOCK} and {@code O_NOCTTY} differ on MIPS and are chosen here once; {@code
 * O_CLOEXEC} does not. Stateless and thread-safe.
 */
final class NonBlockingOpen {
  private static final boolean MIPS =
      System.getProperty("os.arch", "").toLowerCase(Locale.ROOT).startsWith("mips");
  private static final int O_RDONLY = 0;
  private static final int O_NONBLOCK = MIPS ? 0x80 : 0x800;
  private static final int O_NOCTTY = MIPS ? 0x800 : 0x100;
  private static final int O_CLOEXEC = 0x80000;
  private static final int EINTR = 4;

  private NonBlockingOpen() {}

  /** The libc functions used; errno is read with {@link Native#getLastError()} after a failure. */
  private static final class LibC {
    static {
      Native.register("c");
    }

    private LibC() {}

    static native int open(byte[] path, int flags);

    static native NativeLong read(int fd, byte[] buffer, NativeLong count);

    static native int close(int fd);

    static native String strerror(int errno);
  }

  /**
   * At most {@code limit} bytes of {@code file}, which must be a regular file when it is open.
   *
   * @throws IOException if it cannot be opened or read, or is not a regular file once open
   */
  static byte[] readRegular(Path file, int limit) throws IOException {
    Charset names = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    byte[] name = file.toString().getBytes(names);
    byte[] path = Arrays.copyOf(name, name.length + 1); // NUL-terminated
    int fd = LibC.open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
      throw new IOException(describe(Native.getLastError()));
    }
    try {
      BasicFileAttributes open =
          Files.readAttributes(Path.of("/proc/self/fd", Integer.toString(fd)),
              BasicFileAttributes.class);
      if (!open.isRegularFile()) {
        throw new IOException("not a regular file once opened (it was replaced)");
      }
      byte[] buffer = new byte[limit];
      byte[] chunk = new byte[Math.min(64 * 1024, limit)];
      int filled = 0;
      while (filled < limit) {
        int wanted = Math.min(chunk.length, limit - filled);
        long count = LibC.read(fd, chunk, new NativeLong(wanted)).longValue();
        if (count < 0) {
          int errno = Native.getLastError();
          if (errno == EINTR) {
            continue;
          }
          throw new IOException(describe(errno));
        }
        if (count == 0) {
          break;
        }
        System.arraycopy(chunk, 0, buffer, filled, (int) count);
        filled += (int) count;
      }
      return Arrays.copyOf(buffer, filled);
    } finally {
      LibC.close(fd);
    }
  }

  private static String describe(int errno) {
    String text = LibC.strerror(errno);
    return text == null || text.isEmpty() ? "errno " + errno : text;
  }
}
