package dev.failover.linux;

import com.google.common.base.Ticker;
import dev.failover.api.Provider;
import dev.failover.api.RoutingState;
import dev.failover.api.TestResult;
import dev.failover.lab.NamespaceLab;
import dev.failover.lab.Netns;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Measures what ICMP health checks cost at scale: a lab with 16 uplinks and 2 targets, 5 echoes per
 * second per provider-target pair (160 a second) for 60 s through one {@link IcmpEchoEngine} on a
 * bounded thread pool inside the router namespace, then prints probes sent, outcomes, latency
 * percentiles (the round trip the engine reports, and the duration of the whole {@code echo} call,
 * which for the command engine includes starting {@code ping}), the CPU time the run cost (the
 * JVM's own, and that of its child processes for the ping command) and the peak resident memory. A
 * measurement, not a test: nothing here asserts.
 *
 * <p>Needs root ({@code ip}, {@code nft}, and {@code ping} for the command engine). Run from the
 * repository root (see {@code docs/benchmarks.md}, "Probe engine"):
 *
 * <pre>
 * mvn -B -q install -pl failover-api,failover-testkit -DskipTests
 * mvn -B -q -pl failover-linux test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * cd failover-linux
 * java -cp target/test-classes:target/classes:$(cat target/test-classpath.txt) \
 *     dev.failover.linux.ProbeThroughputBenchmark socket 60
 * </pre>
 *
 * <p>(A separate JVM on purpose: {@code exec:java} would measure Maven's JVM too, and the managed
 * {@code exec-maven-plugin} 3.7.0 needs Maven 3.9.)
 *
 * <p>Arguments, all optional: engine ({@code socket}: each pool thread calls {@code echo} and waits;
 * {@code socket-start}: the same engine the daemon's way, each pool thread only {@code start}s the
 * check and the engine's reply loop completes it; {@code command}; or {@code noop} for the
 * harness's own cost), seconds (60), providers (16), echoes per second per pair (5), pool threads
 * (16).
 */
public final class ProbeThroughputBenchmark {
  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private static final int TARGETS = 2;

  private ProbeThroughputBenchmark() {}

  public static void main(String[] args) throws Exception {
    String engineName = args.length > 0 ? args[0] : "socket";
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
    int providers = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    int perSecond = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    int threads = args.length > 4 ? Integer.parseInt(args[4]) : 16;
    if (NamespaceLab.unavailableReason().isPresent()) {
      System.err.println(NamespaceLab.unavailableReason().get());
      System.exit(2);
    }
    IcmpEchoEngine engine = switch (engineName) {
      case "socket", "socket-start" -> new SocketIcmpEchoEngine();
      // No prefix: the pool's threads are in the router namespace, and so is every ping they start.
      case "command" -> new PingCommandEngine("ping", new CommandRunner(), Ticker.systemTicker());
      // The harness alone (scheduler, pool, bookkeeping): its cost is included in the others' numbers.
      case "noop" -> new IcmpEchoEngine() {
        @Override
        public TestResult echo(InetAddress source, InetAddress target, Duration timeout) {
          return TestResult.success(Duration.ZERO);
        }

        @Override
        public String toString() {
          return "no-op engine";
        }
      };
      default -> throw new IllegalArgumentException(
          "engine must be socket, socket-start, command or noop, was " + engineName);
    };
    try (NamespaceLab lab = NamespaceLab.builder("fbench").isps(providers).lanClient(false).build()) {
      List<Provider> all = lab.providers();
      LabNetlink.applyOnce(lab, RoutingState.ranked(all, 100));
      run(lab, engine, engineName, seconds, perSecond, threads);
    }
  }

  private static void run(NamespaceLab lab, IcmpEchoEngine engine, String engineName, int seconds, int perSecond,
      int threads) throws Exception {
    boolean async = engineName.equals("socket-start");
    List<Provider> providers = lab.providers();
    List<Inet4Address> targets = NamespaceLab.TARGETS.subList(0, TARGETS);
    int pairs = providers.size() * targets.size();
    int expected = pairs * perSecond * seconds;
    ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(4 * pairs), Netns.threadFactory(lab.routerNamespace()));
    pool.prestartAllCoreThreads();
    ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "benchmark-clock");
      thread.setDaemon(true);
      return thread;
    });

    // Warm-up, not counted: one echo per pair (loads the native code, fills the neighbour caches).
    List<java.util.concurrent.Future<TestResult>> warmUp = new ArrayList<>();
    for (Provider provider : providers) {
      for (Inet4Address target : targets) {
        warmUp.add(pool.submit(() -> engine.echo(provider.ipv4Address(), target, TIMEOUT)));
      }
    }
    for (java.util.concurrent.Future<TestResult> future : warmUp) {
      future.get();
    }

    long[] latencies = new long[expected + pairs * perSecond];
    long[] queueDelays = new long[expected + pairs * perSecond];
    long[] durations = new long[expected + pairs * perSecond];
    AtomicInteger latencyCount = new AtomicInteger();
    AtomicInteger delayCount = new AtomicInteger();
    AtomicLong sent = new AtomicLong();
    AtomicLong successes = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicLong timeouts = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong rejected = new AtomicLong();

    String loadBefore = loadAverage();
    long cpuBefore = processCpuNanos();
    long childrenBefore = childrenCpuTicks();
    long wallStart = System.nanoTime();
    long periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
    List<ScheduledFuture<?>> schedules = new ArrayList<>();
    int pair = 0;
    for (Provider provider : providers) {
      for (Inet4Address target : targets) {
        // Spread the pairs over the period, as the daemon's scheduler would not fire them all at once.
        long offset = periodNanos * pair++ / pairs;
        schedules.add(clock.scheduleAtFixedRate(() -> {
          long submitted = System.nanoTime();
          try {
            pool.execute(() -> {
              int slot = delayCount.getAndIncrement();
              if (slot < queueDelays.length) {
                queueDelays[slot] = System.nanoTime() - submitted;
              }
              sent.incrementAndGet();
              Consumer<TestResult> record = result -> {
                switch (result.outcome()) {
                  case SUCCESS -> {
                    successes.incrementAndGet();
                    int i = latencyCount.getAndIncrement();
                    if (i < latencies.length) {
                      latencies[i] = result.latency().toNanos();
                    }
                  }
                  case FAILURE -> failures.incrementAndGet();
                  case TIMEOUT -> timeouts.incrementAndGet();
                }
              };
              try {
                long start = System.nanoTime();
                if (async) {
                  // The daemon's way: start the check and let the engine complete it, no waiting.
                  CompletableFuture<TestResult> result = (CompletableFuture<TestResult>) engine.start(
                      provider.ipv4Address(), target, TIMEOUT, Runnable::run);
                  result.whenComplete((r, e) -> {
                    if (r != null) {
                      record.accept(r);
                    } else {
                      errors.incrementAndGet();
                    }
                  });
                  if (slot < durations.length) {
                    durations[slot] = System.nanoTime() - start;
                  }
                } else {
                  TestResult result = engine.echo(provider.ipv4Address(), target, TIMEOUT);
                  if (slot < durations.length) {
                    durations[slot] = System.nanoTime() - start;
                  }
                  record.accept(result);
                }
              } catch (RuntimeException e) {
                errors.incrementAndGet();
              }
            });
          } catch (RejectedExecutionException e) {
            rejected.incrementAndGet();
          }
        }, offset, periodNanos, TimeUnit.NANOSECONDS));
      }
    }
    // The measurement window; a benchmark main, not a test, may wait like this.
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    schedules.forEach(s -> s.cancel(false));
    clock.shutdown();
    clock.awaitTermination(5, TimeUnit.SECONDS);
    pool.shutdown();
    pool.awaitTermination(TIMEOUT.toSeconds() + 10, TimeUnit.SECONDS);
    // Started checks complete on the engine's thread: wait (bounded) until each has its outcome.
    long settle = System.nanoTime() + TIMEOUT.plusSeconds(5).toNanos();
    while (successes.get() + failures.get() + timeouts.get() + errors.get() < sent.get()
        && System.nanoTime() < settle) {
      Thread.sleep(10);
    }
    double wall = (System.nanoTime() - wallStart) / 1e9;
    double cpu = (processCpuNanos() - cpuBefore) / 1e9;
    double children = (childrenCpuTicks() - childrenBefore) / (double) clockTicksPerSecond();

    long[] rtt = Arrays.copyOf(latencies, Math.min(latencyCount.get(), latencies.length));
    long[] delay = Arrays.copyOf(queueDelays, Math.min(delayCount.get(), queueDelays.length));
    long[] calls = Arrays.copyOf(durations, delay.length);
    Arrays.sort(rtt);
    Arrays.sort(calls);
    Arrays.sort(delay);
    long probes = sent.get();
    System.out.printf(Locale.ROOT, "engine                 %s (%s)%n", engineName, engine);
    System.out.printf(Locale.ROOT, "setup                  %d providers x %d targets, %d/s each, %d pool threads,"
        + " timeout %d ms, %d cores%n", providers.size(), targets.size(), perSecond, threads,
        TIMEOUT.toMillis(), Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "load average           %s before, %s after (other work on the machine)%n",
        loadBefore, loadAverage());
    System.out.printf(Locale.ROOT, "wall time              %.1f s%n", wall);
    System.out.printf(Locale.ROOT, "probes sent            %d (%.1f/s; schedule asked for %d)%n", probes,
        probes / wall, expected);
    System.out.printf(Locale.ROOT, "outcomes               %d success, %d failure, %d timeout, %d exception,"
        + " %d rejected by the full pool%n", successes.get(), failures.get(), timeouts.get(), errors.get(),
        rejected.get());
    System.out.printf(Locale.ROOT, "latency (RTT)          p50 %s, p99 %s, max %s%n", millis(rtt, 0.50),
        millis(rtt, 0.99), millis(rtt, 1.0));
    System.out.printf(Locale.ROOT, "echo() call duration   p50 %s, p99 %s, max %s%n", millis(calls, 0.50),
        millis(calls, 0.99), millis(calls, 1.0));
    System.out.printf(Locale.ROOT, "queue delay            p50 %s, p99 %s, max %s%n", millis(delay, 0.50),
        millis(delay, 0.99), millis(delay, 1.0));
    System.out.printf(Locale.ROOT, "CPU, JVM               %.2f s (%.1f %% of one core, %.0f us per probe)%n", cpu,
        100 * cpu / wall, probes == 0 ? 0 : 1e6 * cpu / probes);
    System.out.printf(Locale.ROOT, "CPU, child processes   %.2f s (%.1f %% of one core, %.0f us per probe)%n",
        children, 100 * children / wall, probes == 0 ? 0 : 1e6 * children / probes);
    System.out.printf(Locale.ROOT, "peak RSS (VmHWM)       %s%n", status("VmHWM"));
  }

  private static String millis(long[] sorted, double quantile) {
    if (sorted.length == 0) {
      return "n/a";
    }
    int index = Math.max(0, (int) Math.ceil(quantile * sorted.length) - 1);
    return String.format(Locale.ROOT, "%.3f ms", sorted[index] / 1e6);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** cutime + cstime of /proc/self/stat: CPU of the children the JVM has waited for, in clock ticks. */
  private static long childrenCpuTicks() throws IOException {
    String stat = read(Path.of("/proc/self/stat"));
    // Fields after the command name (which is in parentheses and may hold spaces); field 3 is the first.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    return Long.parseLong(fields[16 - 3]) + Long.parseLong(fields[17 - 3]);
  }

  private static long clockTicksPerSecond() {
    try {
      CommandResult result = new CommandRunner().run(List.of("getconf", "CLK_TCK"));
      return Long.parseLong(result.stdout().strip());
    } catch (CommandException | NumberFormatException e) {
      return 100; // USER_HZ on every mainstream Linux architecture
    }
  }

  private static String status(String key) throws IOException {
    for (String line : read(Path.of("/proc/self/status")).split("\n")) {
      if (line.startsWith(key + ":")) {
        return line.substring(key.length() + 1).strip();
      }
    }
    return "n/a";
  }

  private static String loadAverage() throws IOException {
    String[] fields = read(Path.of("/proc/loadavg")).split("\\s+");
    return fields[0] + " " + fields[1] + " " + fields[2];
  }

  private static String read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }
}
