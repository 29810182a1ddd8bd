package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.lab.NamespaceLab;
import dev.failover.lab.NamespaceLab.LinkSide;
import java.net.Inet4Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The link monitor against the real kernel, watching the lab's router namespace: admin down/up,
 * carrier loss, address removal, a flood of changes that overruns its socket, and clean shutdown;
 * {@code ip} is the oracle of the true state. Every wait polls with a deadline.
 */
class LinkMonitorNamespaceTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final ThreadFactory THREADS =
      runnable -> {
        Thread thread = new Thread(runnable, "test-link-monitor");
        thread.setDaemon(true);
        return thread;
      };

  private NamespaceLab lab;
  private final RecordingLinkListener listener = new RecordingLinkListener();
  private LinkMonitor monitor;

  @BeforeAll
  static void needsRoot() {
    assumeTrue(
        NamespaceLab.unavailableReason().isEmpty(), NamespaceLab.unavailableReason().orElse(""));
  }

  @BeforeEach
  void startLab() throws Exception {
    lab = NamespaceLab.builder("fm").lanClient(false).build();
  }

  @AfterEach
  void closeAll() {
    if (monitor != null) {
      monitor.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  /** Starts {@code started} in the router namespace (its thread is started from there too). */
  private LinkMonitor start(LinkMonitor started) throws Exception {
    monitor = started;
    lab.callIn(
        lab.routerNamespace(),
        () -> {
          started.start();
          return null;
        });
    return started;
  }

  private LinkStatus read(String name) throws Exception {
    return lab.callIn(lab.routerNamespace(), () -> LinkStatus.read(name));
  }

  @Test
  void start_always_reportsEveryInterfaceAndAddressOnceBeforeReturning() throws Exception {
    start(new LinkMonitor(listener, THREADS));

    // start() returns only after the first full report, so no wait is needed here.
    assertThat(listener.drain())
        .contains(
            "wan1 usable",
            "wan2 usable",
            "wan3 usable",
            "lo usable",
            "wan1 +192.168.1.11",
            "wan2 +192.168.1.12",
            "wan3 +192.168.1.13")
        .doesNotHaveDuplicates();
  }

  @Test
  void linkDownThenUp_routerSide_reportsNotUsableThenUsable() throws Exception {
    start(new LinkMonitor(listener, THREADS));
    listener.drain();

    lab.linkDown(2, LinkSide.ROUTER);
    listener.await("wan2 not usable", WAIT);
    assertThat(read("wan2"))
        .extracting(LinkStatus::adminUp, LinkStatus::usable)
        .containsExactly(false, false);

    lab.linkUp(2, LinkSide.ROUTER);
    List<String> before = listener.await("wan2 usable", WAIT);
    assertThat(before).doesNotContain("wan1 not usable", "wan3 not usable");
    assertThat(read("wan2").usable()).isTrue();
  }

  /** The modem's side goes down: the router's interface stays up but loses carrier. */
  @Test
  void linkDownThenUp_farSide_reportsCarrierLossThenBack() throws Exception {
    start(new LinkMonitor(listener, THREADS));
    listener.drain();

    lab.linkDown(3, LinkSide.FAR);
    listener.await("wan3 not usable", WAIT);
    LinkStatus status = read("wan3");
    assertThat(status.adminUp()).isTrue();
    assertThat(status.carrier()).isFalse();
    assertThat(status.operState())
        .isIn("DOWN", "LOWERLAYERDOWN"); // the kernel says DOWN for a veth

    lab.restore(3);
    listener.await("wan3 usable", WAIT);
  }

  @Test
  void addressDeletedThenAdded_reportsBoth() throws Exception {
    start(new LinkMonitor(listener, THREADS));
    listener.drain();
    RouterShell router = new RouterShell(lab);

    router.must("addr", "del", "192.168.1.11/24", "dev", "wan1");
    listener.await("wan1 -192.168.1.11", WAIT);
    router.must("addr", "add", "192.168.1.11/24", "dev", "wan1");
    listener.await("wan1 +192.168.1.11", WAIT);
  }

  @Test
  void read_missingInterface_isAbsent() throws Exception {
    assertThat(read("nope0")).isEqualTo(LinkStatus.absent("nope0"));
  }

  @Test
  void read_presentInterface_hasItsStateAndAddress() throws Exception {
    LinkStatus status = read("wan1");

    assertThat(status.usable()).isTrue();
    assertThat(status.addresses())
        .extracting(Inet4Address::getHostAddress)
        .containsExactly("192.168.1.11");
  }

  /**
   * The monitor's thread is held inside a listener call while {@code ip -batch} sets 20 interfaces
   * down and up 50 times each: thousands of notifications for a 4 KiB receive buffer. The socket
   * overruns, the monitor reads every interface again, and the listener ends up knowing the state
   * {@code ip} shows.
   */
  @Test
  void flood_overrunsTheSocket_listenerEndsWithTheTrueState() throws Exception {
    RouterShell router = new RouterShell(lab);
    List<String> setup = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      setup.add("link add a" + i + " type veth peer name b" + i);
      setup.add("link set b" + i + " up");
    }
    batch(setup);
    GatedLinkModel model = new GatedLinkModel();
    start(new LinkMonitor(model, THREADS, 4096));

    model.closeGate();
    router.must("link", "set", "wan1", "down");
    model.awaitHeld();
    List<String> flood = new ArrayList<>();
    for (int round = 0; round < 50; round++) {
      for (int i = 0; i < 20; i++) {
        flood.add("link set a" + i + (round % 2 == 0 ? " up" : " down"));
      }
    }
    for (int i = 0; i < 20; i += 2) {
      flood.add("link set a" + i + " up"); // the even ones end up, the odd ones down
    }
    batch(flood);
    model.openGate();

    Map<String, Boolean> expected = new TreeMap<>();
    for (int i = 0; i < 20; i++) {
      expected.put("a" + i, i % 2 == 0);
      expected.put("b" + i, i % 2 == 0); // a veth end has carrier only while its peer is up
    }
    expected.put("wan1", false);
    model.awaitState(expected, WAIT);
    assertThat(usableByName(router)).containsAllEntriesOf(expected);
    assertThat(monitor.overruns()).isPositive();
    // A down-and-up lost in the overrun deletes routes unseen: the listener is told to re-apply.
    assertThat(model.resyncs.get()).isPositive();
  }

  @Test
  void close_always_endsTheThreadAndIsIdempotent() throws Exception {
    LinkMonitor started = start(new LinkMonitor(listener, THREADS));
    assertThat(started.threadAlive()).isTrue();

    started.close();

    assertThat(started.threadAlive()).isFalse();
    started.close();
  }

  private void batch(List<String> lines) throws Exception {
    CommandResult result =
        lab.runnerIn(lab.routerNamespace())
            .run(
                List.of("ip", "-batch", "-"),
                String.join("\n", lines) + "\n",
                Duration.ofMinutes(1));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
  }

  /** Whether each interface is usable, as {@code ip -o link show} says (flags and state). */
  private static Map<String, Boolean> usableByName(RouterShell router) throws Exception {
    Map<String, Boolean> state = new TreeMap<>();
    Pattern line = Pattern.compile("^\\d+: ([^:@]+)(@\\S+)?: <([^>]*)>.*? state (\\S+)");
    for (String text : router.ip("-o", "link", "show")) {
      Matcher m = line.matcher(text);
      assertThat(m.find()).as("ip -o link show line '%s'", text).isTrue();
      List<String> flags = List.of(m.group(3).split(","));
      boolean usable =
          flags.contains("UP")
              && flags.contains("LOWER_UP")
              && !flags.contains("NO-CARRIER")
              && List.of("UP", "UNKNOWN").contains(m.group(4));
      state.put(m.group(1), usable);
    }
    return state;
  }

  /**
   * Keeps what the monitor reported per interface, and can hold the monitor's thread inside a call
   * (a listener that is slow for a while).
   */
  private static final class GatedLinkModel implements LinkListener {
    private final Map<String, Boolean> usable = new TreeMap<>();
    private final BlockingQueue<Boolean> changes = new LinkedBlockingQueue<>();
    private final CountDownLatch held = new CountDownLatch(1);
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final java.util.concurrent.atomic.AtomicInteger resyncs =
        new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public void onResynced() {
      resyncs.incrementAndGet();
    }

    @Override
    public void onLinkChanged(String interfaceName, boolean nowUsable) {
      CountDownLatch closed = gate;
      if (closed.getCount() > 0) {
        held.countDown();
        try {
          closed.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      synchronized (this) {
        usable.put(interfaceName, nowUsable);
      }
      changes.add(true);
    }

    void closeGate() {
      gate = new CountDownLatch(1);
    }

    void awaitHeld() throws InterruptedException {
      assertThat(held.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .as("the monitor's thread entered the listener")
          .isTrue();
    }

    void openGate() {
      gate.countDown();
    }

    private synchronized Map<String, Boolean> reported(Iterable<String> names) {
      Map<String, Boolean> reported = new TreeMap<>();
      for (String name : names) {
        reported.put(name, usable.get(name));
      }
      return reported;
    }

    /** Waits until every interface of {@code expected} was last reported as it says. */
    void awaitState(Map<String, Boolean> expected, Duration limit) throws InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos();
      while (!reported(expected.keySet()).equals(expected)) {
        Boolean change =
            changes.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        assertThat(change)
            .as(
                "the reports reach %s within %s; they say %s",
                expected, limit, reported(expected.keySet()))
            .isNotNull();
      }
    }
  }
}
