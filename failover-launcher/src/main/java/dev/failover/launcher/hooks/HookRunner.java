package dev.failover.launcher.hooks;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.launcher.hooks.HookFiles.Listing;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the hooks of {@code hooks_dir} for each event, on a thread of its own, one event at a time
 * and in the order the events came.
 *
 * <p>{@link #submit} only queues the event (at most {@value #MAX_QUEUED_EVENTS}; more are dropped
 * with a warning), so the tick thread that reports an event never waits for a hook. For each event,
 * the hooks ({@link HookFiles}: owned by root, not writable by group or others, in name order) run
 * one after the other, each as an argument list without a shell, with the daemon's environment plus
 * the event's {@code FAILOVER_*} variables (stale ones removed), standard input from {@code
 * /dev/null}, the root folder as working folder, and standard output and error captured together
 * (the first {@value #MAX_OUTPUT_BYTES} bytes kept, the rest read and dropped, so a chatty hook
 * never blocks on a full pipe).
 *
 * <p>A hook that is still running after {@code hook_timeout} is killed: its process and their
 * children get SIGTERM, and SIGKILL {@value #KILL_GRACE_MILLIS} ms later if they are still there.
 * Every hook's end is logged with its exit status, duration and output: INFO when it exited with 0
 * (output at DEBUG), WARN when it failed, timed out, could not start or was refused. The {@link
 * HookObserver} hears of each (for the metrics).
 *
 * <p>The thread exists only while there is work (it ends after a minute idle). {@link #stop} stops
 * taking events and waits a bounded time for the queued ones, so that a {@code stopping} hook still
 * runs when the daemon exits. Thread-safe.
 */
public final class HookRunner {
  private static final Logger logger = LoggerFactory.getLogger(HookRunner.class);

  /** Events waiting beyond this are dropped: a hook that always times out must not grow memory. */
  static final int MAX_QUEUED_EVENTS = 64;

  /** Output kept per hook run, for the log. */
  static final int MAX_OUTPUT_BYTES = 4096;

  /** Between SIGTERM and SIGKILL of a hook that timed out; also how long its output may lag. */
  static final long KILL_GRACE_MILLIS = 1_000;

  private static final File DEV_NULL = new File("/dev/null");

  private final HookFiles files;
  private final Duration timeout;
  private final HookObserver observer;
  private final ThreadPoolExecutor executor;
  private final AtomicInteger outputThreads = new AtomicInteger();

  /**
   * Hooks owned by root.
   *
   * @param folder {@code hooks_dir}
   * @param timeout {@code hook_timeout}
   * @param observer told of each hook's end
   * @throws IllegalArgumentException if {@code timeout} is not positive
   */
  public HookRunner(Path folder, Duration timeout, HookObserver observer) {
    this(folder, timeout, observer, 0);
  }

  /** Hooks owned by {@code trustedUid}: for tests that do not run as root. */
  HookRunner(Path folder, Duration timeout, HookObserver observer, int trustedUid) {
    this.files = new HookFiles(checkNotNull(folder, "folder"), trustedUid);
    this.timeout = checkNotNull(timeout, "timeout");
    checkArgument(
        !timeout.isNegative() && !timeout.isZero(), "timeout must be > 0, was %s", timeout);
    this.observer = checkNotNull(observer, "observer");
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            1,
            TimeUnit.MINUTES,
            new ArrayBlockingQueue<>(MAX_QUEUED_EVENTS),
            runnable -> {
              Thread thread = new Thread(runnable, "failover-hooks-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    executor.allowCoreThreadTimeOut(true);
  }

  /** The hooks folder. */
  public Path folder() {
    return files.folder();
  }

  /**
   * Logs which hooks the folder holds and which are refused; for the start of the daemon, so that a
   * refused hook is noticed before the first event needs it.
   */
  public void describe() {
    try {
      Listing listing = files.list();
      listing.refused().forEach(refusal -> logger.warn(refusal.message()));
      if (!listing.hooks().isEmpty()) {
        logger.info(
            "hooks in {} (run in this order on every event): {}",
            files.folder(),
            listing.hooks().stream().map(p -> p.getFileName().toString()).toList());
      } else if (listing.refused().isEmpty()) {
        logger.debug("no hooks in {}", files.folder());
      }
    } catch (IOException e) {
      logger.warn("cannot read hooks_dir {}: {}", files.folder(), e.toString());
    }
  }

  /**
   * Queues {@code event}; returns at once.
   *
   * @return false if it was dropped: too many events waiting, or the runner stopped
   */
  public boolean submit(HookEvent event) {
    checkNotNull(event, "event");
    try {
      executor.execute(() -> runAll(event));
      return true;
    } catch (RejectedExecutionException e) {
      if (executor.isShutdown()) {
        logger.debug("hooks stopped; {} not run", event);
      } else {
        logger.warn(
            "{} dropped: {} events are waiting for the hooks (is a hook hanging until its"
                + " timeout every time?)",
            event,
            executor.getQueue().size());
      }
      observer.eventDropped(event);
      return false;
    }
  }

  /**
   * Takes no more events and waits at most {@code limit} for the queued ones; a hook still running
   * then is killed (and the events behind it are not run).
   *
   * @return whether every queued event ran in time
   */
  public boolean stop(Duration limit) {
    executor.shutdown();
    try {
      if (executor.awaitTermination(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        return true;
      }
      logger.warn("hooks still running after {} ms at stop; killing them", limit.toMillis());
      executor.shutdownNow(); // interrupts the running hook, which kills its process
      executor.awaitTermination(2 * KILL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
      return false;
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void runAll(HookEvent event) {
    Listing listing;
    try {
      listing = files.list();
    } catch (IOException e) {
      logger.warn("cannot read hooks_dir {}; no hook runs for {}: {}", files.folder(), event, e);
      return;
    }
    for (HookFiles.Refusal refusal : listing.refused()) {
      logger.warn("{}; not run for {}", refusal.message(), event);
      observer.hookRefused(refusal.name(), event);
    }
    for (Path hook : listing.hooks()) {
      if (Thread.currentThread().isInterrupted()) {
        return;
      }
      run(hook, event);
    }
  }

  private void run(Path hook, HookEvent event) {
    String name = hook.getFileName().toString();
    ProcessBuilder builder =
        new ProcessBuilder(List.of(hook.toString()))
            .directory(new File("/"))
            .redirectInput(ProcessBuilder.Redirect.from(DEV_NULL))
            .redirectErrorStream(true);
    Map<String, String> environment = builder.environment();
    environment.keySet().removeIf(variable -> variable.startsWith("FAILOVER_"));
    environment.putAll(event.variables());
    long start = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      logger.warn("hook {} could not start for {}: {}", hook, event, e.getMessage());
      observer.hookFinished(name, event, HookResult.Outcome.NOT_STARTED);
      return;
    }
    observer.hookStarted(name, event);
    OutputCapture output = new OutputCapture(process.getInputStream());
    Thread reader = new Thread(output, "failover-hook-output-" + outputThreads.incrementAndGet());
    reader.setDaemon(true);
    reader.start();
    HookResult.Outcome outcome;
    boolean interrupted = false;
    try {
      if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        outcome =
            process.exitValue() == 0 ? HookResult.Outcome.SUCCEEDED : HookResult.Outcome.FAILED;
      } else {
        kill(process);
        outcome = HookResult.Outcome.TIMED_OUT;
      }
    } catch (InterruptedException e) {
      kill(process);
      outcome = HookResult.Outcome.TIMED_OUT;
      interrupted = true;
    }
    // The output may lag the exit a little; a grandchild that kept the pipe open is not waited for.
    try {
      reader.join(KILL_GRACE_MILLIS);
    } catch (InterruptedException e) {
      interrupted = true;
    }
    HookResult result =
        new HookResult(
            name,
            outcome,
            process.isAlive() ? -1 : process.exitValue(),
            Duration.ofNanos(System.nanoTime() - start),
            output.text());
    log(hook, event, result, interrupted);
    observer.hookFinished(name, event, outcome);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void log(Path hook, HookEvent event, HookResult result, boolean stopping) {
    String output = result.output().isEmpty() ? "(no output)" : "output: " + result.output();
    switch (result.outcome()) {
      case SUCCEEDED -> {
        logger.info("hook {} for {} exited with 0 in {} ms", hook, event, result.took().toMillis());
        logger.debug("hook {} {}", hook, output);
      }
      case FAILED ->
          logger.warn(
              "hook {} for {} failed: exit status {} after {} ms; {}",
              hook,
              event,
              result.exitStatus(),
              result.took().toMillis(),
              output);
      default ->
          logger.warn(
              "hook {} for {} {}; killed after {} ms (exit status {}); {}",
              hook,
              event,
              stopping
                  ? "still running when the daemon stopped"
                  : "timed out (hook_timeout " + timeout.toMillis() + " ms)",
              result.took().toMillis(),
              result.exitStatus(),
              output);
    }
  }

  /**
   * SIGTERM to the hook and what it started, then SIGKILL to what is left after a grace. The tree
   * is listed first (once the hook is gone, its children are no longer its descendants), and the
   * hook is signalled before its children: the other way round, a shell waiting for a child it
   * started would see that child end and run its next command before its own signal came.
   */
  private static void kill(Process process) {
    List<ProcessHandle> tree = process.descendants().toList();
    process.destroy();
    tree.forEach(ProcessHandle::destroy);
    boolean exited = false;
    try {
      exited = process.waitFor(KILL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle child : tree) {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
    }
    if (!exited) {
      process.destroyForcibly();
      try {
        process.waitFor(KILL_GRACE_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Reads a hook's output to its end, keeping the first {@value #MAX_OUTPUT_BYTES} bytes. */
  private static final class OutputCapture implements Runnable {
    private final InputStream in;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private boolean truncated;

    OutputCapture(InputStream in) {
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[1024];
      try (in) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          synchronized (this) {
            int room = MAX_OUTPUT_BYTES - kept.size();
            kept.write(buffer, 0, Math.min(room, n));
            truncated |= n > room;
          }
        }
      } catch (IOException e) {
        // The pipe closed under us (the process was killed): what was read is kept.
      }
    }

    /** What was read so far, on one line per line break, trimmed. */
    synchronized String text() {
      String text = kept.toString(StandardCharsets.UTF_8).strip().replace("\n", " | ");
      return truncated ? text + " ... (cut at " + MAX_OUTPUT_BYTES + " bytes)" : text;
    }
  }
}
