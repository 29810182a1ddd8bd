package dev.failover.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A LAN client pinging an internet target every 10 ms ({@code ping -q -i 0.01}) inside the LAN
 * namespace; {@link #stop} ends it with SIGINT and reads its summary.
 *
 * <p>Every ping carries its own deadline ({@code -w}), so a harness that dies cannot leave it
 * running for long; the lab also kills what runs in its namespaces when it closes. Not
 * thread-safe.
 */
final class LanPing implements AutoCloseable {
  private static final Pattern SUMMARY =
      Pattern.compile("(\\d+) packets transmitted, (\\d+) (?:packets )?received");

  /** How many echo requests were sent and answered, over how long. */
  record Count(long sent, long received, Duration elapsed) {
    long lost() {
      return sent - received;
    }

    /** The time the lost requests stand for, at the rate they were sent: about the outage. */
    Duration lostTime() {
      return sent == 0 ? Duration.ZERO : elapsed.multipliedBy(lost()).dividedBy(sent);
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d of %d lost (%.2f s)", lost(), sent,
          lostTime().toMillis() / 1000.0);
    }
  }

  private final Process process;
  private final long started = System.nanoTime();

  private LanPing(Process process) {
    this.process = process;
  }

  /**
   * Starts pinging {@code target} from {@code namespace} every 10 ms for at most {@code
   * maxSeconds}.
   *
   * @throws IOException if ping cannot start
   */
  static LanPing start(String namespace, String target, long maxSeconds) throws IOException {
    Process process =
        new ProcessBuilder(
                "ip", "netns", "exec", namespace, "ping", "-n", "-q", "-i", "0.01", "-W", "1",
                "-w", Long.toString(maxSeconds), target)
            .redirectErrorStream(true)
            .start();
    return new LanPing(process);
  }

  /**
   * Stops the ping with SIGINT and returns its count.
   *
   * @throws IOException if it does not print a summary within 5 s
   */
  Count stop() throws IOException, InterruptedException {
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
    if (process.isAlive()) {
      Shell.run(List.of("kill", "-INT", Long.toString(process.pid())));
    }
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("ping did not stop within 5 s of SIGINT");
    }
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher m = SUMMARY.matcher(output);
    if (!m.find()) {
      throw new IOException("no summary in ping's output: " + output.strip());
    }
    return new Count(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), elapsed);
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
