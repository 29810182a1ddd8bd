package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.lab.NamespaceLab;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code ip monitor} process in the router namespace whose notifications are captured. Start
 * and end are synchronised with marker routes in an otherwise unused table, so that no event is
 * missed and none of the markers' own events is returned.
 */
final class RouteMonitor implements AutoCloseable {
  private static final Pattern METRIC = Pattern.compile(" metric (\\d+)");
  private static final int MARKER_TABLE = 4242;

  private final NamespaceLab lab;
  private final Process process;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private int markers;

  private RouteMonitor(NamespaceLab lab, Process process) {
    this.lab = lab;
    this.process = process;
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line.strip());
        }
      } catch (IOException e) {
        lines.add("READ FAILED: " + e);
      }
    }, "route-monitor");
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code ip monitor OBJECTS} in the router namespace and waits until it listens. */
  static RouteMonitor start(NamespaceLab lab, String... objects) throws Exception {
    List<String> command = new ArrayList<>(List.of("ip", "-n", lab.routerNamespace(), "monitor"));
    command.addAll(List.of(objects));
    if (!command.contains("route")) {
      command.add("route"); // the markers are routes
    }
    RouteMonitor monitor = new RouteMonitor(lab, new ProcessBuilder(command).redirectErrorStream(true).start());
    monitor.mark();
    return monitor;
  }

  /** Waits until every event so far was seen, stops the monitor, and returns the events. */
  List<String> stop() throws Exception {
    List<String> events = mark();
    process.destroy();
    return events;
  }

  /** The metric of a route line, 0 when it names none (as the kernel prints it). */
  static long metric(String route) {
    Matcher m = METRIC.matcher(route);
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /** Adds a marker route and returns the events before it, waiting at most 10 s for it. */
  private List<String> mark() throws Exception {
    String marker = "198.18.0." + (++markers);
    CommandResult add = lab.exec(lab.routerNamespace(), "ip", "route", "add", "blackhole", marker,
        "table", Integer.toString(MARKER_TABLE));
    assertThat(add.exitCode()).as(add.stderr()).isZero();
    List<String> events = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      assertThat(line).as("monitor saw marker %s within 10 s; saw %s", marker, events).isNotNull();
      if (line.contains(marker)) {
        return events;
      }
      if (!line.contains(" table " + MARKER_TABLE)) {
        events.add(line);
      }
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
