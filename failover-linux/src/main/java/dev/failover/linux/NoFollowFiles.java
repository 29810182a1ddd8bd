package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.Locale;

/**
 * Reads a small file that someone else may swap under us, such as the sticky-provider file: opens
 * it with {@code O_NOFOLLOW | O_NONBLOCK}, so that a symbolic link is refused and a FIFO never
 * blocks the caller, checks the type of what was opened (through the descriptor, not the path), and
 * reads at most a bounded number of bytes.
 *
 * <p>The JDK cannot open a file without blocking ({@code java.nio} has no {@code O_NONBLOCK}), and
 * a type check on the path before the open leaves a window in which a FIFO takes the file's place;
 * an open FIFO without a writer hangs the reading thread for good. Stateless and thread-safe.
 */
public final class NoFollowFiles {
  private static final String ARCH = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
  private static final boolean MIPS = ARCH.startsWith("mips");

  /** ARM and POWER number O_NOFOLLOW 0100000; x86, RISC-V and MIPS 0400000. */
  private static final boolean ARM_LIKE =
      ARCH.startsWith("aarch64") || ARCH.startsWith("arm") || ARCH.startsWith("ppc");

  private static final int O_RDONLY = 0;
  private static final int O_NONBLOCK = MIPS ? 0x80 : 0x800;
  private static final int O_NOFOLLOW = ARM_LIKE ? 0x8000 : 0x20000;
  private static final int O_CLOEXEC = 0x80000;
  private static final int ENOENT = 2;
  private static final int EINTR = 4;
  private static final int ELOOP = MIPS ? 90 : 40;

  private NoFollowFiles() {}

  /**
   * Reads at most {@code maxBytes + 1} bytes of {@code file}, so that the caller can tell a file
   * that is too large.
   *
   * @throws NoSuchFileException if there is no file (a dangling symbolic link is refused instead)
   * @throws FileSystemException if {@code file} is a symbolic link, or not a regular file (a FIFO,
   *     a folder, a device); the reason says which, never the content
   * @throws IOException if it cannot be opened or read
   */
  public static byte[] read(Path file, int maxBytes) throws IOException {
    return read(file, maxBytes, O_NOFOLLOW);
  }

  /**
   * As {@link #read}, but following symbolic links: for a file that may be a link (the config
   * file), which must still be a regular file once open, and is still opened without blocking.
   *
   * @throws NoSuchFileException if there is no file
   * @throws FileSystemException if it is not a regular file once open; the reason says which
   * @throws IOException if it cannot be opened or read
   */
  public static byte[] readFollowingLinks(Path file, int maxBytes) throws IOException {
    return read(file, maxBytes, 0);
  }

  private static byte[] read(Path file, int maxBytes, int linkFlag) throws IOException {
    checkNotNull(file, "file");
    checkArgument(maxBytes >= 0, "maxBytes must be >= 0, was %s", maxBytes);
    int fd = LibC.open(file.toString(), O_RDONLY | linkFlag | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      int errno = Native.getLastError();
      if (errno == ENOENT) {
        throw new NoSuchFileException(file.toString());
      }
      if (errno == ELOOP) {
        throw new FileSystemException(
            file.toString(), null, "is a symbolic link, which is not followed");
      }
      throw new FileSystemException(file.toString(), null, "cannot open: " + LibC.describe(errno));
    }
    try {
      // The type of what the descriptor holds: /proc/self/fd/N names the opened file itself.
      BasicFileAttributes opened =
          Files.readAttributes(Path.of("/proc/self/fd/" + fd), BasicFileAttributes.class);
      if (!opened.isRegularFile()) {
        String kind = opened.isDirectory() ? "a folder" : "a FIFO, socket or device";
        throw new FileSystemException(
            file.toString(), null, "is not a regular file (" + kind + ")");
      }
      byte[] buffer = new byte[maxBytes + 1];
      int filled = 0;
      while (filled < buffer.length) {
        byte[] chunk = new byte[buffer.length - filled];
        long n = LibC.read(fd, chunk, new NativeLong(chunk.length)).longValue();
        if (n < 0) {
          int errno = Native.getLastError();
          if (errno == EINTR) {
            continue;
          }
          throw new FileSystemException(
              file.toString(), null, "cannot read: " + LibC.describe(errno));
        }
        if (n == 0) {
          break;
        }
        System.arraycopy(chunk, 0, buffer, filled, (int) n);
        filled += (int) n;
      }
      return Arrays.copyOf(buffer, filled);
    } finally {
      LibC.close(fd);
    }
  }

  /** The libc functions used; errno is read with {@link Native#getLastError()} after a failure. */
  private static final class LibC {
    static {
      Native.register("c");
    }

    static native int open(String path, int flags);

    static native NativeLong read(int fd, byte[] buffer, NativeLong length);

    static native int close(int fd);

    static native String strerror(int errno);

    static String describe(int errno) {
      String text = strerror(errno);
      return text == null || text.isEmpty() ? "errno " + errno : text;
    }
  }
}
