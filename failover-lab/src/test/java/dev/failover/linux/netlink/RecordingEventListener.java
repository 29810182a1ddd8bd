package dev.failover.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A {@link NetlinkEvents.Listener} that records every call and lets a test wait, with a deadline,
 * for the one it expects.
 */
class RecordingEventListener implements NetlinkEvents.Listener {

  /** One call: a snapshot (with its reason) or a notification (with its message). */
  record Event(
      String kind,
      boolean deleted,
      @Nullable Object message,
      NetlinkEvents.@Nullable Snapshot snapshot,
      NetlinkEvents.@Nullable SyncReason reason) {
    @Override
    public String toString() {
      return kind.equals("sync")
          ? "sync " + reason
          : (deleted ? "deleted " : "") + kind + " " + message;
    }
  }

  private final BlockingQueue<Event> pending = new LinkedBlockingQueue<>();
  private final List<Event> all = new CopyOnWriteArrayList<>();

  @Override
  public void onSync(NetlinkEvents.Snapshot snapshot, NetlinkEvents.SyncReason reason) {
    record(new Event("sync", false, null, snapshot, reason));
  }

  @Override
  public void onLink(LinkMessage link, boolean deleted) {
    record(new Event("link", deleted, link, null, null));
  }

  @Override
  public void onAddress(AddressMessage address, boolean deleted) {
    record(new Event("address", deleted, address, null, null));
  }

  @Override
  public void onRoute(RouteMessage route, boolean deleted) {
    record(new Event("route", deleted, route, null, null));
  }

  void record(Event event) {
    all.add(event);
    pending.add(event);
  }

  /** Every call so far. */
  List<Event> events() {
    return List.copyOf(all);
  }

  /** The route notifications so far, as text ({@code deleted route ...} for a deletion). */
  List<String> routeEvents() {
    return all.stream().filter(e -> e.kind().equals("route")).map(Event::toString).toList();
  }

  /**
   * Waits at most {@code limit} for a call that {@code expected} accepts, and returns the calls
   * before it (consumed along with it).
   */
  List<Event> await(Predicate<Event> expected, Duration limit) throws InterruptedException {
    List<Event> before = new ArrayList<>();
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      Event event = pending.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertThat(event).as("an expected event within %s; saw %s", limit, before).isNotNull();
      if (expected.test(event)) {
        return before;
      }
      before.add(event);
    }
  }

  /** Waits for a route notification (not a deletion) that {@code expected} accepts. */
  void awaitRoute(Predicate<RouteMessage> expected, Duration limit) throws InterruptedException {
    await(
        e -> e.kind().equals("route") && !e.deleted() && expected.test((RouteMessage) e.message()),
        limit);
  }

  /** Waits for a link notification that {@code expected} accepts. */
  LinkMessage awaitLink(Predicate<LinkMessage> expected, Duration limit)
      throws InterruptedException {
    List<LinkMessage> found = new ArrayList<>();
    await(
        e -> {
          if (e.kind().equals("link") && !e.deleted() && expected.test((LinkMessage) e.message())) {
            found.add((LinkMessage) e.message());
            return true;
          }
          return false;
        },
        limit);
    return found.get(0);
  }
}
