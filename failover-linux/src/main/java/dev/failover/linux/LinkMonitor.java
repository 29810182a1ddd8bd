package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import com.google.common.annotations.VisibleForTesting;
import dev.failover.api.Ipv4;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the kernel's interfaces through one long-lived {@code ip -o monitor link address}
 * process and tells a {@link LinkListener} when an interface becomes usable or unusable (admin
 * down/up, carrier lost/back, deleted) and when an IPv4 address comes or goes.
 *
 * <p>Why: the kernel deletes every route through an interface that goes down, silently, and probes
 * take a few ticks to notice; a link event lets the daemon re-decide at once, treating a provider
 * whose interface is not usable as not eligible (see {@code docs/linux.md}, "Link monitor").
 *
 * <p>Life cycle: {@link #start()} starts the process, waits until it has subscribed to the
 * kernel's link and address notifications (read from {@code /proc/PID/net/netlink}, at most 2 s),
 * then reads every interface once ({@code ip -json addr show}) and reports it, so that no change is
 * lost between the two; from then on each printed line is parsed and reported if it changes what
 * was last reported. If the process dies, it is restarted after a backoff that doubles from {@code
 * minBackoff} to {@code maxBackoff} (reset after a run at least {@code maxBackoff} long), and each
 * restart re-reads every interface, so that changes made meanwhile are reported too. {@link
 * #close()} destroys the process and ends the thread; nothing is left behind.
 *
 * <p>The process runs through a {@link CommandRunner}, an argument list and never a shell; tests
 * give it a runner with an {@code ip netns exec NS} prefix. Listener calls come from the monitor's
 * own thread (made by the given thread factory). Thread-safe: {@code start} and {@code close} may be
 * called from any thread.
 */
public final class LinkMonitor implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(LinkMonitor.class);

  /** The first restart delay after the process died. */
  public static final Duration DEFAULT_MIN_BACKOFF = Duration.ofSeconds(1);

  /** The longest restart delay: a broken {@code ip} is retried twice a minute, no more. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  static final List<String> COMMAND = List.of("ip", "-o", "monitor", "link", "address");

  /** How long a new process may take to subscribe before the initial read goes ahead anyway. */
  private static final Duration SUBSCRIBE_LIMIT = Duration.ofSeconds(2);
  /** How long {@link #start()} waits for the first process to subscribe and report every interface. */
  private static final Duration START_LIMIT = Duration.ofSeconds(15);
  private static final Duration CLOSE_LIMIT = Duration.ofSeconds(5);

  // "3: wan1@if2: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP ..." and
  // "Deleted 3: a1@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN ..."
  private static final Pattern LINK =
      Pattern.compile("^(Deleted )?(\\d+): (\\S+): <([^>]*)>.*? state (\\S+)");
  // "3: wan1    inet 192.168.1.11/24 brd ... scope global wan1\ ..." (inet6 lines are ignored)
  private static final Pattern ADDRESS =
      Pattern.compile("^(Deleted )?(\\d+): (\\S+)\\s+inet (\\d{1,3}(?:\\.\\d{1,3}){3})[/ \\\\]");

  private final CommandRunner runner;
  private final LinkListener listener;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final ThreadFactory threadFactory;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final CountDownLatch firstReport = new CountDownLatch(1);
  private final AtomicInteger starts = new AtomicInteger();
  private final Object lock = new Object();
  private @Nullable Thread thread;
  private @Nullable Process process;
  private volatile @Nullable RuntimeException startFailure;
  private volatile boolean reportedOnce;
  private String lastExit = "no exit status"; // the monitor thread's, for the restart warning

  // Touched by the monitor thread only (and by tests through handle()).
  private final Map<String, Boolean> usable = new HashMap<>();
  private final Map<String, Set<Inet4Address>> addresses = new HashMap<>();
  private final Map<Integer, String> names = new HashMap<>();

  /**
   * A monitor with the default backoff whose thread is a daemon thread named {@code
   * failover-link-monitor}.
   */
  public LinkMonitor(CommandRunner runner, LinkListener listener) {
    this(runner, listener, DEFAULT_MIN_BACKOFF, DEFAULT_MAX_BACKOFF, runnable -> {
      Thread thread = new Thread(runnable, "failover-link-monitor");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * A monitor that runs {@code ip} through {@code runner}, reports to {@code listener} on a thread
   * from {@code threadFactory}, and restarts a dead process after {@code minBackoff}, doubling up to
   * {@code maxBackoff}.
   *
   * @throws IllegalArgumentException if {@code minBackoff} is not positive or {@code maxBackoff} is
   *     below it
   */
  public LinkMonitor(CommandRunner runner, LinkListener listener, Duration minBackoff, Duration maxBackoff,
      ThreadFactory threadFactory) {
    this.runner = checkNotNull(runner, "runner");
    this.listener = checkNotNull(listener, "listener");
    this.minBackoff = checkNotNull(minBackoff, "minBackoff");
    this.maxBackoff = checkNotNull(maxBackoff, "maxBackoff");
    this.threadFactory = checkNotNull(threadFactory, "threadFactory");
    checkArgument(!minBackoff.isNegative() && !minBackoff.isZero(), "minBackoff must be > 0, was %s", minBackoff);
    checkArgument(maxBackoff.compareTo(minBackoff) >= 0, "maxBackoff must be >= minBackoff (%s), was %s",
        minBackoff, maxBackoff);
  }

  /**
   * Starts watching, and returns once every current interface has been reported to the listener
   * (or after 15 s, with a warning, if the first process is slow: it keeps trying).
   *
   * @throws IllegalStateException if already started or closed, or if {@code ip} cannot be started
   *     at all (then the monitor is closed)
   */
  public void start() {
    synchronized (lock) {
      checkState(thread == null, "link monitor already started");
      checkState(closed.getCount() > 0, "link monitor is closed");
      thread = threadFactory.newThread(this::run);
      thread.start();
    }
    try {
      if (!firstReport.await(START_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
        logger.warn("link monitor: no report of the interfaces within {} s; it keeps trying",
            START_LIMIT.toSeconds());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while starting the link monitor", e);
    }
    RuntimeException failure = startFailure;
    if (failure != null) {
      close();
      throw failure;
    }
  }

  /** How many times an {@code ip monitor} process was started, restarts included. */
  int starts() {
    return starts.get();
  }

  /** The running {@code ip monitor} process, if any. */
  @VisibleForTesting
  Optional<ProcessHandle> process() {
    synchronized (lock) {
      return Optional.ofNullable(process).map(Process::toHandle);
    }
  }

  /** Whether the monitor's thread is still alive. */
  @VisibleForTesting
  boolean threadAlive() {
    synchronized (lock) {
      return thread != null && thread.isAlive();
    }
  }

  /** Stops watching: destroys the process and waits up to 5 s for the thread to end. Idempotent. */
  @Override
  public void close() {
    Thread running;
    synchronized (lock) {
      closed.countDown();
      running = thread;
      destroy(process);
    }
    if (running != null && running != Thread.currentThread()) {
      try {
        running.join(CLOSE_LIMIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (running.isAlive()) {
        logger.warn("link monitor thread did not end within {} s (a listener call may be stuck)",
            CLOSE_LIMIT.toSeconds());
      }
    }
  }

  private boolean isClosed() {
    return closed.getCount() == 0;
  }

  private void run() {
    Duration backoff = minBackoff;
    try {
      while (!isClosed()) {
        long started = System.nanoTime();
        try {
          runOnce();
        } catch (CommandException e) {
          if (isClosed()) {
            return;
          }
          if (!reportedOnce) {
            startFailure = new IllegalStateException("cannot start the link monitor: " + e.getMessage(), e);
            firstReport.countDown();
            return;
          }
          logger.warn("link monitor: {}", e.getMessage());
        } catch (IOException | RuntimeException e) {
          if (isClosed()) {
            return; // reading from a destroyed process
          }
          logger.warn("link monitor failed", e);
        }
        if (isClosed()) {
          return;
        }
        if (Duration.ofNanos(System.nanoTime() - started).compareTo(maxBackoff) >= 0) {
          backoff = minBackoff;
        }
        logger.warn("link monitor: '{}' ended ({}); restarting in {} ms", String.join(" ", COMMAND), lastExit,
            backoff.toMillis());
        lastExit = "no exit status";
        if (closed.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
        backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      firstReport.countDown();
      logger.debug("link monitor stopped");
    }
  }

  /** One process's life: start, wait until subscribed, report everything, then follow its lines. */
  private void runOnce() throws IOException, InterruptedException {
    Process started = runner.start(COMMAND);
    synchronized (lock) {
      process = started;
      if (isClosed()) {
        destroy(started);
        return;
      }
    }
    starts.incrementAndGet();
    try {
      awaitSubscribed(started);
      reportAll();
      if (!reportedOnce) {
        reportedOnce = true;
        logger.info("link monitor started ({})", String.join(" ", runner.prefix().isEmpty() ? COMMAND
            : concat(runner.prefix(), COMMAND)));
      }
      firstReport.countDown();
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = lines.readLine()) != null) {
          try {
            handle(line);
          } catch (RuntimeException e) {
            // One odd line must not cost the process; the next full read corrects any gap.
            logger.warn("link monitor: cannot handle '{}'", line, e);
          }
        }
      }
      if (!isClosed() && started.waitFor(1, TimeUnit.SECONDS)) {
        lastExit = "exit " + started.exitValue();
      }
    } finally {
      destroy(started);
    }
  }

  /**
   * Waits until {@code started} has a NETLINK_ROUTE socket with multicast groups, which is when the
   * kernel starts queueing notifications for it; at most {@link #SUBSCRIBE_LIMIT}. A prefix that
   * forks (so that the pid differs) only costs that wait.
   */
  private void awaitSubscribed(Process started) throws InterruptedException {
    Path netlink = Path.of("/proc", Long.toString(started.pid()), "net", "netlink");
    long deadline = System.nanoTime() + SUBSCRIBE_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (subscribed(netlink, started.pid())) {
        return;
      }
      if (started.waitFor(5, TimeUnit.MILLISECONDS)) {
        return; // died; reading its output ends at once and the loop restarts it
      }
    }
    logger.debug("link monitor: cannot tell whether {} subscribed; going ahead", started.pid());
  }

  private static boolean subscribed(Path netlink, long pid) {
    // Columns: sk Eth Pid Groups ...; Eth 0 is NETLINK_ROUTE, Pid the socket's port id (the pid).
    try (InputStream in = Files.newInputStream(netlink)) {
      String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      for (String line : text.split("\n")) {
        String[] columns = line.trim().split("\\s+");
        if (columns.length > 3 && columns[1].equals("0") && columns[2].equals(Long.toString(pid))
            && !columns[3].matches("0+")) {
          return true;
        }
      }
    } catch (IOException e) {
      // Gone or unreadable: the caller's bounded wait decides.
    }
    return false;
  }

  /** Reads every interface and reports what differs from what was last reported. */
  private void reportAll() throws IOException {
    List<LinkStatus> all = LinkStatus.readAll(runner);
    Set<String> present = new HashSet<>();
    for (LinkStatus status : all) {
      present.add(status.interfaceName());
      names.put(status.index(), status.interfaceName());
      link(status.interfaceName(), status.usable());
      Set<Inet4Address> now = new HashSet<>(status.addresses());
      for (Inet4Address gone : new ArrayList<>(addresses.getOrDefault(status.interfaceName(), Set.of()))) {
        if (!now.contains(gone)) {
          address(status.interfaceName(), gone, false);
        }
      }
      for (Inet4Address address : status.addresses()) {
        address(status.interfaceName(), address, true);
      }
    }
    for (String name : new ArrayList<>(usable.keySet())) {
      if (!present.contains(name)) {
        vanished(name);
      }
    }
    names.values().retainAll(present);
  }

  /**
   * Parses one line of {@code ip -o monitor link address} and reports it if it changes anything;
   * other lines (IPv6 addresses, messages) are ignored.
   */
  @VisibleForTesting
  void handle(String line) {
    Matcher link = LINK.matcher(line);
    if (link.find()) {
      boolean deleted = link.group(1) != null;
      int index = Integer.parseInt(link.group(2));
      String name = linkName(index, link.group(3));
      String previous = names.get(index);
      if (previous != null && !previous.equals(name)) {
        vanished(previous); // renamed
      }
      if (deleted) {
        names.remove(index);
        vanished(name);
        return;
      }
      names.put(index, name);
      Set<String> flags = Set.of(link.group(4).split(","));
      boolean up = flags.contains("UP") && LinkStatus.hasCarrier(flags);
      String state = link.group(5);
      link(name, up && (state.equals("UP") || state.equals("UNKNOWN")));
      return;
    }
    Matcher address = ADDRESS.matcher(line);
    if (address.find()) {
      int index = Integer.parseInt(address.group(2));
      String name = names.getOrDefault(index, address.group(3));
      address(name, Ipv4.parse(address.group(4)), address.group(1) == null);
      return;
    }
    logger.trace("link monitor: ignored '{}'", line);
  }

  /**
   * The interface name in a link line's {@code NAME@PEER} field: the name known for the index if
   * it fits (names may hold '@'), else the text before the last '@'.
   */
  private String linkName(int index, String field) {
    String known = names.get(index);
    if (known != null && (field.equals(known) || field.startsWith(known + "@"))) {
      return known;
    }
    int at = field.lastIndexOf('@');
    return at > 0 ? field.substring(0, at) : field;
  }

  private void vanished(String name) {
    for (Inet4Address gone : new ArrayList<>(addresses.getOrDefault(name, Set.of()))) {
      address(name, gone, false);
    }
    link(name, false);
  }

  private void link(String name, boolean nowUsable) {
    Boolean before = usable.put(name, nowUsable);
    if (before != null && before == nowUsable) {
      return;
    }
    if (reportedOnce) {
      logger.info("interface '{}' is {}", name, nowUsable ? "usable" : "not usable");
    }
    try {
      listener.onLinkChanged(name, nowUsable);
    } catch (RuntimeException e) {
      logger.warn("link listener failed for interface '{}'", name, e);
    }
  }

  private void address(String name, Inet4Address address, boolean present) {
    Set<Inet4Address> known = addresses.computeIfAbsent(name, n -> new HashSet<>());
    if (present ? !known.add(address) : !known.remove(address)) {
      return;
    }
    logger.debug("interface '{}': address {} {}", name, address.getHostAddress(), present ? "added" : "removed");
    try {
      listener.onAddressChanged(name, address, present);
    } catch (RuntimeException e) {
      logger.warn("link listener failed for interface '{}', address {}", name, address.getHostAddress(), e);
    }
  }

  private static void destroy(@Nullable Process process) {
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  @Override
  public String toString() {
    return "LinkMonitor[" + runner + "]";
  }
}
