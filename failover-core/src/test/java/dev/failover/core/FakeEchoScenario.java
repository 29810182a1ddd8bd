package dev.failover.core;

import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import dev.failover.testkit.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * A ping-like scenario in the fake time of a {@link FakeClock}: each check's reply comes after the
 * round-trip time set for its provider, or never (a silent link), and, like the ping engine's, its
 * future is a {@link CompletableFuture} that the engine may leave running after judging it lost,
 * so that a late reply completes it.
 *
 * <p>Waiting on a check ({@code get} with a timeout) moves the fake clock on to the reply or to
 * the end of the wait, and delivers every other reply due by then; {@link #deliverDue()} delivers
 * the replies due by the clock's instant (call it after advancing the clock between ticks). Not
 * thread-safe: for engines on a direct executor.
 */
final class FakeEchoScenario implements TestScenario {
  private final String name;
  private final FakeClock clock;
  private final Map<String, Optional<Duration>> rtts = new ConcurrentHashMap<>();
  private final List<Check> pending = new ArrayList<>();

  FakeEchoScenario(String name, FakeClock clock) {
    this.name = name;
    this.clock = clock;
  }

  /** Replies to probes through {@code providerId} sent from now on come after {@code rtt}. */
  FakeEchoScenario rtt(String providerId, Duration rtt) {
    rtts.put(providerId, Optional.of(rtt));
    return this;
  }

  /** Probes through {@code providerId} sent from now on get no reply. */
  FakeEchoScenario silent(String providerId) {
    rtts.put(providerId, Optional.empty());
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public TestResult check(Provider provider, Duration timeout) {
    throw new UnsupportedOperationException("the engine starts checks through start()");
  }

  @Override
  public Future<TestResult> start(Provider provider, Duration timeout, Executor executor) {
    Optional<Duration> rtt = rtts.getOrDefault(provider.id(), Optional.of(Duration.ofMillis(20)));
    Instant now = clock.instant();
    Check check = new Check(rtt.map(now::plus).orElse(null), rtt.orElse(null), now.plus(timeout),
        timeout);
    pending.add(check);
    return check;
  }

  /** Completes every check whose reply is due, or whose limit has passed, by now. */
  void deliverDue() {
    Instant now = clock.instant();
    pending.removeIf(check -> check.settle(now));
  }

  /** One check: a future completed by its reply, or by a timeout at its limit. */
  private final class Check extends CompletableFuture<TestResult> {
    private final @Nullable Instant due;
    private final @Nullable Duration rtt;
    private final Instant limitAt;
    private final Duration limit;

    Check(@Nullable Instant due, @Nullable Duration rtt, Instant limitAt, Duration limit) {
      this.due = due;
      this.rtt = rtt;
      this.limitAt = limitAt;
      this.limit = limit;
    }

    /** Completes this check if its reply or its limit is due by {@code now}; true if done. */
    boolean settle(Instant now) {
      if (!super.isDone()) {
        if (due != null && !due.isAfter(now) && !due.isAfter(limitAt)) {
          complete(TestResult.success(rtt));
        } else if (!limitAt.isAfter(now)) {
          complete(TestResult.timeout(limit));
        }
      }
      return super.isDone();
    }

    @Override
    public boolean isDone() {
      settle(clock.instant());
      return super.isDone();
    }

    @Override
    public TestResult get(long timeout, TimeUnit unit) throws TimeoutException {
      Instant deadline = clock.instant().plusNanos(unit.toNanos(timeout));
      if (!isDone()) {
        Instant until =
            due != null && !due.isAfter(deadline) ? due : deadline.isBefore(limitAt) ? deadline
                : limitAt;
        if (until.isAfter(clock.instant())) {
          clock.advanceTo(until);
        }
        deliverDue();
      }
      if (!isDone()) {
        throw new TimeoutException();
      }
      return join();
    }
  }
}
