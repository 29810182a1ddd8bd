package dev.failover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FakeSchedulerTest {
  private final FakeClock clock = new FakeClock();
  private final FakeScheduler scheduler = new FakeScheduler(clock);
  private final List<Duration> runs = new ArrayList<>();

  private Runnable recordRun() {
    return () -> runs.add(clock.elapsed());
  }

  private static Duration s(long seconds) {
    return Duration.ofSeconds(seconds);
  }

  @Test
  void schedule_delayedTask_runsOnlyOnceDueAndSeesItsDueTime() {
    scheduler.schedule(recordRun(), 5, TimeUnit.SECONDS);

    assertThat(scheduler.advance(s(4))).isZero();
    assertThat(runs).isEmpty();
    assertThat(scheduler.advance(s(3))).isEqualTo(1);

    assertThat(runs).containsExactly(s(5));
    assertThat(clock.elapsed()).isEqualTo(s(7));
    assertThat(scheduler.pendingCount()).isZero();
  }

  @Test
  void scheduleAtFixedRate_advanceTenSeconds_runsAtEveryPeriodAndStaysArmed() {
    scheduler.scheduleAtFixedRate(recordRun(), 1, 2, TimeUnit.SECONDS);

    scheduler.advance(s(10));

    assertThat(runs).containsExactly(s(1), s(3), s(5), s(7), s(9));
    assertThat(scheduler.pendingCount()).isEqualTo(1);
    assertThat(scheduler.nextTaskDelay()).contains(s(1));
  }

  @Test
  void scheduleAtFixedRate_clockJumpedAhead_catchesUpOnRunDueTasks() {
    scheduler.scheduleAtFixedRate(recordRun(), 0, 1, TimeUnit.SECONDS);
    clock.advance(Duration.ofMillis(3500));

    assertThat(scheduler.runDueTasks()).isEqualTo(4);

    // Fixed rate keeps its schedule, as ScheduledThreadPoolExecutor does: runs that fell behind
    // run back to back at the current time.
    assertThat(runs).containsOnly(Duration.ofMillis(3500));
    assertThat(scheduler.nextTaskDelay()).contains(Duration.ofMillis(500));
  }

  @Test
  void scheduleWithFixedDelay_taskTakingTime_nextRunCountsFromTheEnd() {
    scheduler.scheduleWithFixedDelay(
        () -> {
          runs.add(clock.elapsed());
          clock.advance(s(1)); // the task's own work takes a second
        },
        0,
        2,
        TimeUnit.SECONDS);

    scheduler.advance(s(10));

    assertThat(runs).containsExactly(s(0), s(3), s(6), s(9));
  }

  @Test
  void advance_tasksSubmittedOutOfOrder_runInDueOrderWithTiesInSubmissionOrder() {
    List<String> order = new ArrayList<>();
    scheduler.schedule(() -> order.add("c@3"), 3, TimeUnit.SECONDS);
    scheduler.schedule(() -> order.add("a@1"), 1, TimeUnit.SECONDS);
    scheduler.schedule(() -> order.add("b@1"), 1000, TimeUnit.MILLISECONDS);
    scheduler.execute(() -> order.add("now"));

    scheduler.advance(s(5));

    assertThat(order).containsExactly("now", "a@1", "b@1", "c@3");
  }

  @Test
  void advance_taskSchedulesAnotherWithinTheStep_runsItInTheSameCall() {
    scheduler.schedule(
        () -> {
          runs.add(clock.elapsed());
          scheduler.schedule(recordRun(), 2, TimeUnit.SECONDS);
        },
        1,
        TimeUnit.SECONDS);

    assertThat(scheduler.advance(s(3))).isEqualTo(2);

    assertThat(runs).containsExactly(s(1), s(3));
  }

  @Test
  void execute_recordsUntilRunDueTasks_withoutMovingTheClock() {
    scheduler.execute(recordRun());
    Future<String> submitted = scheduler.submit(() -> "done");

    assertThat(runs).isEmpty();
    assertThat(submitted.isDone()).isFalse();
    assertThat(scheduler.runDueTasks()).isEqualTo(2);

    assertThat(runs).containsExactly(Duration.ZERO);
    assertThat(submitted).isDone();
    assertThat(clock.elapsed()).isZero();
  }

  @Test
  void get_finishedTask_returnsTheResult() throws Exception {
    ScheduledFuture<String> future = scheduler.schedule(() -> "value", 1, TimeUnit.SECONDS);
    Future<Integer> withResult = scheduler.submit(() -> {}, 7);

    scheduler.advance(s(1));

    assertThat(future.get()).isEqualTo("value");
    assertThat(future.get(1, TimeUnit.NANOSECONDS)).isEqualTo("value");
    assertThat(withResult.get()).isEqualTo(7);
  }

  @Test
  void get_unfinishedTask_neverBlocks() {
    ScheduledFuture<String> future = scheduler.schedule(() -> "value", 1, TimeUnit.SECONDS);

    assertThatThrownBy(future::get)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("advance the FakeScheduler");
    // No other thread drives the scheduler, so even a long timeout gives up at once.
    assertThatThrownBy(() -> future.get(1, TimeUnit.HOURS)).isInstanceOf(TimeoutException.class);
  }

  @Test
  void getWithTimeout_anotherThreadRunsTheTask_returnsItsResult() throws Exception {
    java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    scheduler.execute(
        () -> {
          started.countDown();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    ScheduledFuture<String> second = scheduler.schedule(() -> "second", 0, TimeUnit.SECONDS);
    Thread driver = new Thread(scheduler::runDueTasks);
    driver.start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    release.countDown();
    String value = second.get(10, TimeUnit.SECONDS);
    driver.join(10_000);

    assertThat(value).isEqualTo("second");
  }

  @Test
  void getDelay_pendingTask_countsDownInFakeTime() {
    ScheduledFuture<?> future = scheduler.schedule(recordRun(), 10, TimeUnit.SECONDS);

    clock.advance(s(4));

    assertThat(future.getDelay(TimeUnit.SECONDS)).isEqualTo(6);
    assertThat(future.getDelay(TimeUnit.MILLISECONDS)).isEqualTo(6000);
  }

  @Test
  void cancel_pendingTask_neverRunsAndGetThrowsCancellation() {
    ScheduledFuture<?> future = scheduler.schedule(recordRun(), 1, TimeUnit.SECONDS);

    assertThat(future.cancel(false)).isTrue();
    scheduler.advance(s(2));

    assertThat(runs).isEmpty();
    assertThat(future.isCancelled()).isTrue();
    assertThat(future.isDone()).isTrue();
    assertThat(future.cancel(false)).isFalse();
    assertThatThrownBy(future::get).isInstanceOf(CancellationException.class);
    assertThat(scheduler.pendingCount()).isZero();
  }

  @Test
  void cancel_periodicTaskFromInsideItself_stopsReArming() {
    // What Guava's AbstractScheduledService does on stop: cancel the running task's future.
    AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
    AtomicInteger ticks = new AtomicInteger();
    self.set(
        scheduler.scheduleWithFixedDelay(
            () -> {
              if (ticks.incrementAndGet() == 3) {
                self.get().cancel(false);
              }
            },
            0,
            1,
            TimeUnit.SECONDS));

    scheduler.advance(s(10));

    assertThat(ticks).hasValue(3);
    assertThat(self.get().isCancelled()).isTrue();
    assertThat(scheduler.pendingCount()).isZero();
  }

  @Test
  void advance_failingTasks_failTheirFuturesAndStopPeriodicOnes() {
    RuntimeException boom = new IllegalStateException("boom");
    AtomicInteger periodicRuns = new AtomicInteger();
    ScheduledFuture<?> periodic =
        scheduler.scheduleAtFixedRate(
            () -> {
              if (periodicRuns.incrementAndGet() == 2) {
                throw boom;
              }
            },
            0,
            1,
            TimeUnit.SECONDS);
    ScheduledFuture<Object> oneShot =
        scheduler.schedule(
            () -> {
              throw new AssertionError("failed check");
            },
            1,
            TimeUnit.SECONDS);

    scheduler.advance(s(5));

    assertThat(periodicRuns).hasValue(2);
    assertThat(periodic.isDone()).isTrue();
    assertThatThrownBy(periodic::get).isInstanceOf(ExecutionException.class).hasCause(boom);
    assertThatThrownBy(oneShot::get)
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(AssertionError.class);
    assertThat(scheduler.failures()).hasSize(2).contains(boom);
  }

  @Test
  void advance_calledFromInsideATask_failsThatTask() {
    scheduler.execute(() -> scheduler.advance(s(1)));

    scheduler.runDueTasks();

    assertThat(scheduler.failures())
        .singleElement()
        .isInstanceOf(IllegalStateException.class)
        .extracting(Throwable::getMessage)
        .asString()
        .contains("must not drive");
  }

  @Test
  void runDueTasks_taskResubmittingItselfWithoutDelay_stopsAtTheBound() {
    Runnable[] forever = new Runnable[1];
    forever[0] = () -> scheduler.execute(forever[0]);
    scheduler.execute(forever[0]);

    assertThatThrownBy(scheduler::runDueTasks)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("re-submits itself");
    assertThat(scheduler.pendingCount()).isEqualTo(1);
  }

  @Test
  void schedule_negativeDelay_isDueNow() {
    scheduler.schedule(recordRun(), -5, TimeUnit.SECONDS);

    scheduler.runDueTasks();

    assertThat(runs).containsExactly(Duration.ZERO);
  }

  @Test
  void scheduleAtFixedRate_nonPositivePeriod_throws() {
    assertThatThrownBy(() -> scheduler.scheduleAtFixedRate(recordRun(), 0, 0, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("period must be > 0");
    assertThatThrownBy(() -> scheduler.scheduleWithFixedDelay(recordRun(), 0, -1, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay must be > 0");
  }

  @Test
  void advance_negativeStep_throws() {
    assertThatThrownBy(() -> scheduler.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step must be >= 0");
  }

  @Test
  void shutdown_pendingTasks_rejectsNewCancelsPeriodicAndRunsDelayedOnes() throws Exception {
    ScheduledFuture<?> periodic = scheduler.scheduleAtFixedRate(recordRun(), 1, 1, TimeUnit.SECONDS);
    ScheduledFuture<?> oneShot = scheduler.schedule(recordRun(), 2, TimeUnit.SECONDS);

    scheduler.shutdown();

    assertThat(scheduler.isShutdown()).isTrue();
    assertThat(periodic.isCancelled()).isTrue();
    assertThat(scheduler.isTerminated()).isFalse();
    assertThat(scheduler.awaitTermination(1, TimeUnit.HOURS)).isFalse();
    assertThatThrownBy(() -> scheduler.execute(recordRun()))
        .isInstanceOf(RejectedExecutionException.class);
    scheduler.advance(s(5));
    assertThat(runs).containsExactly(s(2));
    assertThat(oneShot.isDone()).isTrue();
    assertThat(scheduler.isTerminated()).isTrue();
    assertThat(scheduler.awaitTermination(0, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void shutdownNow_pendingTasks_returnsThemAndTerminates() {
    scheduler.schedule(recordRun(), 1, TimeUnit.SECONDS);
    scheduler.scheduleAtFixedRate(recordRun(), 1, 1, TimeUnit.SECONDS);

    List<Runnable> pending = scheduler.shutdownNow();

    assertThat(pending).hasSize(2);
    assertThat(scheduler.isTerminated()).isTrue();
    assertThat(scheduler.advance(s(5))).isZero();
    pending.get(0).run();
    assertThat(runs).containsExactly(s(5));
  }

  @Test
  void invokeAll_tasks_runsThemAtOnceOnTheCallingThread() throws Exception {
    Thread caller = Thread.currentThread();
    List<Future<Boolean>> futures =
        scheduler.invokeAll(
            List.of(() -> Thread.currentThread() == caller, () -> Thread.currentThread() == caller));

    assertThat(futures).allSatisfy(f -> assertThat(f.get()).isTrue());
    List<java.util.concurrent.Callable<String>> attempts =
        List.of(
            () -> {
              throw new IllegalStateException("first fails");
            },
            () -> "second");
    assertThat(scheduler.invokeAny(attempts))
        .isEqualTo("second");
  }

  @Test
  void guavaLikeService_startTickStop_runsOneTickPerIntervalAndStopsCleanly() {
    // The shape of Guava's AbstractScheduledService over this executor: startUp through execute,
    // ticks through scheduleWithFixedDelay, stop by cancelling and executing shutDown.
    List<String> events = new ArrayList<>();
    AtomicReference<ScheduledFuture<?>> ticks = new AtomicReference<>();
    scheduler.execute(
        () -> {
          events.add("startUp@" + clock.elapsed().toSeconds());
          ticks.set(
              scheduler.scheduleWithFixedDelay(
                  () -> events.add("tick@" + clock.elapsed().toSeconds()), 0, 5, TimeUnit.SECONDS));
        });

    scheduler.runDueTasks();
    scheduler.advance(s(10));
    ticks.get().cancel(false);
    scheduler.execute(() -> events.add("shutDown@" + clock.elapsed().toSeconds()));
    scheduler.runDueTasks();

    assertThat(events).containsExactly("startUp@0", "tick@0", "tick@5", "tick@10", "shutDown@10");
    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:00:10Z"));
    assertThat(scheduler.pendingCount()).isZero();
    assertThat(scheduler.failures()).isEmpty();
  }
}
