package dev.failover.linux.netlink;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's link, address and route notifications from one netlink socket, read by one daemon
 * thread and handed to a {@link Listener}, with a full resync whenever notifications may have been
 * lost.
 *
 * <p><b>Start.</b> {@link #start} opens the socket in the calling thread's network namespace, joins
 * the multicast groups asked for, and starts the thread (which inherits that namespace). The thread
 * first syncs: it reads and drops what queued up meanwhile, dumps every interface and every address
 * of the subscribed families (over a second, short-lived socket), and hands the {@link Snapshot} to
 * {@link Listener#onSync}; {@code start} returns once that happened. Joining before dumping means
 * that no change between the two is lost: it is in the dump or in a later notification.
 *
 * <p><b>Overrun.</b> When notifications come faster than the thread reads them, the socket's
 * receive queue overflows and the kernel drops some and reports {@code ENOBUFS}; an undecodable
 * message is treated the same way. Either way the thread syncs again ({@link SyncReason#OVERRUN},
 * {@link SyncReason#FAILURE}), so the listener, comparing the snapshot with what it knew, sees
 * every difference: a change is reported late, never lost. The snapshot holds no routes but the
 * main table's of the subscribed route groups (a router's other tables may be huge).
 *
 * <p><b>Threads.</b> Every listener call comes from the one thread, in the kernel's order; an
 * exception a listener throws is logged and the thread goes on. {@link #close()} wakes the thread
 * through an eventfd, waits up to 5 s for it to end, and closes the socket. Thread-safe.
 */
public final class NetlinkEvents implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(NetlinkEvents.class);

  /** The receive buffer asked for by default: some 700 link notifications' worth. */
  public static final int DEFAULT_RECEIVE_BUFFER_BYTES = 1 << 20;

  private static final Duration START_LIMIT = Duration.ofSeconds(15);
  private static final Duration CLOSE_LIMIT = Duration.ofSeconds(5);
  private static final long MIN_BACKOFF_MILLIS = 100;
  private static final long MAX_BACKOFF_MILLIS = 30_000;

  /** The kernel's main routing table, the only one a snapshot reads routes from. */
  private static final int MAIN_TABLE = 254;

  /** Receives per wake-up before the thread polls again (and notices a close). */
  private static final int MAX_READS_PER_PASS = 256;

  /** Receives of stale notifications dropped before a dump, at most. */
  private static final int MAX_DRAIN_READS = 4096;

  /** Dumps flagged "interrupted" retried before the last one is used anyway. */
  private static final int DUMP_ATTEMPTS = 3;

  /** The rtnetlink multicast groups this class can follow. */
  public enum Group {
    /** {@code RTNLGRP_LINK}: interfaces added, changed (flags, state, name) and deleted. */
    LINK(1),
    /** {@code RTNLGRP_IPV4_IFADDR}: IPv4 addresses added and removed. */
    IPV4_ADDRESS(5),
    /** {@code RTNLGRP_IPV4_ROUTE}: IPv4 routes added, replaced and deleted. */
    IPV4_ROUTE(7),
    /** {@code RTNLGRP_IPV6_IFADDR}: IPv6 addresses added and removed. */
    IPV6_ADDRESS(9),
    /** {@code RTNLGRP_IPV6_ROUTE}: IPv6 routes added, replaced and deleted. */
    IPV6_ROUTE(11);

    private final int number;

    Group(int number) {
      this.number = number;
    }

    /** The kernel's {@code RTNLGRP_*} number. */
    public int number() {
      return number;
    }
  }

  /** Why the listener gets a snapshot. */
  public enum SyncReason {
    /** The first sync, during {@link #start}. */
    START,
    /** The kernel dropped notifications for this socket: its receive queue overflowed. */
    OVERRUN,
    /** A notification could not be decoded, or reading failed; the thread recovered. */
    FAILURE
  }

  /**
   * Every interface and every address of the subscribed families at one moment.
   *
   * @param links every interface
   * @param addresses every address of the families whose group is subscribed
   * @param routes the main table's IPv4 routes when {@link Group#IPV4_ROUTE} is subscribed, and its
   *     IPv6 routes when {@link Group#IPV6_ROUTE} is, each dump filtered to the main table by the
   *     kernel; else empty (a router's other tables may be large, and nothing here needs them)
   */
  public record Snapshot(
      List<LinkMessage> links, List<AddressMessage> addresses, List<RouteMessage> routes) {
    public Snapshot {
      links = List.copyOf(links);
      addresses = List.copyOf(addresses);
      routes = List.copyOf(routes);
    }

    /** A snapshot without routes. */
    public Snapshot(List<LinkMessage> links, List<AddressMessage> addresses) {
      this(links, addresses, List.of());
    }
  }

  /** Receives the notifications; every call comes from the events thread. */
  public interface Listener {
    /**
     * The full state, after which only changes follow. Called once at start and again after every
     * overrun or failure: compare with what you knew and act on every difference.
     */
    void onSync(Snapshot snapshot, SyncReason reason);

    /** An interface was added or changed ({@code deleted} false), or deleted. */
    default void onLink(LinkMessage link, boolean deleted) {}

    /** An address was added or changed ({@code deleted} false), or removed. */
    default void onAddress(AddressMessage address, boolean deleted) {}

    /** A route was added or replaced ({@code deleted} false), or deleted. */
    default void onRoute(RouteMessage route, boolean deleted) {}
  }

  private final Set<Group> groups;
  private final Listener listener;
  private final NetlinkSocket socket;
  private final int wakeFd;
  private final @Nullable Path namespace;
  private final CountDownLatch started = new CountDownLatch(1);
  private final AtomicInteger overruns = new AtomicInteger();
  private final AtomicInteger syncs = new AtomicInteger();
  private final Object lock = new Object();
  private volatile boolean closed;
  private volatile @Nullable Exception startFailure;
  // Guarded by lock.
  private @Nullable Thread thread;
  private boolean threadEnded;
  private boolean fdsClosed;
  private boolean threadClosesFds;

  private NetlinkEvents(
      Set<Group> groups,
      Listener listener,
      NetlinkSocket socket,
      int wakeFd,
      @Nullable Path namespace) {
    this.groups = groups;
    this.listener = listener;
    this.socket = socket;
    this.wakeFd = wakeFd;
    this.namespace = namespace;
  }

  /**
   * Starts following {@code groups} in the calling thread's network namespace, on a daemon thread
   * named {@code failover-netlink-events}, with a receive buffer of {@link
   * #DEFAULT_RECEIVE_BUFFER_BYTES}.
   */
  public static NetlinkEvents start(Set<Group> groups, Listener listener) throws NetlinkException {
    return start(
        groups,
        listener,
        runnable -> {
          Thread thread = new Thread(runnable, "failover-netlink-events");
          thread.setDaemon(true);
          return thread;
        },
        DEFAULT_RECEIVE_BUFFER_BYTES);
  }

  /**
   * Starts following {@code groups} in the calling thread's network namespace, on a thread made by
   * {@code threadFactory} (it must start the thread from the calling thread, as a plain {@code new
   * Thread} does, so that it shares the namespace), with a receive buffer of {@code
   * receiveBufferBytes} (doubled by the kernel). Returns once the listener has the first snapshot.
   *
   * @throws IllegalArgumentException if {@code groups} is empty or the buffer size not positive
   * @throws NetlinkException if the socket cannot be set up or the first snapshot cannot be read
   *     within 15 s; nothing is left running then
   */
  public static NetlinkEvents start(
      Set<Group> groups, Listener listener, ThreadFactory threadFactory, int receiveBufferBytes)
      throws NetlinkException {
    checkNotNull(groups, "groups");
    checkNotNull(listener, "listener");
    checkNotNull(threadFactory, "threadFactory");
    checkArgument(!groups.isEmpty(), "groups must not be empty");
    checkArgument(
        receiveBufferBytes > 0, "receiveBufferBytes must be > 0, was %s", receiveBufferBytes);
    NetlinkSocket socket = NetlinkSocket.open();
    int wake = -1;
    NetlinkEvents events = null;
    try {
      socket.setReceiveBuffer(receiveBufferBytes);
      for (Group group : groups) {
        socket.join(group.number());
      }
      wake = LibC.eventfd(0, LibC.EFD_NONBLOCK | LibC.EFD_CLOEXEC);
      if (wake < 0) {
        throw NetlinkException.ofErrno("eventfd", Native.getLastError());
      }
      events =
          new NetlinkEvents(
              EnumSet.copyOf(groups), listener, socket, wake, currentNamespace().orElse(null));
      events.startThread(threadFactory);
      return events;
    } catch (NetlinkException | RuntimeException e) {
      if (events != null) {
        events.close();
      } else {
        socket.close();
        if (wake >= 0) {
          LibC.close(wake);
        }
      }
      throw e;
    }
  }

  private void startThread(ThreadFactory threadFactory) throws NetlinkException {
    Thread created = threadFactory.newThread(this::run);
    synchronized (lock) {
      thread = created;
    }
    created.start();
    boolean done;
    try {
      done = started.await(START_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NetlinkException("interrupted while waiting for the first netlink snapshot");
    }
    Exception failure = startFailure;
    if (failure instanceof NetlinkException netlink) {
      throw new NetlinkException(
          "cannot read the first snapshot: " + netlink.getMessage(),
          netlink.errno(),
          netlink.kernelMessage().orElse(null));
    }
    if (failure != null) {
      throw new NetlinkException("cannot read the first snapshot: " + failure);
    }
    if (!done) {
      throw new NetlinkException("no first snapshot within " + START_LIMIT.toSeconds() + " s");
    }
  }

  /** How many times the socket overran (the kernel dropped notifications) since the start. */
  public int overruns() {
    return overruns.get();
  }

  /** How many snapshots the listener got, the first one included. */
  public int syncs() {
    return syncs.get();
  }

  /** Whether the events thread is still running (it ends only on {@link #close()} or a bug). */
  public boolean running() {
    synchronized (lock) {
      return thread != null && thread.isAlive();
    }
  }

  /**
   * Stops: wakes the thread, waits up to 5 s for it to end (a listener call in progress finishes
   * first), and closes the socket. Idempotent; may be called from a listener (then it does not
   * wait).
   */
  @Override
  public void close() {
    Thread running;
    synchronized (lock) {
      closed = true;
      running = thread;
      if (!fdsClosed) {
        signal(wakeFd);
      }
    }
    if (running != null && running != Thread.currentThread()) {
      try {
        running.join(CLOSE_LIMIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (lock) {
      if (running == null || threadEnded) {
        closeFds();
      } else {
        // Stuck in a listener call, or closing from inside one: the thread closes them as it ends.
        threadClosesFds = true;
        if (running != Thread.currentThread()) {
          logger.warn(
              "netlink events thread did not end within {} s (a listener call may be"
                  + " stuck); it closes its socket when it ends",
              CLOSE_LIMIT.toSeconds());
        }
      }
    }
  }

  private void closeFds() {
    if (!fdsClosed) {
      fdsClosed = true;
      socket.close();
      LibC.close(wakeFd);
    }
  }

  // ---- the events thread

  private void run() {
    try {
      checkNamespace();
      sync(SyncReason.START);
      started.countDown();
      serve();
    } catch (NetlinkException | RuntimeException e) {
      if (started.getCount() > 0) {
        startFailure = e;
      } else if (!closed) {
        logger.error(
            "netlink events thread failed; link and address changes are no longer seen", e);
      }
    } finally {
      started.countDown();
      synchronized (lock) {
        threadEnded = true;
        if (threadClosesFds) {
          closeFds();
        }
      }
      logger.debug("netlink events thread ended");
    }
  }

  /** Reads and dispatches until closed; recovers from any failure by syncing again. */
  private void serve() {
    long backoff = MIN_BACKOFF_MILLIS;
    int[] fds = {wakeFd, socket.descriptor()};
    boolean[] ready = new boolean[2];
    SyncReason pending = null;
    while (!closed) {
      try {
        if (pending != null) {
          sync(pending);
          pending = null;
        }
        NetlinkSocket.pollReadable(fds, ready, -1);
        if (closed) {
          return;
        }
        if (ready[0]) {
          drainEventFd(wakeFd);
        }
        if (ready[1]) {
          pending = readAvailable();
        }
        backoff = MIN_BACKOFF_MILLIS;
      } catch (NetlinkException | RuntimeException e) {
        if (closed) {
          return;
        }
        logger.warn("netlink events: {}; syncing again in {} ms", e.getMessage(), backoff, e);
        if (!pause(backoff)) {
          return;
        }
        backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        pending = SyncReason.FAILURE;
      }
    }
  }

  /**
   * Reads what the socket holds, up to a bound, and hands it to the listener.
   *
   * @return why the state must be read again, or null if nothing was lost
   */
  private @Nullable SyncReason readAvailable() throws NetlinkException {
    for (int reads = 0; reads < MAX_READS_PER_PASS && !closed; reads++) {
      MessageReader r;
      try {
        r = socket.receiveNow();
      } catch (NetlinkException e) {
        if (!e.overrun()) {
          throw e;
        }
        int count = overruns.incrementAndGet();
        logger.warn(
            "netlink events: the kernel dropped notifications (overrun {}: {}); reading the"
                + " whole state again",
            count,
            e.getMessage());
        return SyncReason.OVERRUN;
      }
      if (r == null) {
        return null;
      }
      try {
        dispatch(r);
      } catch (NetlinkFormatException e) {
        logger.warn(
            "netlink events: undecodable notification ({}); reading the whole state again",
            e.getMessage());
        return SyncReason.FAILURE;
      }
    }
    return null;
  }

  private void dispatch(MessageReader r) throws NetlinkFormatException {
    while (r.next() && !closed) {
      int type = r.type();
      switch (type) {
        case Nl.RTM_NEWLINK, Nl.RTM_DELLINK -> {
          LinkMessage link = Codec.link(r);
          deliver(() -> listener.onLink(link, type == Nl.RTM_DELLINK), link);
        }
        case Nl.RTM_NEWADDR, Nl.RTM_DELADDR -> {
          AddressMessage address = Codec.address(r);
          deliver(() -> listener.onAddress(address, type == Nl.RTM_DELADDR), address);
        }
        case Nl.RTM_NEWROUTE, Nl.RTM_DELROUTE -> {
          RouteMessage route = Codec.route(r);
          deliver(() -> listener.onRoute(route, type == Nl.RTM_DELROUTE), route);
        }
        default -> logger.trace("netlink events: ignored {}", Nl.typeName(type));
      }
    }
  }

  private void deliver(Runnable call, Object what) {
    try {
      call.run();
    } catch (RuntimeException e) {
      logger.warn("netlink events listener failed on {}", what, e);
    }
  }

  /**
   * Drops what is queued (the dump that follows is newer), dumps links and addresses, and hands the
   * snapshot to the listener.
   */
  private void sync(SyncReason reason) throws NetlinkException {
    drainSocket();
    Snapshot snapshot = null;
    try (RtNetlink netlink = RtNetlink.open()) {
      for (int attempt = 1; snapshot == null; attempt++) {
        List<LinkMessage> links = new ArrayList<>();
        List<AddressMessage> addresses = new ArrayList<>();
        List<RouteMessage> routes = new ArrayList<>();
        boolean interrupted = netlink.dumpLinks(links::add).interrupted();
        for (AddressFamily family : subscribedAddressFamilies()) {
          interrupted |= netlink.dumpAddresses(family, 0, addresses::add).interrupted();
        }
        if (groups.contains(Group.IPV4_ROUTE)) {
          interrupted |=
              netlink
                  .dumpRoutes(RouteFilter.table(AddressFamily.INET, MAIN_TABLE), routes::add)
                  .interrupted();
        }
        if (groups.contains(Group.IPV6_ROUTE)) {
          interrupted |=
              netlink
                  .dumpRoutes(RouteFilter.table(AddressFamily.INET6, MAIN_TABLE), routes::add)
                  .interrupted();
        }
        if (!interrupted || attempt == DUMP_ATTEMPTS) {
          snapshot = new Snapshot(links, addresses, routes);
        }
      }
    }
    syncs.incrementAndGet();
    Snapshot done = snapshot;
    deliver(() -> listener.onSync(done, reason), reason + " snapshot");
  }

  private List<AddressFamily> subscribedAddressFamilies() {
    List<AddressFamily> families = new ArrayList<>();
    if (groups.contains(Group.IPV4_ADDRESS)) {
      families.add(AddressFamily.INET);
    }
    if (groups.contains(Group.IPV6_ADDRESS)) {
      families.add(AddressFamily.INET6);
    }
    return families;
  }

  private void drainSocket() {
    for (int reads = 0; reads < MAX_DRAIN_READS; reads++) {
      try {
        if (socket.receiveNow() == null) {
          return;
        }
      } catch (NetlinkException e) {
        // Another overrun while dropping what the dump replaces anyway: nothing to do.
        logger.debug("netlink events: {} while draining", e.getMessage());
      }
    }
  }

  /** Waits {@code millis} unless closed first; returns false if closed. */
  private boolean pause(long millis) {
    try {
      NetlinkSocket.pollReadable(new int[] {wakeFd}, new boolean[1], (int) millis);
    } catch (NetlinkException e) {
      logger.debug("netlink events: poll of the wake-up descriptor failed", e);
    }
    return !closed;
  }

  /**
   * Fails if the thread is not in the network namespace of the thread that called {@code start}: it
   * would follow one namespace's notifications and dump another's state.
   */
  private void checkNamespace() throws NetlinkException {
    Optional<Path> own = currentNamespace();
    if (namespace != null && own.isPresent() && !own.get().equals(namespace)) {
      throw new NetlinkException(
          "the events thread is in network namespace "
              + own.get()
              + ", not in the starting thread's "
              + namespace
              + "; give a thread factory that starts a"
              + " plain thread");
    }
  }

  /**
   * The calling thread's network namespace, as {@code /proc} names it ({@code net:[4026531840]}).
   */
  private static Optional<Path> currentNamespace() {
    try {
      return Optional.of(Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")));
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }

  private static void signal(int fd) {
    // Fails only when the counter would overflow (it is readable then anyway).
    LibC.write(
        fd,
        ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, 1).array(),
        new NativeLong(8));
  }

  private static void drainEventFd(int fd) {
    // EAGAIN when there was nothing to drain, which is fine too.
    LibC.read(fd, new byte[8], new NativeLong(8));
  }

  @Override
  public String toString() {
    return "NetlinkEvents[" + groups + ", " + socket + "]";
  }
}
