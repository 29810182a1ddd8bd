package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs an external program from an argument list, never through a shell, with a timeout, and
 * captures its exit code, standard output and standard error.
 *
 * <p>A runner may carry a prefix that is put before every command, such as {@code ip netns exec
 * NS}; production code uses none. The process is started from the calling thread, so it inherits
 * that thread's network namespace (as the lab module's {@code dev.failover.lab.Netns} arranges).
 *
 * <p>Thread-safe: any number of threads may run commands at once. A command that does not finish
 * within its timeout is killed, with its descendants, and reported as a {@link CommandException}.
 *
 * <p>Interrupts (a daemon that stops): a command is not started by a thread that is already
 * interrupted, and a command already running gets up to {@value #INTERRUPT_GRACE_MILLIS} ms more to
 * finish before it is killed, so that a stopping daemon does not cut a command halfway.
 */
public final class CommandRunner {
  /** The timeout of {@link #run(List)}: long enough for a slow command on a busy box. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** How long a running command may still take once its thread is interrupted. */
  static final long INTERRUPT_GRACE_MILLIS = 1_000;

  /**
   * Feeds the input pipe and drains the output pipes, so that neither a chatty process nor one that
   * does not read its input can block the caller past the timeout.
   */
  private static final ExecutorService DRAIN =
      Executors.newCachedThreadPool(
          new java.util.concurrent.ThreadFactory() {
            private final AtomicInteger count = new AtomicInteger();

            @Override
            public Thread newThread(Runnable runnable) {
              Thread thread = new Thread(runnable, "failover-command-drain-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            }
          });

  private final ImmutableList<String> prefix;
  private final Duration timeout;

  /** A runner without prefix and with {@link #DEFAULT_TIMEOUT}. */
  @Inject
  public CommandRunner() {
    this(List.of(), DEFAULT_TIMEOUT);
  }

  /**
   * A runner that puts {@code prefix} before every command.
   *
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public CommandRunner(List<String> prefix, Duration timeout) {
    this.prefix = ImmutableList.copyOf(checkNotNull(prefix, "prefix"));
    this.timeout = checkNotNull(timeout, "timeout");
    checkArgument(!timeout.isNegative() && !timeout.isZero(), "timeout must be > 0, was %s", timeout);
  }

  /** The prefix put before every command; empty for production use. */
  public List<String> prefix() {
    return prefix;
  }

  /** Runs {@code command} with no standard input and the runner's timeout. */
  public CommandResult run(List<String> command) throws CommandException {
    return run(command, "", timeout);
  }

  /**
   * Runs {@code command}, writes {@code stdin} to its standard input and closes it, and waits at
   * most {@code limit} for it to exit.
   *
   * @return the result, whatever the exit code
   * @throws CommandException if it could not be started, or was killed at {@code limit}
   */
  public CommandResult run(List<String> command, String stdin, Duration limit)
      throws CommandException {
    checkNotNull(command, "command");
    checkArgument(!command.isEmpty(), "command must not be empty");
    checkNotNull(stdin, "stdin");
    List<String> full = ImmutableList.<String>builder().addAll(prefix).addAll(command).build();
    if (Thread.currentThread().isInterrupted()) {
      throw new CommandException(full, "not started: the thread was interrupted", false, null);
    }
    long deadline = System.nanoTime() + limit.toNanos();
    Process process;
    try {
      process = new ProcessBuilder(full).start();
    } catch (IOException e) {
      throw new CommandException(full, "could not start: " + e.getMessage(), false, e);
    }
    Future<byte[]> out = DRAIN.submit(() -> readAll(process.getInputStream()));
    Future<byte[]> err = DRAIN.submit(() -> readAll(process.getErrorStream()));
    if (stdin.isEmpty()) {
      closeQuietly(process.getOutputStream());
    } else {
      // On its own thread: a process that does not read (a hung `ip`) would block a write of more
      // than a pipe's 64 KB, and the timeout below would never start. Killing it ends the write.
      DRAIN.execute(() -> feed(process.getOutputStream(), stdin));
    }
    boolean interrupted = false;
    try {
      boolean exited;
      try {
        exited = process.waitFor(remaining(deadline), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
        long grace = Math.min(remaining(deadline), TimeUnit.MILLISECONDS.toNanos(INTERRUPT_GRACE_MILLIS));
        exited = awaitExitUninterruptibly(process, grace);
        if (!exited) {
          kill(process);
          throw new CommandException(full, "interrupted, and did not finish within "
              + INTERRUPT_GRACE_MILLIS + " ms more; killed", false, e);
        }
      }
      if (!exited) {
        kill(process);
        throw new CommandException(
            full, "did not finish within " + limit.toMillis() + " ms and was killed", true, null);
      }
      // A descendant that inherited the pipes can keep them open; do not wait for it forever.
      long drainLimit = Math.max(remaining(deadline), TimeUnit.MILLISECONDS.toNanos(500));
      String stdout = decode(out.get(drainLimit, TimeUnit.NANOSECONDS));
      String stderr = decode(err.get(drainLimit, TimeUnit.NANOSECONDS));
      return new CommandResult(full, process.exitValue(), stdout, stderr);
    } catch (InterruptedException e) {
      // Interrupted again while reading the output of a process that has exited.
      interrupted = true;
      kill(process);
      throw new CommandException(full, "interrupted", false, e);
    } catch (ExecutionException | TimeoutException e) {
      kill(process);
      throw new CommandException(full, "could not read its output: " + e, false, e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** {@link Process#waitFor(long, TimeUnit)}, carried on through interrupts, which it restores. */
  private static boolean awaitExitUninterruptibly(Process process, long nanos) {
    long deadline = System.nanoTime() + nanos;
    boolean interrupted = false;
    try {
      // Bounded: every pass waits for what remains of the deadline.
      while (true) {
        try {
          return process.waitFor(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private static void feed(OutputStream in, String stdin) {
    try (in) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The process exited, was killed, or closed its input early; its exit code and stderr say why.
    }
  }

  private static void closeQuietly(OutputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Nothing was written; a process that is already gone needs no end of input.
    }
  }

  private static byte[] readAll(InputStream stream) throws IOException {
    try (stream) {
      return stream.readAllBytes();
    }
  }

  private static String decode(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  @Override
  public String toString() {
    return prefix.isEmpty() ? "CommandRunner" : "CommandRunner" + prefix;
  }
}
