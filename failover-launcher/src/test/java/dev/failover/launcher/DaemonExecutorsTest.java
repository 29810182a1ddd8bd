package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DaemonExecutors#create()}: a tick thread per family, so that one never waits for the
 * other.
 */
class DaemonExecutorsTest {
  private final DaemonExecutors executors = DaemonExecutors.create();

  @AfterEach
  void shutdown() {
    executors.shutdown();
  }

  @Test
  void ticks_eachFamilyHasAThreadOfItsOwn() throws Exception {
    String ipv4 =
        executors.tick().submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS);
    String ipv6 =
        executors
            .ipv6Tick()
            .submit(() -> Thread.currentThread().getName())
            .get(5, TimeUnit.SECONDS);

    assertThat(ipv4).isEqualTo("failover-tick");
    assertThat(ipv6).isEqualTo("failover-tick-ipv6");
  }

  @Test
  void tick_whileTheIpv6TickIsHeld_stillRuns() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch held = new CountDownLatch(1);
    Future<?> ipv6Tick =
        executors
            .ipv6Tick()
            .submit(
                () -> {
                  held.countDown();
                  // An IPv6 round waiting out its probes' timeouts.
                  release.await(5, TimeUnit.SECONDS);
                  return null;
                });
    assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();

    Future<String> ipv4Tick = executors.tick().submit(() -> "ran");

    assertThat(ipv4Tick.get(5, TimeUnit.SECONDS)).isEqualTo("ran");
    assertThat(ipv6Tick.isDone()).isFalse();
    release.countDown();
    ipv6Tick.get(5, TimeUnit.SECONDS);
  }

  @Test
  void interruptTick_interruptsBothFamiliesTicks() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    Future<Boolean> ipv4 = executors.tick().submit(() -> waitForInterrupt(started));
    Future<Boolean> ipv6 = executors.ipv6Tick().submit(() -> waitForInterrupt(started));
    assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

    executors.interruptTick();

    assertThat(ipv4.get(5, TimeUnit.SECONDS)).isTrue();
    assertThat(ipv6.get(5, TimeUnit.SECONDS)).isTrue();
  }

  /** Whether the wait ended by an interrupt (true) rather than by its 5 s limit. */
  private static boolean waitForInterrupt(CountDownLatch started) {
    started.countDown();
    try {
      new CountDownLatch(1).await(5, TimeUnit.SECONDS);
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }
}
