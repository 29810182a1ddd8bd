package dev.failover.lab;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A LAN client that pings an internet target many times a second from a namespace, and says for any
 * stretch of time how many echoes were sent, how many got no answer, and how long the LAN heard
 * nothing back: what a user behind the router loses while it fails over.
 *
 * <p>It runs {@code ip netns exec NS ping -n -D -O -i INTERVAL -W 1 -c COUNT TARGET} and reads
 * every line ({@link EchoLog} says which). The interval is at least 2 ms, which unprivileged
 * {@code ping} refuses below; the lab runs as root anyway. {@code -c COUNT} (the limit divided by
 * the interval) ends the ping by itself, so a harness that dies cannot leave it running for long,
 * and the lab kills what runs in its namespaces when it closes. It is not {@code -w LIMIT}: with
 * a deadline, iputils' ping exits at the first ICMP error (a router without a default route
 * answers "Destination Net Unreachable"), which is exactly what the client is there to count.
 *
 * <p>Times are the wall clock that {@code ping -D} prints, so they compare with {@link
 * Instant#now()} taken around a fault and with {@link RouteWatch}'s timestamps. Thread-safe: a
 * reader thread feeds the log; queries lock it.
 */
public final class LanClient implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(LanClient.class);

  /** The shortest interval {@code ping} accepts. */
  public static final Duration MIN_INTERVAL = Duration.ofMillis(2);

  /**
   * What happened to the echoes sent in a stretch of time.
   *
   * @param sent how many echo requests left in it
   * @param lost how many of those got no answer
   * @param silence how long the LAN heard no reply: from the first unanswered echo of each run to
   *     the next answered one, summed; zero when none was lost
   */
  public record Count(long sent, long lost, Duration silence) {
    /**
     * @throws IllegalArgumentException if a count is negative or {@code lost > sent}
     */
    public Count {
      checkArgument(sent >= 0 && lost >= 0 && lost <= sent,
          "need 0 <= lost <= sent, was lost %s of %s", lost, sent);
      checkNotNull(silence, "silence");
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d of %d lost (%.2f s without replies)", lost, sent,
          silence.toNanos() / 1e9);
    }
  }

  private final Process process;
  private final Duration interval;
  private final Thread reader;
  private final EchoLog log; // guarded by this
  private volatile boolean closing;
  private boolean ended; // guarded by this

  private LanClient(Process process, Duration interval) {
    this.process = process;
    this.interval = interval;
    this.log = new EchoLog(interval);
    this.reader = new Thread(this::read, "lan-client-" + process.pid());
    reader.setDaemon(true);
  }

  /**
   * Starts pinging {@code target} from {@code namespace} every {@code interval}, for about {@code
   * limit} at most (ping sends {@code limit / interval} echoes; it may fall a little behind its
   * interval, which makes it last longer).
   *
   * @throws IllegalArgumentException if {@code interval} is below {@link #MIN_INTERVAL} or {@code
   *     limit} is under a second
   * @throws IOException if ping cannot start
   */
  public static LanClient start(
      String namespace, Inet4Address target, Duration interval, Duration limit)
      throws IOException {
    Netns.path(namespace);
    checkNotNull(target, "target");
    checkArgument(interval.compareTo(MIN_INTERVAL) >= 0, "interval must be >= %s, was %s",
        MIN_INTERVAL, interval);
    checkArgument(limit.toSeconds() >= 1, "limit must be >= 1 s, was %s", limit);
    String seconds = String.format(Locale.ROOT, "%.3f", interval.toNanos() / 1e9);
    long count = Math.max(1, limit.toNanos() / interval.toNanos());
    Process process =
        new ProcessBuilder(
                List.of("ip", "netns", "exec", namespace, "ping", "-n", "-D", "-O", "-i", seconds,
                    "-W", "1", "-c", Long.toString(count), target.getHostAddress()))
            .redirectErrorStream(true)
            .start();
    LanClient client = new LanClient(process, interval);
    client.reader.start();
    return client;
  }

  /** The time between two echo requests, as asked of ping. */
  public Duration interval() {
    return interval;
  }

  /** What happened to the echoes sent in {@code [from, to)}, as far as ping has said yet. */
  public synchronized Count count(Instant from, Instant to) {
    checkNotNull(from, "from");
    checkNotNull(to, "to");
    return log.count(from, to);
  }

  /**
   * Waits until ping has said what became of every echo sent before {@code instant} (it printed a
   * line stamped later than {@code instant} plus one interval), at most {@code limit}.
   *
   * @return whether it did in time
   */
  public synchronized boolean awaitUntil(Instant instant, Duration limit)
      throws InterruptedException {
    Instant wanted = instant.plus(interval);
    long deadline = System.nanoTime() + limit.toNanos();
    while (log.newest().isBefore(wanted)) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || ended) {
        return !log.newest().isBefore(wanted);
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /** Whether ping still runs. */
  public boolean running() {
    return process.isAlive();
  }

  /** Stops ping; idempotent. */
  @Override
  public void close() {
    closing = true;
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
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (this) {
          if (log.accept(line)) {
            notifyAll();
          }
        }
      }
    } catch (IOException e) {
      if (!closing) {
        logger.warn("reading the LAN client's ping failed", e);
      }
    } finally {
      synchronized (this) {
        ended = true;
        notifyAll();
      }
    }
  }
}
