package dev.failover.launcher.systemd;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Standard error for journald: every line gets the syslog priority prefix ({@code <3>} error,
 * {@code <4>} warning, {@code <6>} info, {@code <7>} debug) that journald reads from a stream
 * (sd-daemon(3)), so that {@code journalctl -p warning -u failover} shows warnings and errors only.
 *
 * <p>The priority comes from the level slf4j-simple writes into each record ({@code [WARN]}, with
 * {@code levelInBrackets=true} in {@code simplelogger.properties}); the lines that follow a record
 * until it is flushed (the stack trace slf4j-simple prints with it, under its lock) keep the
 * record's priority. Any other line written to standard error ({@code failover: ...}, {@code
 * Invalid configuration: ...}) is an error. The logging backend and its format stay as they are;
 * only the prefix is added.
 *
 * <p>{@link #install} turns it on when standard error is journald's stream, which systemd tells a
 * service with {@code $JOURNAL_STREAM} ({@code DEVICE:INODE} of that stream, compared with standard
 * error's, per systemd.exec(5)); {@code -Dfailover.journal=true} or {@code false} forces it either
 * way.
 */
public final class JournalPriorities extends OutputStream {
  /** The system property that forces the prefix on ({@code true}) or off ({@code false}). */
  public static final String PROPERTY = "failover.journal";

  static final int ERROR = 3;
  static final int WARNING = 4;
  static final int INFO = 6;
  static final int DEBUG = 7;

  // Within a line's first 64 characters, past an optional date and thread name.
  private static final Pattern LEVEL = Pattern.compile("\\[(ERROR|WARN|INFO|DEBUG|TRACE)\\]");
  private static final int LEVEL_SEARCH = 64;

  private final OutputStream target;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private int recordPriority = -1;

  /** Prefixes every line written to it, and writes it to {@code target} in one write per line. */
  JournalPriorities(OutputStream target) {
    this.target = checkNotNull(target, "target");
  }

  /**
   * Replaces {@link System#err} with a prefixing stream if standard error is journald's (or the
   * property forces it); call it before anything logs.
   *
   * @return whether the prefix is on
   */
  public static boolean install(Map<String, String> environment) {
    if (!wanted(environment, System.getProperty(PROPERTY, ""), Path.of("/proc/self/fd/2"))) {
      return false;
    }
    PrintStream err = System.err;
    // No autoflush: a flush ends a record, and println would flush between a record's line and
    // its stack trace. Complete lines still go out at once, one write each.
    System.setErr(new PrintStream(new JournalPriorities(err), false, StandardCharsets.UTF_8));
    return true;
  }

  /**
   * Whether to prefix: {@code property} {@code true} or {@code false} decides; otherwise, whether
   * {@code $JOURNAL_STREAM} names the same {@code DEVICE:INODE} as {@code stderr}.
   */
  static boolean wanted(Map<String, String> environment, String property, Path stderr) {
    if (property.equalsIgnoreCase("true")) {
      return true;
    }
    if (property.equalsIgnoreCase("false")) {
      return false;
    }
    String stream = environment.get("JOURNAL_STREAM");
    if (stream == null || stream.isEmpty()) {
      return false;
    }
    try {
      Map<String, Object> attributes = Files.readAttributes(stderr, "unix:dev,ino");
      return stream.equals(attributes.get("dev") + ":" + attributes.get("ino"));
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      // Cannot tell: trust the variable, which systemd sets only for a journal stream.
      return true;
    }
  }

  @Override
  public synchronized void write(int b) throws IOException {
    if (b == '\n') {
      endLine();
    } else {
      line.write(b);
    }
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) throws IOException {
    int start = offset;
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] == '\n') {
        line.write(bytes, start, i - start);
        endLine();
        start = i + 1;
      }
    }
    line.write(bytes, start, offset + length - start);
  }

  /** Ends the record in progress: later lines are no longer part of it. */
  @Override
  public synchronized void flush() throws IOException {
    recordPriority = -1;
    target.flush();
  }

  @Override
  public synchronized void close() throws IOException {
    if (line.size() > 0) {
      endLine();
    }
    target.close();
  }

  private void endLine() throws IOException {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    int priority = priorityOf(text);
    if (priority >= 0) {
      recordPriority = priority;
    } else {
      priority = recordPriority >= 0 ? recordPriority : ERROR;
    }
    target.write(("<" + priority + ">" + text + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** The priority of a log record's first line, or -1 if {@code text} names no level. */
  static int priorityOf(String text) {
    Matcher matcher = LEVEL.matcher(text);
    matcher.region(0, Math.min(text.length(), LEVEL_SEARCH));
    if (!matcher.find()) {
      return -1;
    }
    switch (matcher.group(1).toUpperCase(Locale.ROOT)) {
      case "ERROR":
        return ERROR;
      case "WARN":
        return WARNING;
      case "INFO":
        return INFO;
      default:
        return DEBUG;
    }
  }
}
