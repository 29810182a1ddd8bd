package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LinkListener} that records every call as text, {@code "wan2 usable"}, {@code "wan2 not
 * usable"}, {@code "wan1 +192.168.1.11"}, {@code "wan1 -192.168.1.11"} or {@code "resynced"}, and
 * lets a test wait for one with a deadline.
 */
final class RecordingLinkListener implements LinkListener {
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

  @Override
  public void onLinkChanged(String interfaceName, boolean usable) {
    events.add(interfaceName + (usable ? " usable" : " not usable"));
  }

  @Override
  public void onAddressChanged(String interfaceName, Inet4Address address, boolean present) {
    events.add(interfaceName + (present ? " +" : " -") + address.getHostAddress());
  }

  @Override
  public void onResynced() {
    events.add("resynced");
  }

  /** Removes and returns every event recorded so far. */
  List<String> drain() {
    List<String> drained = new ArrayList<>();
    events.drainTo(drained);
    return drained;
  }

  /**
   * Waits at most {@code limit} for {@code expected}, and returns the events before it (consumed
   * along with it).
   */
  List<String> await(String expected, Duration limit) throws InterruptedException {
    List<String> before = new ArrayList<>();
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      String event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertThat(event).as("event '%s' within %s; saw %s", expected, limit, before).isNotNull();
      if (event.equals(expected)) {
        return before;
      }
      before.add(event);
    }
  }
}
