package dev.failover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FakeClockTest {

  @Test
  void new_noStart_startsAtTheDefaultWithZeroNanos() {
    FakeClock clock = new FakeClock();

    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(clock.nanoTime()).isZero();
    assertThat(clock.millis()).isEqualTo(clock.instant().toEpochMilli());
  }

  @Test
  void advance_steps_movesInstantAndNanoTimeTogether() {
    FakeClock clock = new FakeClock(Instant.parse("2030-05-06T07:08:09Z"));

    clock.advance(Duration.ofSeconds(2)).advance(Duration.ofNanos(5)).advance(Duration.ZERO);

    assertThat(clock.instant()).isEqualTo(Instant.parse("2030-05-06T07:08:11.000000005Z"));
    assertThat(clock.nanoTime()).isEqualTo(2_000_000_005L);
    assertThat(clock.elapsed()).isEqualTo(Duration.ofNanos(2_000_000_005L));
  }

  @Test
  void advance_negativeStep_throwsNamingTheStep() {
    FakeClock clock = new FakeClock();

    assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step must be >= 0")
        .hasMessageContaining("PT-0.001S");
    assertThat(clock.nanoTime()).isZero();
  }

  @Test
  void advance_beyondLongNanos_throwsAndKeepsTheTime() {
    FakeClock clock = new FakeClock().advance(Duration.ofDays(365L * 200));

    assertThatThrownBy(() -> clock.advance(Duration.ofDays(365L * 100)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("step");
    assertThat(clock.elapsed()).isEqualTo(Duration.ofDays(365L * 200));
  }

  @Test
  void advanceTo_pastInstant_throws() {
    FakeClock clock = new FakeClock().advance(Duration.ofSeconds(10));

    assertThatThrownBy(() -> clock.advanceTo(FakeClock.DEFAULT_START))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("target must not be before");
    clock.advanceTo(FakeClock.DEFAULT_START.plusSeconds(12));
    assertThat(clock.instant()).isEqualTo(FakeClock.DEFAULT_START.plusSeconds(12));
  }

  @Test
  void advance_fromSeveralThreads_losesNoStep() throws InterruptedException {
    FakeClock clock = new FakeClock();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(
          new Thread(
              () -> {
                for (int i = 0; i < 10_000; i++) {
                  clock.advance(Duration.ofNanos(1));
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(clock.nanoTime()).isEqualTo(40_000);
  }
}
