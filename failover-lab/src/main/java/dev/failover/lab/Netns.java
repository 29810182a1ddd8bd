package dev.failover.lab;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Runs Java code inside a named network namespace ({@code /run/netns/NAME}, as {@code ip netns add}
 * makes it) by moving a dedicated thread into it with {@code setns(2)}.
 *
 * <p>{@code setns(CLONE_NEWNET)} changes the namespace of the calling thread only. Sockets that the
 * thread opens, and processes it starts, live in the namespace; the rest of the JVM is untouched.
 * The thread is never handed back to a pool shared with other code: {@link #call} uses a new thread
 * per call, and {@link #threadFactory} makes threads that belong to the namespace for their whole
 * life. Needs {@code CAP_SYS_ADMIN} (root).
 */
public final class Netns {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final int CLONE_NEWNET = 0x40000000;
  private static final int O_RDONLY_CLOEXEC = 0x80000;

  private Netns() {}

  /** The C library calls used; errors surface as {@link LastErrorException} carrying errno. */
  private interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int open(String path, int flags) throws LastErrorException;

    int setns(int fd, int nstype) throws LastErrorException;

    int close(int fd) throws LastErrorException;
  }

  /** The file that names namespace {@code name}. */
  public static Path path(String name) {
    checkNotNull(name, "name");
    checkArgument(NAME.matcher(name).matches(), "namespace name must match %s, was '%s'", NAME, name);
    return Path.of("/run/netns", name);
  }

  /**
   * Moves the calling thread into namespace {@code name}, for good. Only for threads the caller
   * owns and that never return to shared code.
   *
   * @throws IllegalStateException if the namespace does not exist or the call is refused
   */
  public static void enter(String name) {
    Path path = path(name);
    if (!Files.exists(path)) {
      throw new IllegalStateException("network namespace '" + name + "' does not exist: " + path);
    }
    int fd;
    try {
      fd = LibC.INSTANCE.open(path.toString(), O_RDONLY_CLOEXEC);
    } catch (LastErrorException e) {
      throw new IllegalStateException("cannot open " + path + ": errno " + e.getErrorCode(), e);
    }
    try {
      LibC.INSTANCE.setns(fd, CLONE_NEWNET);
    } catch (LastErrorException e) {
      throw new IllegalStateException(
          "setns into '" + name + "' refused: errno " + e.getErrorCode() + " (needs root)", e);
    } finally {
      LibC.INSTANCE.close(fd);
    }
  }

  /**
   * Runs {@code task} on a new thread inside namespace {@code name} and returns its result.
   *
   * @throws ExecutionException wrapping what {@code task} threw
   * @throws IllegalStateException (inside the ExecutionException) if the namespace cannot be entered
   */
  public static <T> T call(String name, Callable<T> task)
      throws ExecutionException, InterruptedException {
    checkNotNull(task, "task");
    path(name);
    FutureTask<T> future =
        new FutureTask<>(
            () -> {
              enter(name);
              return task.call();
            });
    Thread thread = new Thread(future, "netns-" + name);
    thread.setDaemon(true);
    thread.start();
    return future.get();
  }

  /**
   * A thread factory whose threads enter namespace {@code name} before running anything, so that an
   * executor built on it runs every task in that namespace.
   */
  public static ThreadFactory threadFactory(String name) {
    path(name);
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread =
          new Thread(
              () -> {
                enter(name);
                runnable.run();
              },
              "netns-" + name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
