package dev.failover.benchmarks;

import static com.google.common.base.Preconditions.checkNotNull;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every program a running process and its children execute, seen by {@code strace} attached to
 * all its threads ({@code strace -f -p PID -e trace=execve,execveat}): the definitive count of
 * processes the daemon starts, whatever starts them (the JDK's {@code ProcessBuilder} runs {@code
 * jspawnhelper} and then the program, so one started command shows as two executions).
 *
 * <p>Attaching stops the traced threads at system calls, which slows the daemon; use it only in
 * a phase that counts, never in one that times. {@link #close} stops {@code strace} (our own
 * child, by its pid), which detaches and leaves the daemon running. Not thread-safe.
 */
final class ProcessTrace implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ProcessTrace.class);
  /** {@code PID SECONDS.MICROS execve("PATH", ...}, as {@code strace -f -ttt} writes it. */
  private static final Pattern EXEC =
      Pattern.compile("^\\d+\\s+(\\d+\\.\\d+)\\s+execve(?:at)?\\((?:[^,]*, )?\"([^\"]*)\"");

  /** The end of a system call that returned 0. */
  private static final Pattern SUCCEEDED = Pattern.compile("\\)\\s+=\\s+0\\s*$");

  /** One program execution, by process {@code pid}. */
  record Exec(long pid, Instant at, String program) {}

  /**
   * How many processes {@code execs} started: the distinct pids, since the JDK's {@code
   * jspawnhelper} and the program it then executes share one.
   */
  static long processes(List<Exec> execs) {
    return execs.stream().mapToLong(Exec::pid).distinct().count();
  }

  private final Process strace;
  private final Path output;

  private ProcessTrace(Process strace, Path output) {
    this.strace = strace;
    this.output = output;
  }

  /**
   * Attaches to {@code pid} and its future children, writing to {@code output}; waits {@code
   * settle} for the attachment to take.
   *
   * @throws IOException if {@code strace} cannot start or exits at once
   */
  static ProcessTrace attach(long pid, Path output, Duration settle)
      throws IOException, InterruptedException {
    checkNotNull(output, "output");
    Files.deleteIfExists(output);
    Process process =
        new ProcessBuilder(
                "strace", "-f", "-qq", "-ttt", "-e", "trace=execve,execveat", "-p",
                Long.toString(pid), "-o", output.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    if (process.waitFor(settle.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IOException("strace -p " + pid + " exited at once with " + process.exitValue()
          + " (is strace installed, and may this user ptrace?)");
    }
    logger.info("strace (pid {}) attached to pid {}, writing {}", process.pid(), pid, output);
    return new ProcessTrace(process, output);
  }

  /**
   * The successful executions seen so far. A shell-less {@code execvp} tries every folder of the
   * PATH in turn; only the call that returned 0 started a program. With {@code -f} a call may be
   * split into an {@code <unfinished ...>} line and a {@code <... execve resumed>} line of the
   * same pid, which are paired here.
   */
  List<Exec> execs() throws IOException {
    List<Exec> execs = new ArrayList<>();
    if (!Files.exists(output)) {
      return execs;
    }
    java.util.Map<String, Exec> unfinished = new java.util.HashMap<>();
    for (String line : Files.readAllLines(output, StandardCharsets.UTF_8)) {
      String pid = line.split("\\s+", 2)[0];
      if (line.contains("resumed>")) {
        Exec started = unfinished.remove(pid);
        if (started != null && SUCCEEDED.matcher(line).find()) {
          execs.add(started);
        }
        continue;
      }
      Matcher m = EXEC.matcher(line);
      if (m.find()) {
        BigDecimal seconds = new BigDecimal(m.group(1));
        long nanos = seconds.movePointRight(9).longValueExact();
        Exec exec = new Exec(Long.parseLong(pid), Instant.ofEpochSecond(0, nanos), m.group(2));
        if (line.contains("<unfinished ...>")) {
          unfinished.put(pid, exec);
        } else if (SUCCEEDED.matcher(line).find()) {
          execs.add(exec);
        }
      }
    }
    return execs;
  }

  /** The executions in [{@code from}, {@code to}). */
  List<Exec> execsBetween(Instant from, Instant to) throws IOException {
    return execs().stream().filter(e -> !e.at().isBefore(from) && e.at().isBefore(to)).toList();
  }

  @Override
  public void close() {
    strace.destroy();
    try {
      if (!strace.waitFor(5, TimeUnit.SECONDS)) {
        strace.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      strace.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
