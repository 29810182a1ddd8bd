package dev.failover.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ScheduledExecutorService} that runs nothing until the test tells it to, in the fake time
 * of a {@link FakeClock}.
 *
 * <p>Every {@code schedule*}, {@code execute} and {@code submit} call only records the task with
 * its due time (now plus the delay; {@code execute} and {@code submit} are due now). {@link
 * #advance} moves the clock from one due time to the next and runs each task that falls due, in due
 * order (ties in submission order), so a task sees the clock at its own due time; {@link
 * #runDueTasks} runs what is due without moving the clock. Periodic tasks re-arm after each run: at
 * a fixed rate from their previous due time, or with a fixed delay from the time the run ended.
 * Tasks run on the thread that calls {@code advance} or {@code runDueTasks}; calling either from
 * inside a task throws {@link IllegalStateException}.
 *
 * <p>Failures follow {@link java.util.concurrent.ScheduledThreadPoolExecutor}: a task's exception
 * (or error) completes its future exceptionally, stops a periodic task, and is not rethrown; {@link
 * #failures()} lists them, so that a test can assert there were none. A negative delay counts as
 * zero.
 *
 * <p>Shutdown follows the JDK defaults too: after {@link #shutdown()} new tasks are rejected with
 * {@link RejectedExecutionException}, periodic tasks are cancelled, and one-shot tasks still run
 * when due; {@link #shutdownNow()} removes and returns every pending task. {@link
 * #awaitTermination} never waits for fake time to pass: it returns {@link #isTerminated()} at once,
 * or waits in real time, up to its timeout, only while another thread is running tasks.
 *
 * <p>The returned futures support {@code cancel}, {@code isDone}, {@code isCancelled} and {@code
 * getDelay} (in fake time). Because tasks only run when the test drives the scheduler, {@code get()}
 * never blocks: on a task that has not finished it throws {@link IllegalStateException}. {@code
 * get(timeout, unit)} waits, boundedly by its timeout in real time, only while another thread is
 * running this scheduler's tasks; otherwise it throws {@link TimeoutException} at once.
 * {@code invokeAll} and {@code invokeAny} run their tasks immediately on the calling thread, since
 * they must return completed futures; their timeouts are ignored.
 *
 * <p>Thread-safe. A single {@code advance} or {@code runDueTasks} call runs at most {@link
 * #MAX_TASKS_PER_CALL} tasks and then throws {@link IllegalStateException}, so that a task that
 * keeps re-submitting itself with no delay fails the test instead of hanging it.
 */
public final class FakeScheduler implements ScheduledExecutorService {
  /** The most tasks one {@link #advance} or {@link #runDueTasks} call runs before giving up. */
  public static final int MAX_TASKS_PER_CALL = 1_000_000;

  private enum State {
    PENDING,
    RUNNING,
    COMPLETED,
    FAILED,
    CANCELLED
  }

  private final FakeClock clock;
  private final Object lock = new Object();
  private final PriorityQueue<Task<?>> queue =
      new PriorityQueue<>(
          Comparator.<Task<?>>comparingLong(t -> t.due).thenComparingLong(t -> t.sequence));
  /** Held while tasks run, so that two drivers never interleave and re-entry is detected. */
  private final ReentrantLock driving = new ReentrantLock();

  private final List<Throwable> failures = new ArrayList<>();
  private long sequence;
  private int running;
  private boolean shutdown;

  /** A scheduler on a new {@link FakeClock} at {@link FakeClock#DEFAULT_START}. */
  public FakeScheduler() {
    this(new FakeClock());
  }

  /**
   * A scheduler driven by {@code clock}. The test may share the clock with the code under test and
   * may also advance it directly; tasks that fell due that way run on the next {@link
   * #runDueTasks} or {@link #advance}.
   */
  public FakeScheduler(FakeClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The clock this scheduler reads and advances. */
  public FakeClock clock() {
    return clock;
  }

  /**
   * Advances the clock by {@code step}, running every task that falls due on the way, each at its
   * own due time, in due order, including tasks that those tasks schedule within the step.
   *
   * @return how many tasks ran
   * @throws IllegalArgumentException if {@code step} is negative
   * @throws IllegalStateException if called from inside a task, or more than {@link
   *     #MAX_TASKS_PER_CALL} tasks would run
   */
  public int advance(Duration step) {
    Objects.requireNonNull(step, "step");
    if (step.isNegative()) {
      throw new IllegalArgumentException("step must be >= 0 (time never goes back), was " + step);
    }
    long target = saturatedAdd(clock.nanoTime(), FakeClock.toNanos(step, "step"));
    return drive(target, true);
  }

  /**
   * Runs every task that is due at the current time, including tasks they submit with no delay,
   * without moving the clock.
   *
   * @return how many tasks ran
   * @throws IllegalStateException if called from inside a task, or more than {@link
   *     #MAX_TASKS_PER_CALL} tasks would run
   */
  public int runDueTasks() {
    return drive(clock.nanoTime(), false);
  }

  private int drive(long target, boolean moveClock) {
    if (driving.isHeldByCurrentThread()) {
      throw new IllegalStateException(
          "a task must not drive the FakeScheduler that runs it (advance or runDueTasks called"
              + " from inside a task)");
    }
    driving.lock();
    try {
      int ran = 0;
      while (true) {
        Task<?> next;
        synchronized (lock) {
          // A task may have advanced the clock itself; what is due by then is due now.
          long limit = Math.max(target, clock.nanoTime());
          next = queue.peek();
          if (next == null || next.due > limit) {
            break;
          }
          queue.poll();
        }
        if (ran == MAX_TASKS_PER_CALL) {
          synchronized (lock) {
            queue.add(next);
          }
          throw new IllegalStateException(
              "ran "
                  + MAX_TASKS_PER_CALL
                  + " tasks in one call and more are due: a task probably re-submits itself with"
                  + " no delay");
        }
        long now = clock.nanoTime();
        if (moveClock && next.due > now) {
          clock.advance(Duration.ofNanos(next.due - now));
        }
        run(next, true);
        ran++;
      }
      if (moveClock) {
        long now = clock.nanoTime();
        if (target > now) {
          clock.advance(Duration.ofNanos(target - now));
        }
      }
      return ran;
    } finally {
      driving.unlock();
    }
  }

  /** Runs {@code task} once on this thread and re-arms it if it is periodic and may continue. */
  private void run(Task<?> task, boolean rearm) {
    synchronized (lock) {
      if (task.state != State.PENDING) {
        return;
      }
      task.state = State.RUNNING;
      running++;
    }
    try {
      Object value = task.callable.call();
      synchronized (lock) {
        if (task.state == State.RUNNING) {
          if (task.period == 0) {
            task.finish(State.COMPLETED, value, null);
          } else if (shutdown || !rearm) {
            task.finish(State.CANCELLED, null, null);
          } else {
            task.state = State.PENDING;
            task.due =
                task.period > 0
                    ? saturatedAdd(task.due, task.period)
                    : saturatedAdd(clock.nanoTime(), -task.period);
            task.sequence = sequence++;
            queue.add(task);
          }
        }
      }
    } catch (Throwable failure) {
      // As ScheduledThreadPoolExecutor does: the failure completes the future and stops a
      // periodic task; it is kept for failures() rather than thrown into the test's thread.
      synchronized (lock) {
        failures.add(failure);
        if (task.state == State.RUNNING) {
          task.finish(State.FAILED, null, failure);
        }
      }
    } finally {
      synchronized (lock) {
        running--;
        lock.notifyAll();
      }
    }
  }

  /** How many tasks wait to run, periodic ones counted once. */
  public int pendingCount() {
    synchronized (lock) {
      return queue.size();
    }
  }

  /** How long until the next pending task is due (zero if overdue), or empty if none is pending. */
  public Optional<Duration> nextTaskDelay() {
    synchronized (lock) {
      Task<?> next = queue.peek();
      return next == null
          ? Optional.empty()
          : Optional.of(Duration.ofNanos(Math.max(0, next.due - clock.nanoTime())));
    }
  }

  /** Every exception or error thrown by a task so far, oldest first. */
  public List<Throwable> failures() {
    synchronized (lock) {
      return List.copyOf(failures);
    }
  }

  // ScheduledExecutorService

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return enqueue(Executors.callable(Objects.requireNonNull(command, "command")), delay, 0, unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    return enqueue(Objects.requireNonNull(callable, "callable"), delay, 0, unit);
  }

  /**
   * @throws IllegalArgumentException if {@code period} is not positive
   */
  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    Objects.requireNonNull(command, "command");
    if (period <= 0) {
      throw new IllegalArgumentException("period must be > 0, was " + period + " " + unit);
    }
    return enqueue(Executors.callable(command), initialDelay, Math.max(1, unit.toNanos(period)), unit);
  }

  /**
   * @throws IllegalArgumentException if {@code delay} is not positive
   */
  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    Objects.requireNonNull(command, "command");
    if (delay <= 0) {
      throw new IllegalArgumentException("delay must be > 0, was " + delay + " " + unit);
    }
    return enqueue(Executors.callable(command), initialDelay, -Math.max(1, unit.toNanos(delay)), unit);
  }

  /** Records {@code command} as due now; it runs on the next {@link #runDueTasks} or advance. */
  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public Future<?> submit(Runnable task) {
    return schedule(task, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public <T> Future<T> submit(Runnable task, T result) {
    Objects.requireNonNull(task, "task");
    return enqueue(Executors.callable(task, result), 0, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public <T> Future<T> submit(Callable<T> task) {
    return schedule(task, 0, TimeUnit.NANOSECONDS);
  }

  private <V> Task<V> enqueue(Callable<V> callable, long delay, long period, TimeUnit unit) {
    Objects.requireNonNull(unit, "unit");
    synchronized (lock) {
      if (shutdown) {
        throw new RejectedExecutionException("the FakeScheduler is shut down");
      }
      long due = saturatedAdd(clock.nanoTime(), Math.max(0, unit.toNanos(delay)));
      Task<V> task = new Task<>(callable, due, period, sequence++);
      queue.add(task);
      return task;
    }
  }

  /** Runs every task now, in order, on the calling thread; the futures are all done on return. */
  @Override
  public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) {
    List<Task<T>> created = new ArrayList<>();
    synchronized (lock) {
      if (shutdown) {
        throw new RejectedExecutionException("the FakeScheduler is shut down");
      }
      for (Callable<T> callable : tasks) {
        created.add(
            new Task<>(
                Objects.requireNonNull(callable, "task"), clock.nanoTime(), 0, sequence++));
      }
    }
    for (Task<T> task : created) {
      run(task, false);
    }
    return List.copyOf(created);
  }

  /** As {@link #invokeAll(Collection)}; the timeout is ignored, since tasks take no fake time. */
  @Override
  public <T> List<Future<T>> invokeAll(
      Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit) {
    return invokeAll(tasks);
  }

  /**
   * Runs the tasks in order on the calling thread until one succeeds, and returns its result.
   *
   * @throws ExecutionException with the last failure as its cause, if every task failed
   * @throws IllegalArgumentException if {@code tasks} is empty
   */
  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws ExecutionException {
    if (tasks.isEmpty()) {
      throw new IllegalArgumentException("tasks must not be empty");
    }
    ExecutionException last = null;
    for (Callable<T> callable : tasks) {
      Future<T> future = invokeAll(List.of(callable)).get(0);
      try {
        return future.get();
      } catch (ExecutionException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("unreachable: a finished future does not wait", e);
      }
    }
    throw Objects.requireNonNull(last);
  }

  /** As {@link #invokeAny(Collection)}; the timeout is ignored, since tasks take no fake time. */
  @Override
  public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
      throws ExecutionException {
    return invokeAny(tasks);
  }

  /**
   * Rejects new tasks and cancels periodic ones; pending one-shot tasks still run when due, as with
   * the JDK's scheduled executor.
   */
  @Override
  public void shutdown() {
    synchronized (lock) {
      shutdown = true;
      List<Task<?>> periodic = new ArrayList<>();
      for (Task<?> task : queue) {
        if (task.period != 0) {
          periodic.add(task);
        }
      }
      for (Task<?> task : periodic) {
        queue.remove(task);
        task.finish(State.CANCELLED, null, null);
      }
      lock.notifyAll();
    }
  }

  /**
   * Rejects new tasks and removes every pending one, returning them; their futures stay pending,
   * and running a returned {@link Runnable} runs its task once.
   */
  @Override
  public List<Runnable> shutdownNow() {
    synchronized (lock) {
      shutdown = true;
      List<Runnable> pending = new ArrayList<>();
      while (!queue.isEmpty()) {
        pending.add(queue.poll());
      }
      lock.notifyAll();
      return pending;
    }
  }

  @Override
  public boolean isShutdown() {
    synchronized (lock) {
      return shutdown;
    }
  }

  /** Whether the scheduler is shut down with no task pending or running. */
  @Override
  public boolean isTerminated() {
    synchronized (lock) {
      return shutdown && queue.isEmpty() && running == 0;
    }
  }

  /**
   * Returns {@link #isTerminated()}; waits in real time, up to {@code timeout}, only while another
   * thread is running tasks, since fake time passes only when the test drives the scheduler.
   */
  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + Math.max(0, unit.toNanos(timeout));
    synchronized (lock) {
      while (!isTerminated() && driving.isLocked() && !driving.isHeldByCurrentThread()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      return isTerminated();
    }
  }

  @Override
  public String toString() {
    synchronized (lock) {
      return "FakeScheduler[now="
          + clock.instant()
          + ", pending="
          + queue.size()
          + (shutdown ? ", shut down" : "")
          + "]";
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    // Overflow only when both have the same sign and the sum's sign differs.
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return sum;
  }

  /**
   * A recorded task and its future. {@code period} is 0 for a one-shot task, positive for a fixed
   * rate and negative for a fixed delay, as in {@code ScheduledThreadPoolExecutor}.
   */
  private final class Task<V> implements RunnableScheduledFuture<V> {
    final Callable<V> callable;
    final long period;
    long due;
    long sequence;
    State state = State.PENDING;
    @Nullable Object result;
    @Nullable Throwable failure;

    Task(Callable<V> callable, long due, long period, long sequence) {
      this.callable = callable;
      this.due = due;
      this.period = period;
      this.sequence = sequence;
    }

    /** Called with {@code lock} held. */
    void finish(State end, @Nullable Object value, @Nullable Throwable thrown) {
      state = end;
      result = value;
      failure = thrown;
      lock.notifyAll();
    }

    /** Runs the task once now, on the calling thread, without re-arming it. */
    @Override
    public void run() {
      FakeScheduler.this.run(this, false);
    }

    @Override
    public boolean isPeriodic() {
      return period != 0;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      synchronized (lock) {
        return unit.convert(due - clock.nanoTime(), TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public int compareTo(Delayed other) {
      if (other == this) {
        return 0;
      }
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    /** Cancels a pending or running task; {@code mayInterruptIfRunning} is ignored. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      synchronized (lock) {
        if (state != State.PENDING && state != State.RUNNING) {
          return false;
        }
        queue.remove(this);
        finish(State.CANCELLED, null, null);
        return true;
      }
    }

    @Override
    public boolean isCancelled() {
      synchronized (lock) {
        return state == State.CANCELLED;
      }
    }

    @Override
    public boolean isDone() {
      synchronized (lock) {
        return state == State.COMPLETED || state == State.FAILED || state == State.CANCELLED;
      }
    }

    /**
     * The result of a finished task.
     *
     * @throws IllegalStateException if the task has not finished: nothing would ever finish it
     *     while this thread waits, so this never blocks
     */
    @Override
    public V get() throws ExecutionException {
      synchronized (lock) {
        if (!isDone()) {
          throw new IllegalStateException(
              "the task has not run yet (due in "
                  + Duration.ofNanos(due - clock.nanoTime())
                  + "): advance the FakeScheduler first");
        }
        return outcome();
      }
    }

    /**
     * The result of a finished task, waiting up to {@code timeout} in real time only while another
     * thread is running this scheduler's tasks.
     */
    @Override
    public V get(long timeout, TimeUnit unit)
        throws InterruptedException, ExecutionException, TimeoutException {
      long deadline = System.nanoTime() + Math.max(0, unit.toNanos(timeout));
      synchronized (lock) {
        while (!isDone() && driving.isLocked() && !driving.isHeldByCurrentThread()) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            break;
          }
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        }
        if (!isDone()) {
          throw new TimeoutException(
              "the task has not run yet: fake time passes only when the FakeScheduler is advanced");
        }
        return outcome();
      }
    }

    @SuppressWarnings("unchecked")
    private V outcome() throws ExecutionException {
      if (state == State.CANCELLED) {
        throw new CancellationException("the task was cancelled");
      }
      if (state == State.FAILED) {
        throw new ExecutionException(failure);
      }
      return (V) result;
    }

    @Override
    public String toString() {
      synchronized (lock) {
        return "FakeScheduler.Task[" + state + ", due " + clock.start().plusNanos(due) + "]";
      }
    }
  }
}
