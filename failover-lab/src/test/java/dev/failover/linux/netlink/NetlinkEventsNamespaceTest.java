package dev.failover.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.Ipv4;
import dev.failover.lab.Netns;
import dev.failover.linux.netlink.NetlinkEvents.Group;
import dev.failover.linux.netlink.NetlinkEvents.Snapshot;
import dev.failover.linux.netlink.NetlinkEvents.SyncReason;
import dev.failover.linux.netlink.RecordingEventListener.Event;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * {@link NetlinkEvents} against the real kernel, in a namespace of its own per test holding a veth
 * pair {@code wan0}/{@code peer0} with 192.168.1.11/24 on {@code wan0}; {@code ip} makes the
 * changes and is the oracle of the true state. Every wait has a deadline.
 */
class NetlinkEventsNamespaceTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Set<Group> LINKS_AND_ADDRESSES = EnumSet.of(Group.LINK, Group.IPV4_ADDRESS);
  private static final ThreadFactory PLAIN =
      runnable -> {
        Thread thread = new Thread(runnable, "test-netlink-events");
        thread.setDaemon(true);
        return thread;
      };

  private TestNamespace ns;
  private NetlinkEvents events;

  @BeforeAll
  static void needsRoot() {
    assumeTrue(
        TestNamespace.unavailableReason().isEmpty(), TestNamespace.unavailableReason().orElse(""));
  }

  @BeforeEach
  void createNamespace() throws Exception {
    ns = TestNamespace.create("fne");
    ns.batch(
        List.of(
            "link add wan0 type veth peer name peer0",
            "link set wan0 up",
            "link set peer0 up",
            "addr add 192.168.1.11/24 dev wan0"));
  }

  @AfterEach
  void closeAll() throws Exception {
    if (events != null) {
      events.close();
    }
    if (ns != null) {
      ns.close();
    }
  }

  private NetlinkEvents start(Set<Group> groups, NetlinkEvents.Listener listener) throws Exception {
    events =
        ns.call(
            () ->
                NetlinkEvents.start(
                    groups, listener, PLAIN, NetlinkEvents.DEFAULT_RECEIVE_BUFFER_BYTES));
    return events;
  }

  private static boolean isLink(Event e, String name, boolean adminUp) {
    return e.kind().equals("link")
        && !e.deleted()
        && ((LinkMessage) e.message()).name().equals(name)
        && ((LinkMessage) e.message()).adminUp() == adminUp;
  }

  private static boolean isAddress(Event e, String address, boolean deleted) {
    return e.kind().equals("address")
        && e.deleted() == deleted
        && ((AddressMessage) e.message()).interfaceAddress().getHostAddress().equals(address);
  }

  @Test
  void start_always_givesASnapshotOfEveryLinkAndAddressFirst() throws Exception {
    RecordingEventListener listener = new RecordingEventListener();

    start(LINKS_AND_ADDRESSES, listener);

    Event first = listener.events().get(0);
    assertThat(first.reason()).isEqualTo(SyncReason.START);
    Snapshot snapshot = first.snapshot();
    assertThat(snapshot.links())
        .extracting(LinkMessage::name)
        .containsExactlyInAnyOrder("lo", "wan0", "peer0");
    assertThat(snapshot.addresses())
        .extracting(a -> a.interfaceAddress().getHostAddress())
        .containsExactlyInAnyOrder("127.0.0.1", "192.168.1.11");
    assertThat(events.syncs()).isEqualTo(1);
  }

  @Test
  void linkDownThenUp_deliversBothChanges() throws Exception {
    RecordingEventListener listener = new RecordingEventListener();
    start(LINKS_AND_ADDRESSES, listener);

    ns.ip("link", "set", "wan0", "down");
    listener.await(e -> isLink(e, "wan0", false), WAIT);
    ns.ip("link", "set", "wan0", "up");
    listener.await(e -> isLink(e, "wan0", true), WAIT);
  }

  @Test
  void addressRemovedThenAdded_deliversBothChanges() throws Exception {
    RecordingEventListener listener = new RecordingEventListener();
    start(LINKS_AND_ADDRESSES, listener);

    ns.ip("addr", "del", "192.168.1.11/24", "dev", "wan0");
    listener.await(e -> isAddress(e, "192.168.1.11", true), WAIT);
    ns.ip("addr", "add", "192.168.1.11/24", "dev", "wan0");
    listener.await(e -> isAddress(e, "192.168.1.11", false), WAIT);
  }

  @Test
  void ipv6AddressAdded_deliveredWhenItsGroupIsFollowed() throws Exception {
    RecordingEventListener listener = new RecordingEventListener();
    start(EnumSet.of(Group.LINK, Group.IPV6_ADDRESS), listener);

    InetAddress added = InetAddress.getByName("2001:db8::11");
    ns.ip("addr", "add", "2001:db8::11/64", "dev", "wan0", "nodad");

    listener.await(
        e ->
            e.kind().equals("address")
                && !e.deleted()
                && ((AddressMessage) e.message()).interfaceAddress().equals(added),
        WAIT);
  }

  @Test
  void routeAddedThenDeleted_deliversBoth() throws Exception {
    RecordingEventListener listener = new RecordingEventListener();
    start(EnumSet.of(Group.IPV4_ROUTE), listener);

    ns.ip(
        "route",
        "add",
        "default",
        "via",
        "192.168.1.1",
        "dev",
        "wan0",
        "metric",
        "100",
        "proto",
        "201");
    listener.await(
        e ->
            e.kind().equals("route")
                && !e.deleted()
                && Ipv4.parse("192.168.1.1").equals(((RouteMessage) e.message()).gateway()),
        WAIT);
    ns.ip("route", "del", "default", "via", "192.168.1.1", "dev", "wan0", "metric", "100");
    listener.await(
        e ->
            e.kind().equals("route") && e.deleted() && ((RouteMessage) e.message()).metric() == 100,
        WAIT);
  }

  @Test
  void listenerThrows_eventsKeepComing() throws Exception {
    RecordingEventListener listener =
        new RecordingEventListener() {
          @Override
          public void onAddress(AddressMessage address, boolean deleted) {
            super.onAddress(address, deleted);
            throw new IllegalStateException("listener bug");
          }
        };
    start(LINKS_AND_ADDRESSES, listener);

    ns.ip("addr", "del", "192.168.1.11/24", "dev", "wan0");
    listener.await(e -> isAddress(e, "192.168.1.11", true), WAIT);
    ns.ip("link", "set", "wan0", "down");
    listener.await(e -> isLink(e, "wan0", false), WAIT);
  }

  /**
   * The events thread is held inside a listener call while {@code ip -batch} sets 20 interfaces
   * down and up 100 times each (thousands of notifications for a 4 KiB receive buffer): the socket
   * overruns, the thread syncs again, and the links end in the state {@code ip} shows.
   */
  @Test
  void flood_overrunsASmallBuffer_resyncEndsWithTheTrueState() throws Exception {
    List<String> setup = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      setup.add("link add a" + i + " type veth peer name b" + i);
      setup.add("link set b" + i + " up");
    }
    ns.batch(setup);
    GatedLinkModel model = new GatedLinkModel();
    events = ns.call(() -> NetlinkEvents.start(EnumSet.of(Group.LINK), model, PLAIN, 4096));

    model.closeGate();
    ns.ip("link", "set", "wan0", "down");
    model.awaitHeld();
    List<String> flood = new ArrayList<>();
    for (int round = 0; round < 100; round++) {
      for (int i = 0; i < 20; i++) {
        flood.add("link set a" + i + (round % 2 == 0 ? " up" : " down"));
      }
    }
    for (int i = 0; i < 20; i += 2) {
      flood.add("link set a" + i + " up"); // the even ones end up, the odd ones down
    }
    ns.batch(flood);
    model.openGate();

    Map<String, Boolean> truth = adminUpByName();
    model.awaitState(truth, WAIT);
    assertThat(truth)
        .containsEntry("a0", true)
        .containsEntry("a1", false)
        .containsEntry("wan0", false);
    assertThat(events.overruns()).isPositive();
    assertThat(model.syncReasons()).contains(SyncReason.OVERRUN);
  }

  @Test
  void close_always_endsTheThreadAndIsIdempotent() throws Exception {
    NetlinkEvents started = start(LINKS_AND_ADDRESSES, new RecordingEventListener());
    assertThat(started.running()).isTrue();

    started.close();

    assertThat(started.running()).isFalse();
    started.close();
  }

  /** A thread factory that moves its thread into another namespace is refused at start. */
  @Test
  void start_threadInAnotherNamespace_isRefused() throws Exception {
    try (TestNamespace other = TestNamespace.create("fne")) {
      ThreadFactory elsewhere = Netns.threadFactory(other.name());

      assertThatThrownBy(
              () ->
                  ns.call(
                      () ->
                          NetlinkEvents.start(
                              LINKS_AND_ADDRESSES, new RecordingEventListener(), elsewhere, 65536)))
          .isInstanceOf(NetlinkException.class)
          .hasMessageContaining("namespace");
    }
  }

  /** Every interface's UP flag, as {@code ip -o link show} prints it. */
  private Map<String, Boolean> adminUpByName() throws Exception {
    Map<String, Boolean> state = new TreeMap<>();
    Pattern line = Pattern.compile("^\\d+: ([^:@]+)(@\\S+)?: <([^>]*)>");
    for (String text : ns.ip("-o", "link", "show").lines().toList()) {
      Matcher m = line.matcher(text);
      assertThat(m.find()).as("ip -o link show line '%s'", text).isTrue();
      state.put(m.group(1), List.of(m.group(3).split(",")).contains("UP"));
    }
    return state;
  }

  /**
   * Keeps every interface's admin state from the snapshots and notifications, and can hold the
   * events thread inside a call (a listener that is slow for a while).
   */
  private static final class GatedLinkModel implements NetlinkEvents.Listener {
    private final Map<Integer, LinkMessage> links = new HashMap<>();
    private final List<SyncReason> reasons = new ArrayList<>();
    private final BlockingQueue<Boolean> changes = new LinkedBlockingQueue<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final CountDownLatch held = new CountDownLatch(1);

    @Override
    public synchronized void onSync(Snapshot snapshot, SyncReason reason) {
      reasons.add(reason);
      links.clear();
      snapshot.links().forEach(link -> links.put(link.index(), link));
      changes.add(true);
    }

    @Override
    public void onLink(LinkMessage link, boolean deleted) {
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
        if (deleted) {
          links.remove(link.index());
        } else {
          links.put(link.index(), link);
        }
      }
      changes.add(true);
    }

    void closeGate() {
      gate = new CountDownLatch(1);
    }

    void awaitHeld() throws InterruptedException {
      assertThat(held.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
          .as("the events thread entered the listener")
          .isTrue();
    }

    void openGate() {
      gate.countDown();
    }

    synchronized List<SyncReason> syncReasons() {
      return List.copyOf(reasons);
    }

    private synchronized Map<String, Boolean> state() {
      Map<String, Boolean> state = new TreeMap<>();
      links.values().forEach(link -> state.put(link.name(), link.adminUp()));
      return state;
    }

    void awaitState(Map<String, Boolean> expected, Duration limit) throws InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos();
      while (!state().equals(expected)) {
        Boolean change =
            changes.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        assertThat(change)
            .as("the model reaches %s within %s; it holds %s", expected, limit, state())
            .isNotNull();
      }
    }
  }
}
