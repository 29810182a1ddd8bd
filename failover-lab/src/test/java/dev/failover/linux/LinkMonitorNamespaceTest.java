package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.lab.NamespaceLab;
import dev.failover.lab.NamespaceLab.LinkSide;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The link monitor against the real kernel, watching the lab's router namespace: admin down/up,
 * carrier loss, address removal, a killed {@code ip monitor}, and clean shutdown. Every wait polls
 * with a deadline.
 */
class LinkMonitorNamespaceTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private NamespaceLab lab;
  private final RecordingLinkListener listener = new RecordingLinkListener();
  private LinkMonitor monitor;

  @BeforeAll
  static void needsRoot() {
    assumeTrue(NamespaceLab.unavailableReason().isEmpty(), NamespaceLab.unavailableReason().orElse(""));
  }

  @BeforeEach
  void startLabAndMonitor() throws Exception {
    lab = NamespaceLab.builder("fm").lanClient(false).build();
    monitor = new LinkMonitor(lab.runnerIn(lab.routerNamespace()), listener, Duration.ofMillis(50),
        Duration.ofMillis(400), runnable -> {
          Thread thread = new Thread(runnable, "test-link-monitor");
          thread.setDaemon(true);
          return thread;
        });
    monitor.start();
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

  @Test
  void start_always_reportsEveryInterfaceAndAddressOnceBeforeReturning() {
    // start() returns only after the first full report, so no wait is needed here.
    assertThat(listener.drain()).contains(
        "wan1 usable", "wan2 usable", "wan3 usable", "lo usable",
        "wan1 +192.168.1.11", "wan2 +192.168.1.12", "wan3 +192.168.1.13")
        .doesNotHaveDuplicates();
  }

  @Test
  void linkDownThenUp_routerSide_reportsNotUsableThenUsable() throws Exception {
    listener.drain();

    lab.linkDown(2, LinkSide.ROUTER);
    listener.await("wan2 not usable", WAIT);
    assertThat(LinkStatus.read(lab.runnerIn(lab.routerNamespace()), "wan2"))
        .extracting(LinkStatus::adminUp, LinkStatus::usable).containsExactly(false, false);

    lab.linkUp(2, LinkSide.ROUTER);
    List<String> before = listener.await("wan2 usable", WAIT);
    assertThat(before).doesNotContain("wan1 not usable", "wan3 not usable");
    assertThat(LinkStatus.read(lab.runnerIn(lab.routerNamespace()), "wan2").usable()).isTrue();
  }

  /** The modem's side goes down: the router's interface stays up but loses carrier. */
  @Test
  void linkDownThenUp_farSide_reportsCarrierLossThenBack() throws Exception {
    listener.drain();

    lab.linkDown(3, LinkSide.FAR);
    listener.await("wan3 not usable", WAIT);
    LinkStatus status = LinkStatus.read(lab.runnerIn(lab.routerNamespace()), "wan3");
    assertThat(status.adminUp()).isTrue();
    assertThat(status.carrier()).isFalse();
    assertThat(status.operState()).isIn("DOWN", "LOWERLAYERDOWN"); // the kernel says DOWN for a veth

    lab.restore(3);
    listener.await("wan3 usable", WAIT);
  }

  @Test
  void addressDeletedThenAdded_reportsBoth() throws Exception {
    listener.drain();
    RouterShell router = new RouterShell(lab);

    router.must("addr", "del", "192.168.1.11/24", "dev", "wan1");
    listener.await("wan1 -192.168.1.11", WAIT);
    router.must("addr", "add", "192.168.1.11/24", "dev", "wan1");
    listener.await("wan1 +192.168.1.11", WAIT);
  }

  @Test
  void read_missingInterface_isAbsent() throws Exception {
    LinkStatus status = LinkStatus.read(lab.runnerIn(lab.routerNamespace()), "nope0");

    assertThat(status).isEqualTo(LinkStatus.absent("nope0"));
  }

  /**
   * The {@code ip monitor} process is killed: the monitor starts another, and a change made after
   * the first one died is reported (through the new process, or the full read after the restart).
   */
  @Test
  void processKilled_restartsAndReportsLaterChanges() throws Exception {
    ProcessHandle first = monitor.process().orElseThrow();
    listener.drain();

    first.destroyForcibly();
    assertThat(first.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS).isAlive()).isFalse();
    lab.linkDown(1, LinkSide.ROUTER);

    listener.await("wan1 not usable", WAIT);
    assertThat(monitor.starts()).isGreaterThanOrEqualTo(2);
    Optional<ProcessHandle> second = monitor.process();
    assertThat(second).isPresent();
    assertThat(second.get().pid()).isNotEqualTo(first.pid());
    lab.linkUp(1, LinkSide.ROUTER);
    listener.await("wan1 usable", WAIT);
  }

  @Test
  void close_always_leavesNoProcessAndNoThread() throws Exception {
    ProcessHandle process = monitor.process().orElseThrow();
    assertThat(process.isAlive()).isTrue();

    monitor.close();

    assertThat(process.onExit().get(WAIT.toSeconds(), TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(monitor.threadAlive()).isFalse();
    monitor.close(); // idempotent
  }
}
