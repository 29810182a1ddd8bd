package dev.failover.launcher.demo;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The demo's output: every line stamped with the seconds since the demo started, its own lines
 * and the daemon's log lines in one stream, in the order they happened (each line is stamped and
 * printed under one lock, so a daemon line that arrives during a step is printed after the step's
 * header and before the step's result).
 *
 * <p>Numbers of seconds with many decimals in the daemon's lines (the policy's "healthy for
 * 30.040781798 s") are rounded for people by {@link ForPeople#roundSeconds}. Thread-safe.
 */
final class Transcript {
  private final PrintWriter out;
  private final LongSupplier nanoTime;
  private final long start;

  /** A transcript to {@code out} whose clock starts now, read from {@code nanoTime}. */
  Transcript(PrintWriter out, LongSupplier nanoTime) {
    this.out = checkNotNull(out, "out");
    this.nanoTime = checkNotNull(nanoTime, "nanoTime");
    this.start = nanoTime.getAsLong();
  }

  /** One of the demo's own lines. */
  void say(String text) {
    line("", text);
  }

  /** A line of the daemon's log. */
  void daemon(String text) {
    line("daemon | ", ForPeople.roundSeconds(text));
  }

  /** A line without a time stamp (a title, the summary). */
  synchronized void plain(String text) {
    out.println(text);
    out.flush();
  }

  private synchronized void line(String source, String text) {
    double seconds = (nanoTime.getAsLong() - start) / 1e9;
    out.println(String.format(Locale.ROOT, "%6.1f s  %s%s", seconds, source, text));
    out.flush();
  }
}
