package dev.failover.launcher.metrics;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Stopwatch;
import com.google.common.base.Ticker;
import com.google.common.util.concurrent.ForwardingExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tick executor, timing every task scheduled with a delay: each is one scheduled tick of the
 * engine's service, whose custom schedule submits every tick with {@code schedule(callable, delay)}
 * (Guava's {@code AbstractScheduledService.CustomScheduler}).
 *
 * <p>Tasks handed to {@code execute} or {@code submit} (the service's start, ticks and decisions
 * requested out of cadence) and periodic tasks are forwarded untimed, so the histogram holds
 * scheduled ticks only. Elapsed time comes from the injected {@link Ticker}. An observer that
 * throws is logged and does not disturb the tick. Thread-safe as the executor it wraps.
 */
public final class TimedTickExecutor extends ForwardingExecutorService
    implements ScheduledExecutorService {
  private static final Logger logger = LoggerFactory.getLogger(TimedTickExecutor.class);

  private final ScheduledExecutorService delegate;
  private final Ticker ticker;
  private final TickObserver observer;

  public TimedTickExecutor(
      ScheduledExecutorService delegate, Ticker ticker, TickObserver observer) {
    this.delegate = checkNotNull(delegate, "delegate");
    this.ticker = checkNotNull(ticker, "ticker");
    this.observer = checkNotNull(observer, "observer");
  }

  @Override
  protected ScheduledExecutorService delegate() {
    return delegate;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    checkNotNull(command, "command");
    return delegate.schedule(
        () -> {
          Stopwatch stopwatch = Stopwatch.createStarted(ticker);
          try {
            command.run();
          } finally {
            report(stopwatch);
          }
        },
        delay,
        unit);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    checkNotNull(callable, "callable");
    return delegate.schedule(
        () -> {
          Stopwatch stopwatch = Stopwatch.createStarted(ticker);
          try {
            return callable.call();
          } finally {
            report(stopwatch);
          }
        },
        delay,
        unit);
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return delegate.scheduleAtFixedRate(command, initialDelay, period, unit);
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return delegate.scheduleWithFixedDelay(command, initialDelay, delay, unit);
  }

  private void report(Stopwatch stopwatch) {
    try {
      observer.tickCompleted(stopwatch.elapsed());
    } catch (RuntimeException e) {
      logger.warn("recording a tick's duration failed", e);
    }
  }
}
