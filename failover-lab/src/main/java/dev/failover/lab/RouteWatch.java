package dev.failover.lab;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.linux.CommandResult;
import dev.failover.linux.CommandRunner;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the default routes of a namespace's main table through {@code ip -ts monitor route
 * link}, and keeps a timeline of the main route (the one with the lowest metric) and of every
 * instant without any default route.
 *
 * <p>The model: default routes of the main table keyed by metric, as the kernel keys an IPv4 route
 * (table, destination, tos, metric), so that {@code ip route replace} of a metric replaces the
 * entry. A {@code Deleted} line removes the entry of its metric if it names the same device. When
 * an interface goes administratively down the kernel deletes the routes through it <em>without a
 * notification</em>, so a link line without the {@code UP} flag removes every route through that
 * device; carrier loss keeps the routes (flagged {@code linkdown}), and so does the model. Routes
 * of other tables, IPv6 routes and non-unicast defaults are ignored.
 *
 * <p>{@link #startIpv6} watches the IPv6 default routes instead ({@code ip -6}), with the same
 * model: the kernel keys an IPv6 route by table, destination and metric, so a replace of a metric
 * replaces the entry there too. The kernel's own router-advertisement routes ({@code proto ra}) are
 * ignored: they sit at metric 1024 on every uplink that hears an advertisement, so counting them
 * would hide every instant without a default route of the daemon's.
 *
 * <p>Times are the timestamps {@code ip -ts} prints (the wall clock, microseconds), so they compare
 * with {@link Instant#now()} taken around a fault. A gap (no default route left) is counted only
 * while {@link #armGaps armed} and after the model held a default route since arming, so that the
 * empty table before a daemon's first apply is not a gap.
 *
 * <p>Test infrastructure, shared by the demo (which shows the switches it measures) and any harness
 * that needs the same measures: "the main route moved", and "an instant without a default route".
 * Thread-safe: a reader thread feeds the model; queries and waits lock it.
 */
public final class RouteWatch implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(RouteWatch.class);

  private static final Pattern TIMESTAMP = Pattern.compile("^\\[([0-9T:.\\-]+)\\] ?(.*)$");
  private static final Pattern METRIC = Pattern.compile(" metric (\\d+)");
  private static final Pattern DEV = Pattern.compile(" dev (\\S+)");
  private static final Pattern VIA = Pattern.compile("^default via (\\S+)");
  private static final Pattern LINK = Pattern.compile("^(\\d+): ([^:@ ]+)(?:@[^:]*)?: <([^>]*)>");
  private static final int MARKER_TABLE = 4242;
  private static final Duration MARKER_WAIT = Duration.ofSeconds(10);
  private static final CommandRunner RUNNER = new CommandRunner(List.of(), Duration.ofSeconds(20));

  /**
   * A default route of the main table.
   *
   * @param metric its metric (0 when {@code ip} prints none)
   * @param dev the interface it leaves through
   * @param via its gateway, or empty for a device route
   */
  public record Route(long metric, String dev, String via) {
    public Route {
      checkNotNull(dev, "dev");
      checkNotNull(via, "via");
    }
  }

  /** The main route from {@code at} on; {@code main} is null while there is no default route. */
  public record MainChange(Instant at, @Nullable Route main) {
    /** The main route's device, or empty while there is none. */
    public Optional<String> dev() {
      return main == null ? Optional.empty() : Optional.of(main.dev());
    }
  }

  /** An instant without a default route: from {@code start} until {@code end} (null: ongoing). */
  public record Gap(Instant start, @Nullable Instant end, String cause) {}

  /**
   * A link notification: interface {@code dev} at the time {@code ip -ts monitor} stamped it.
   *
   * @param usable whether the flags hold both {@code UP} and {@code LOWER_UP} and the link is not
   *     deleted
   */
  public record LinkEvent(Instant at, String dev, boolean usable) {}

  private final String namespace;
  private final boolean ipv6;
  private final @Nullable Process process;
  private final Thread reader;
  private final ZoneId zone = ZoneId.systemDefault();
  private volatile boolean closing;

  // Guarded by this.
  private final TreeMap<Long, Route> routes = new TreeMap<>();
  private final List<MainChange> timeline = new ArrayList<>();
  private final List<Gap> gaps = new ArrayList<>();
  private final List<LinkEvent> linkEvents = new ArrayList<>();
  private final List<String> markersSeen = new ArrayList<>();
  private boolean armed;
  private boolean heldRouteSinceArming;
  private @Nullable Instant gapStart;
  private String gapCause = "";
  private int markers;
  private boolean ended;

  /**
   * A watch of {@code namespace} fed by {@code process}'s output once its reader runs, or, without
   * a process, through {@link #accept} alone (the tests of the model).
   */
  RouteWatch(String namespace, @Nullable Process process) {
    this(namespace, process, false);
  }

  /** As {@link #RouteWatch(String, Process)}, of the IPv6 default routes if {@code ipv6}. */
  RouteWatch(String namespace, @Nullable Process process, boolean ipv6) {
    this.namespace = namespace;
    this.ipv6 = ipv6;
    this.process = process;
    this.reader = new Thread(this::read, "route-watch-" + namespace);
    reader.setDaemon(true);
  }

  /**
   * Starts {@code ip -ts monitor route link} in {@code namespace} and waits until it listens (a
   * marker route in an unused table shows up).
   *
   * @throws IOException if the monitor cannot start or does not show the marker within 10 s
   */
  public static RouteWatch start(String namespace) throws IOException, InterruptedException {
    return start(namespace, false);
  }

  /**
   * Starts {@code ip -6 -ts monitor route link} in {@code namespace}: a watch of the IPv6 default
   * routes of the main table, but for the kernel's router-advertisement routes (see the class
   * comment); otherwise as {@link #start(String)}.
   */
  public static RouteWatch startIpv6(String namespace) throws IOException, InterruptedException {
    return start(namespace, true);
  }

  private static RouteWatch start(String namespace, boolean ipv6)
      throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(
                "ip", "-n", namespace, ipv6 ? "-6" : "-4", "-ts", "monitor", "route", "link")
            .redirectErrorStream(true)
            .start();
    RouteWatch watch = new RouteWatch(namespace, process, ipv6);
    watch.reader.start();
    try {
      watch.sync();
    } catch (IOException | InterruptedException | RuntimeException e) {
      watch.close();
      throw e;
    }
    return watch;
  }

  /**
   * Waits until every notification so far has been read: adds a marker route in an unused table
   * and waits until it shows up, then removes it. A monitor that has only just started may not
   * listen yet, so a new marker is added every 250 ms until one shows up.
   *
   * @throws IOException if no marker shows up within 10 s
   */
  public void sync() throws IOException, InterruptedException {
    List<String> added = new ArrayList<>();
    try {
      long deadline = System.nanoTime() + MARKER_WAIT.toNanos();
      while (true) {
        String marker;
        synchronized (this) {
          marker =
              ipv6
                  ? "2001:db8:ffff::" + Integer.toHexString(markers % 0xffff + 1)
                  : "198.18." + (markers / 250 % 250) + "." + (markers % 250 + 1);
          markers++;
        }
        List<String> add =
            List.of("ip", "-n", namespace, family(), "route", "replace", "blackhole", marker,
                "table", Integer.toString(MARKER_TABLE));
        CommandResult result = RUNNER.run(add);
        if (!result.succeeded()) {
          throw new IOException(String.join(" ", add) + " failed (exit " + result.exitCode()
              + "): " + result.stderr().strip());
        }
        added.add(marker);
        long until = Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250));
        synchronized (this) {
          while (!markersSeen.contains(marker) && !ended) {
            long left = until - System.nanoTime();
            if (left <= 0) {
              break;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
          }
          if (markersSeen.contains(marker)) {
            markersSeen.clear();
            return;
          }
          if (ended || System.nanoTime() - deadline >= 0) {
            throw new IOException(
                "ip monitor in " + namespace + " did not show a marker route within "
                    + MARKER_WAIT.toSeconds() + " s" + (ended ? " (it exited)" : ""));
          }
        }
      }
    } finally {
      for (String marker : added) {
        RUNNER.run(
            List.of("ip", "-n", namespace, family(), "route", "del", "blackhole", marker,
                "table", Integer.toString(MARKER_TABLE)));
      }
    }
  }

  private String family() {
    return ipv6 ? "-6" : "-4";
  }

  /**
   * Starts counting instants without a default route, from the moment the table next holds one.
   */
  public synchronized void armGaps() {
    armed = true;
    heldRouteSinceArming = !routes.isEmpty();
  }

  /** Stops counting gaps (before the harness itself removes routes); closes an ongoing gap. */
  public synchronized void disarmGaps(Instant at) {
    if (gapStart != null) {
      gaps.add(new Gap(gapStart, at, gapCause));
      gapStart = null;
    }
    armed = false;
  }

  /** The main route now, if any. */
  public synchronized Optional<Route> main() {
    return routes.isEmpty() ? Optional.empty() : Optional.of(routes.firstEntry().getValue());
  }

  /** The default routes now, by metric. */
  public synchronized Map<Long, Route> routes() {
    return Map.copyOf(routes);
  }

  /** The timeline of main-route changes from {@code from} on (inclusive). */
  public synchronized List<MainChange> changesSince(Instant from) {
    List<MainChange> since = new ArrayList<>();
    for (MainChange change : timeline) {
      if (!change.at().isBefore(from)) {
        since.add(change);
      }
    }
    return since;
  }

  /** Every gap so far, ongoing ones included. */
  /**
   * The first notification at or after {@code from} that {@code dev} is not usable: the moment the
   * kernel made a link fault known, from which the daemon can act.
   */
  public synchronized Optional<LinkEvent> firstLinkLossSince(Instant from, String dev) {
    for (LinkEvent event : linkEvents) {
      if (!event.at().isBefore(from) && event.dev().equals(dev) && !event.usable()) {
        return Optional.of(event);
      }
    }
    return Optional.empty();
  }

  public synchronized List<Gap> gaps() {
    List<Gap> all = new ArrayList<>(gaps);
    if (gapStart != null) {
      all.add(new Gap(gapStart, null, gapCause));
    }
    return all;
  }

  /**
   * Waits until {@code condition} holds for the routes (by metric), at most {@code limit}.
   *
   * @return whether it held in time
   */
  public synchronized boolean await(Predicate<Map<Long, Route>> condition, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.test(routes)) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || ended) {
        return condition.test(routes);
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
    }
    return true;
  }

  /**
   * Waits for the first main-route change at or after {@code from} that {@code accept}s, at most
   * {@code limit}.
   */
  public synchronized Optional<MainChange> awaitChange(
      Instant from, Predicate<MainChange> accept, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      for (MainChange change : timeline) {
        if (!change.at().isBefore(from) && accept.test(change)) {
          return Optional.of(change);
        }
      }
      long left = deadline - System.nanoTime();
      if (left <= 0 || ended) {
        return Optional.empty();
      }
      TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
    }
  }

  @Override
  public void close() {
    closing = true;
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void read() {
    if (process == null) {
      return;
    }
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        accept(line, Instant.now());
      }
    } catch (IOException e) {
      if (!closing) {
        logger.warn("reading ip monitor in {} failed", namespace, e);
      }
    } finally {
      synchronized (this) {
        ended = true;
        notifyAll();
      }
    }
  }

  /** Feeds one line of {@code ip -ts monitor} output, read at {@code readAt}. */
  synchronized void accept(String raw, Instant readAt) {
    if (raw.isEmpty() || Character.isWhitespace(raw.charAt(0))) {
      return; // a continuation line (link/ether ...)
    }
    Instant at = readAt;
    String line = raw;
    Matcher ts = TIMESTAMP.matcher(raw);
    if (ts.matches()) {
      line = ts.group(2);
      try {
        at = LocalDateTime.parse(ts.group(1)).atZone(zone).toInstant();
      } catch (DateTimeParseException e) {
        logger.debug("unparsable ip monitor timestamp in '{}'; using the time read", raw, e);
      }
    }
    boolean deleted = line.startsWith("Deleted ");
    String body = deleted ? line.substring("Deleted ".length()) : line;
    if (body.contains(" table " + MARKER_TABLE)) {
      if (!deleted) {
        markersSeen.add(body.split(" ")[1]);
        notifyAll();
      }
      return;
    }
    Matcher link = LINK.matcher(body);
    if (link.find()) {
      List<String> flags = List.of(link.group(3).split(","));
      linkEvents.add(new LinkEvent(at, link.group(2),
          !deleted && flags.contains("UP") && flags.contains("LOWER_UP")));
      if (deleted || !flags.contains("UP")) {
        // The kernel drops the IPv4 routes of a downed interface without telling anyone (it does
        // tell of the IPv6 ones; a deletion of a route no longer held changes nothing).
        String dev = link.group(2);
        if (routes.values().removeIf(r -> r.dev().equals(dev))) {
          changed(at, "interface " + dev + " went down");
        }
      }
      return;
    }
    if (!body.startsWith("default ") || body.contains(" table ")) {
      return;
    }
    Matcher dev = DEV.matcher(body);
    if (!dev.find()) {
      return; // no device: not one of the routes failover makes
    }
    Matcher via = VIA.matcher(body);
    String gateway = via.find() ? via.group(1) : "";
    if (!ipv6 && gateway.contains(":")) {
      return; // an IPv6 route
    }
    if (ipv6 && body.contains(" proto ra ")) {
      return; // the kernel's router-advertisement route, see the class comment
    }
    Matcher metric = METRIC.matcher(body);
    long value = metric.find() ? Long.parseLong(metric.group(1)) : 0;
    Route route = new Route(value, dev.group(1), gateway);
    if (deleted) {
      Route held = routes.get(value);
      if (held != null && held.dev().equals(route.dev())) {
        routes.remove(value);
        changed(at, "deleted " + body.strip());
      }
    } else {
      routes.put(value, route);
      changed(at, "added " + body.strip());
    }
  }

  private void changed(Instant at, String cause) {
    @Nullable Route main = routes.isEmpty() ? null : routes.firstEntry().getValue();
    MainChange last = timeline.isEmpty() ? null : timeline.get(timeline.size() - 1);
    if (last == null || !Objects.equals(last.main(), main)) {
      timeline.add(new MainChange(at, main));
    }
    if (armed) {
      if (main == null && heldRouteSinceArming && gapStart == null) {
        gapStart = at;
        gapCause = cause;
        logger.warn("no default route left in {} at {}: {}", namespace, at, cause);
      } else if (main != null) {
        heldRouteSinceArming = true;
        if (gapStart != null) {
          gaps.add(new Gap(gapStart, at, gapCause));
          gapStart = null;
        }
      }
    }
    notifyAll();
  }
}
