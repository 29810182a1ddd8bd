package dev.failover.lab;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fate of every echo request of one {@code ping -D -O} run, read from its output lines: which
 * were answered, which were not, and about when each was sent.
 *
 * <p>The lines it understands (iputils; {@code -D} puts the wall-clock time in brackets first):
 *
 * <ul>
 *   <li>{@code [T] 64 bytes from A: icmp_seq=N ttl=64 time=R ms}: echo N was answered; it was sent
 *       at T minus R;
 *   <li>{@code [T] no answer yet for icmp_seq=N} ({@code -O}, printed just before the next echo
 *       leaves): echo N is unanswered so far; it was sent about one interval before T;
 *   <li>{@code [T] From A icmp_seq=N Destination Net Unreachable} (or another ICMP error): echo N
 *       was not answered; it was sent about at T.
 * </ul>
 *
 * <p>A reply that comes after its "no answer yet" line still counts as answered: the packet got
 * through, late. Sequence numbers wrap at 65536; the log unwraps them. Other lines (the header, the
 * summary) are ignored.
 *
 * <p>Not thread-safe: {@link LanClient} feeds and queries it under its own lock.
 */
final class EchoLog {
  private static final Pattern TIME = Pattern.compile("^\\[(\\d+)\\.(\\d{1,9})\\] (.*)$");
  private static final Pattern SEQ = Pattern.compile("icmp_seq=(\\d+)");
  private static final Pattern RTT = Pattern.compile(" time=([0-9.]+) ms");
  private static final long WRAP = 65_536;

  /** One echo request: when it left, and whether it was answered. */
  record Echo(Instant sentAt, boolean answered) {}

  private final Duration interval;
  private final TreeMap<Long, Echo> echoes = new TreeMap<>();
  private long lastRaw = -1;
  private long epoch;
  private Instant newest = Instant.EPOCH;

  /** A log for a ping that sends one echo every {@code interval}. */
  EchoLog(Duration interval) {
    checkNotNull(interval, "interval");
    checkArgument(!interval.isNegative() && !interval.isZero(), "interval must be > 0, was %s",
        interval);
    this.interval = interval;
  }

  /** Reads one line of ping's output; returns whether it said something about an echo. */
  boolean accept(String line) {
    Matcher time = TIME.matcher(line);
    if (!time.matches()) {
      return false;
    }
    String nanos = (time.group(2) + "000000000").substring(0, 9);
    Instant at = Instant.ofEpochSecond(Long.parseLong(time.group(1)), Long.parseLong(nanos));
    String text = time.group(3);
    Matcher seq = SEQ.matcher(text);
    if (!seq.find()) {
      return false;
    }
    long n = unwrap(Long.parseLong(seq.group(1)));
    if (at.isAfter(newest)) {
      newest = at;
    }
    if (text.startsWith("no answer yet")) {
      echoes.putIfAbsent(n, new Echo(at.minus(interval), false));
    } else if (text.contains(" bytes from ")) {
      Matcher rtt = RTT.matcher(text);
      Duration roundTrip =
          rtt.find() ? Duration.ofNanos(Math.round(Double.parseDouble(rtt.group(1)) * 1e6))
              : Duration.ZERO;
      echoes.put(n, new Echo(at.minus(roundTrip), true));
    } else if (text.startsWith("From ")) {
      Echo known = echoes.get(n);
      if (known == null || !known.answered()) {
        echoes.put(n, new Echo(known == null ? at : known.sentAt(), false));
      }
    } else {
      return false;
    }
    return true;
  }

  /** The newest time a line of the log carried; the epoch before any. */
  Instant newest() {
    return newest;
  }

  /** The echoes, by unwrapped sequence number. */
  SortedMap<Long, Echo> echoes() {
    return Collections.unmodifiableSortedMap(echoes);
  }

  /**
   * What happened to the echoes sent in {@code [from, to)}.
   *
   * <p>The silence of a run of unanswered echoes lasts from the first of them being sent to the
   * next answered one being sent (the LAN had no replies in between); a run still open at the end
   * of the log ends one interval after its last echo.
   */
  LanClient.Count count(Instant from, Instant to) {
    long sent = 0;
    long lost = 0;
    Duration silence = Duration.ZERO;
    Optional<Instant> runStart = Optional.empty();
    Instant runLast = from;
    for (Echo echo : echoes.values()) {
      boolean inside = !echo.sentAt().isBefore(from) && echo.sentAt().isBefore(to);
      if (inside) {
        sent++;
      }
      if (!echo.answered()) {
        if (inside) {
          lost++;
          if (runStart.isEmpty()) {
            runStart = Optional.of(echo.sentAt());
          }
          runLast = echo.sentAt();
        }
      } else if (runStart.isPresent()) {
        silence = silence.plus(Duration.between(runStart.get(), echo.sentAt()));
        runStart = Optional.empty();
      }
    }
    if (runStart.isPresent()) {
      silence = silence.plus(Duration.between(runStart.get(), runLast)).plus(interval);
    }
    return new LanClient.Count(sent, lost, silence);
  }

  private long unwrap(long raw) {
    if (lastRaw < 0) {
      lastRaw = raw;
    } else if (lastRaw - raw > WRAP / 2) {
      epoch += WRAP; // the counter wrapped
      lastRaw = raw;
    } else if (raw - lastRaw > WRAP / 2) {
      return epoch - WRAP + raw; // a late line from before the wrap
    } else {
      lastRaw = Math.max(lastRaw, raw);
    }
    return epoch + raw;
  }
}
