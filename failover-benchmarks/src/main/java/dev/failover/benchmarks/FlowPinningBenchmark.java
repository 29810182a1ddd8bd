package dev.failover.benchmarks;

import dev.failover.api.Providers;
import dev.failover.api.RoutingState;
import dev.failover.lab.LanFlows;
import dev.failover.lab.NamespaceLab;
import dev.failover.lab.RouteWatch;
import dev.failover.launcher.demo.LabConfig;
import dev.failover.launcher.install.SystemdUnit;
import dev.failover.linux.FlowPinning;
import dev.failover.linux.FlowPinningSettings;
import dev.failover.linux.NetlinkRouteBackend;
import dev.failover.linux.NetlinkRouteBackendSettings;
import dev.failover.linux.netlink.CtNetlink;
import dev.failover.linux.netlink.RtNetlink;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures flow pinning (issue 12) in a namespace lab: how many long-lived connections a failback
 * breaks (with and without {@code pin_flows}), how long after the switch a connection on a dead
 * uplink ends, and the forwarding throughput of the router with and without failover's nftables
 * table. A benchmark, not a test: nothing asserts. Results are printed as markdown on stdout.
 *
 * <p>Run as root from the repository root, after {@code mvn -B -q -Dmaven.test.skip=true package}:
 * {@code java -cp failover-benchmarks/target/benchmarks.jar
 * dev.failover.benchmarks.FlowPinningBenchmark [--only failback,dead-uplink,throughput] [--flows N]
 * [--rounds N] [--seconds N] [--jar PATH]}. Everything it makes is removed at the end, also on
 * failure.
 */
public final class FlowPinningBenchmark {
  private static final InetSocketAddress FLOW_SERVER =
      new InetSocketAddress(NamespaceLab.TARGETS.get(2), 5001);
  private static final InetSocketAddress BULK_SERVER =
      new InetSocketAddress(NamespaceLab.TARGETS.get(2), 5002);
  private static final InetSocketAddress UDP_SERVER =
      new InetSocketAddress(NamespaceLab.TARGETS.get(2), 5003);
  private static final Duration PINNED_FOR = Duration.ofSeconds(30);

  /**
   * The failback made quick, as in FlowPinningJarIT (the defaults take about a minute), and flap
   * damping off, since the dead-uplink phase blackholes ISP 1 several times in a row on purpose.
   */
  private static final Map<String, String> FAST =
      orderedMap(
          "check_interval",
          "0.2",
          "loss_window_rounds",
          "20",
          "failback_dwell",
          "2",
          "flap_penalty",
          "0");

  private FlowPinningBenchmark() {}

  public static void main(String[] args) throws Exception {
    int flows = 10;
    int rounds = 3;
    int seconds = 5;
    Path jar = Path.of("failover-launcher/target/failover.jar");
    List<String> only = List.of("failback", "dead-uplink", "throughput");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--flows" -> flows = Integer.parseInt(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--seconds" -> seconds = Integer.parseInt(args[++i]);
        case "--jar" -> jar = Path.of(args[++i]);
        case "--only" -> only = List.of(args[++i].split(","));
        default -> {
          System.err.println(
              "usage: FlowPinningBenchmark [--only failback,dead-uplink,throughput] [--flows N]"
                  + " [--rounds N] [--seconds N] [--jar PATH]");
          System.exit(2);
        }
      }
    }
    Optional<String> unavailable = NamespaceLab.unavailableReason();
    if (unavailable.isPresent()) {
      System.err.println(unavailable.get());
      System.exit(1);
    }
    Path copy = Files.createTempFile("failover-", ".jar");
    Files.copy(jar, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    // Each row as soon as it is measured, so that a failed phase does not lose the others.
    System.out.println("| measure | target | result |");
    System.out.println("|---|---|---|");
    try {
      if (only.contains("failback")) {
        for (boolean pin : new boolean[] {true, false}) {
          System.out.println(failback(copy, pin, flows));
        }
      }
      if (only.contains("dead-uplink")) {
        System.out.println(deadUplink(copy, flows, rounds));
      }
      if (only.contains("throughput")) {
        throughput(seconds, rounds).forEach(System.out::println);
      }
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  /** Opens {@code n} flows during an outage of ISP 1, fails back, counts the broken ones. */
  private static String failback(Path jar, boolean pin, int n) throws Exception {
    try (Daemon d = Daemon.start(jar, pin)) {
      d.awaitMain("wan1", Instant.EPOCH);
      d.awaitLog("provider 'isp1' is now UP");
      d.lab.blackhole(1);
      d.awaitMain("wan2", Instant.now());
      List<LanFlows.Flow> during = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        during.add(d.flows.open());
      }
      Instant restored = Instant.now();
      d.lab.restore(1);
      Instant failback = d.awaitMain("wan1", restored);
      Instant end = failback.plus(PINNED_FOR);
      sleepUntil(end);
      long broken =
          during.stream()
              .filter(
                  f ->
                      f.failedAt().isPresent()
                          || f.longestSilence(failback, end).compareTo(Duration.ofSeconds(1)) > 0)
              .count();
      Duration longest =
          during.stream()
              .filter(f -> f.failedAt().isEmpty())
              .map(f -> f.longestSilence(failback, end))
              .max(Comparator.naturalOrder())
              .orElse(Duration.ZERO);
      log("failback, pin_flows = " + pin + ": " + broken + " of " + n + " broken");
      return "| flows broken by a failback, `pin_flows = "
          + pin
          + "` ("
          + n
          + " flows opened over ISP 2 during an outage, watched "
          + PINNED_FOR.toSeconds()
          + " s after failback) | 0 | **"
          + broken
          + " of "
          + n
          + "**"
          + (broken < n
              ? "; longest silence of a surviving flow " + longest.toMillis() + " ms"
              : "")
          + " |";
    }
  }

  /** {@code rounds} times: {@code n} flows over ISP 1, blackhole, time each flow's end. */
  private static String deadUplink(Path jar, int n, int rounds) throws Exception {
    List<Duration> closed = new ArrayList<>();
    int neverClosed = 0;
    try (Daemon d = Daemon.start(jar, true)) {
      d.awaitMain("wan1", Instant.EPOCH);
      for (int r = 0; r < rounds; r++) {
        d.awaitLog("provider 'isp1' is now UP", r + 1);
        List<LanFlows.Flow> flows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          flows.add(d.flows.open());
        }
        Instant blackholed = Instant.now();
        d.lab.blackhole(1);
        Instant switched = d.awaitMain("wan2", blackholed);
        for (LanFlows.Flow f : flows) {
          if (f.awaitFailure(Duration.ofSeconds(10))) {
            closed.add(Duration.between(switched, f.failedAt().orElseThrow()));
          } else {
            neverClosed++;
          }
        }
        Instant restored = Instant.now();
        d.lab.restore(1);
        d.awaitMain("wan1", restored);
      }
    }
    log("dead uplink: closed after the switch " + Stats.list(closed) + ", never " + neverClosed);
    return "| a flow on a dead uplink closed after the switch ("
        + n
        + " flows x "
        + rounds
        + " blackholes of ISP 1; from the kernel's route change to the client's reset) | <= 1 s |"
        + " median **"
        + Stats.millis(Stats.median(closed))
        + "**, max "
        + Stats.millis(Stats.max(closed))
        + " (N="
        + closed.size()
        + (neverClosed > 0 ? ", " + neverClosed + " not closed within 10 s" : "")
        + ") |";
  }

  /** Bulk TCP and small UDP from the LAN client, with and without the table, alternating. */
  private static List<String> throughput(int seconds, int reps) throws Exception {
    Map<Boolean, List<Double>> tcp = new LinkedHashMap<>();
    Map<Boolean, List<Double>> udp = new LinkedHashMap<>();
    try (NamespaceLab lab = lab()) {
      Providers providers = Providers.of(lab.providers());
      RtNetlink.Opener rt = () -> inRouter(lab, RtNetlink::open);
      CtNetlink.Opener ct = () -> inRouter(lab, CtNetlink::open);
      new NetlinkRouteBackend(NetlinkRouteBackendSettings.defaults(), providers, rt)
          .apply(RoutingState.ranked(providers, 100));
      FlowPinning pinning =
          new FlowPinning(
              FlowPinningSettings.defaults(),
              providers,
              rt,
              ct,
              lab.runnerIn(lab.routerNamespace()));
      for (int r = 0; r < reps; r++) {
        for (boolean table : new boolean[] {false, true}) {
          if (table) {
            pinning.install();
          } else {
            pinning.uninstall();
          }
          double t = tcpBulk(lab, Duration.ofSeconds(seconds));
          double u = udpSmall(lab, Duration.ofSeconds(seconds));
          tcp.computeIfAbsent(table, k -> new ArrayList<>()).add(t);
          udp.computeIfAbsent(table, k -> new ArrayList<>()).add(u);
          log(String.format("table %s: TCP %.0f Mbit/s, UDP 64 B %.0f kpps", table, t, u));
        }
      }
    }
    return List.of(
        String.format(
            "| forwarding, TCP bulk LAN to internet (%d s x %d, median) | no visible cost |"
                + " without the table **%.0f Mbit/s**, with it **%.0f Mbit/s** (%+.1f %%) |",
            seconds,
            reps,
            median(tcp.get(false)),
            median(tcp.get(true)),
            100 * (median(tcp.get(true)) / median(tcp.get(false)) - 1)),
        String.format(
            "| forwarding, UDP 64-byte datagrams LAN to internet, received (%d s x %d, median) |"
                + " no visible cost | without the table **%.0f kpps**, with it **%.0f kpps**"
                + " (%+.1f %%) |",
            seconds,
            reps,
            median(udp.get(false)),
            median(udp.get(true)),
            100 * (median(udp.get(true)) / median(udp.get(false)) - 1)));
  }

  private static double tcpBulk(NamespaceLab lab, Duration length) throws Exception {
    AtomicLong bytes = new AtomicLong();
    ServerSocket server =
        call(
            lab,
            lab.internetNamespace(),
            () -> {
              ServerSocket s = new ServerSocket();
              s.setReuseAddress(true);
              s.bind(BULK_SERVER);
              return s;
            });
    Thread reader =
        new Thread(
            () -> {
              try (Socket s = server.accept();
                  InputStream in = s.getInputStream()) {
                byte[] buffer = new byte[1 << 16];
                int read;
                while ((read = in.read(buffer)) >= 0) {
                  bytes.addAndGet(read);
                }
              } catch (IOException e) {
                log("bulk reader: " + e);
              }
            });
    reader.setDaemon(true);
    reader.start();
    Socket client =
        call(
            lab,
            lab.lanNamespace(),
            () -> {
              Socket s = new Socket();
              s.connect(BULK_SERVER, 5000);
              return s;
            });
    long start;
    long end;
    long counted;
    try (client;
        server) {
      OutputStream out = client.getOutputStream();
      byte[] buffer = new byte[1 << 16];
      // Warm up a second, then count.
      long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
      while (System.nanoTime() < warm) {
        out.write(buffer);
      }
      long before = bytes.get();
      start = System.nanoTime();
      end = start + length.toNanos();
      while (System.nanoTime() < end) {
        out.write(buffer);
      }
      counted = bytes.get() - before;
      end = System.nanoTime();
    }
    return counted * 8.0 / ((end - start) / 1e9) / 1e6;
  }

  private static double udpSmall(NamespaceLab lab, Duration length) throws Exception {
    AtomicLong packets = new AtomicLong();
    DatagramSocket server =
        call(
            lab,
            lab.internetNamespace(),
            () -> {
              DatagramSocket s = new DatagramSocket(null);
              s.setReuseAddress(true);
              s.setReceiveBufferSize(4 << 20);
              s.bind(UDP_SERVER);
              return s;
            });
    Thread reader =
        new Thread(
            () -> {
              DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
              while (!server.isClosed()) {
                try {
                  server.receive(p);
                  packets.incrementAndGet();
                } catch (IOException e) {
                  return;
                }
              }
            });
    reader.setDaemon(true);
    reader.start();
    DatagramSocket client =
        call(
            lab,
            lab.lanNamespace(),
            () -> {
              DatagramSocket s = new DatagramSocket();
              s.connect(UDP_SERVER);
              return s;
            });
    long start;
    long end;
    long counted;
    try (client;
        server) {
      DatagramPacket p = new DatagramPacket(new byte[64], 64, UDP_SERVER);
      long before = packets.get();
      start = System.nanoTime();
      end = start + length.toNanos();
      while (System.nanoTime() < end) {
        client.send(p);
      }
      // Let what is in flight arrive.
      TimeUnit.MILLISECONDS.sleep(200);
      counted = packets.get() - before;
    }
    return counted / ((end - start) / 1e9) / 1e3;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static NamespaceLab lab() throws IOException {
    return NamespaceLab.builder("fpb")
        .isps(2)
        .identicalGateways(true)
        .routerMasquerade(true)
        .lanClient(true)
        .build();
  }

  /** A lab, its flow server and route watch, and the daemon in its router namespace. */
  private static final class Daemon implements AutoCloseable {
    final NamespaceLab lab;
    final LanFlows flows;
    final RouteWatch routes;
    final Process process;
    final Path dir;

    private Daemon(NamespaceLab lab, LanFlows flows, RouteWatch routes, Process p, Path dir) {
      this.lab = lab;
      this.flows = flows;
      this.routes = routes;
      this.process = p;
      this.dir = dir;
    }

    static Daemon start(Path jar, boolean pin) throws Exception {
      NamespaceLab lab = lab();
      LanFlows flows = null;
      RouteWatch routes = null;
      try {
        flows = LanFlows.start(lab, FLOW_SERVER);
        routes = RouteWatch.start(lab.routerNamespace());
        Path dir = Files.createTempDirectory("failover-pin-bench");
        Map<String, String> settings = new LinkedHashMap<>(FAST);
        settings.put("pin_flows", Boolean.toString(pin));
        Path config = dir.resolve("failover.toml");
        Files.writeString(
            config,
            LabConfig.toml(lab.providers(), NamespaceLab.TARGETS.subList(0, 2), dir, settings));
        List<String> command =
            new ArrayList<>(List.of("ip", "netns", "exec", lab.routerNamespace()));
        command.add(
            ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(SystemdUnit.JVM_FLAGS);
        command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
        Process p =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("daemon.log").toFile())
                .start();
        return new Daemon(lab, flows, routes, p, dir);
      } catch (Exception | Error e) {
        if (flows != null) {
          flows.close();
        }
        if (routes != null) {
          routes.close();
        }
        lab.close();
        throw e;
      }
    }

    Instant awaitMain(String device, Instant from) throws Exception {
      Optional<RouteWatch.MainChange> change =
          routes.awaitChange(
              from, c -> c.dev().map(device::equals).orElse(false), Duration.ofSeconds(60));
      if (change.isEmpty()) {
        throw new IllegalStateException("the main route did not go through " + device + log());
      }
      return change.get().at();
    }

    void awaitLog(String text) throws Exception {
      awaitLog(text, 1);
    }

    /** Waits until {@code text} appears {@code times} times in the daemon's log (60 s at most). */
    void awaitLog(String text, int times) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (log().split(java.util.regex.Pattern.quote(text), -1).length - 1 < times) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          throw new IllegalStateException("the daemon did not log '" + text + "'" + log());
        }
        process.waitFor(100, TimeUnit.MILLISECONDS);
      }
    }

    String log() throws IOException {
      return "\n" + Files.readString(dir.resolve("daemon.log"));
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
      flows.close();
      routes.close();
      lab.close();
    }
  }

  /** Opens a netlink client in the router namespace. */
  private static <T> T inRouter(NamespaceLab lab, Callable<T> open)
      throws dev.failover.linux.netlink.NetlinkException {
    try {
      return call(lab, lab.routerNamespace(), open);
    } catch (IOException e) {
      throw new dev.failover.linux.netlink.NetlinkException(e.toString());
    }
  }

  private static <T> T call(NamespaceLab lab, String namespace, Callable<T> task)
      throws dev.failover.linux.netlink.NetlinkException, IOException {
    try {
      return lab.callIn(namespace, task);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof dev.failover.linux.netlink.NetlinkException n) {
        throw n;
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void sleepUntil(Instant instant) throws InterruptedException {
    long millis = Duration.between(Instant.now(), instant).toMillis();
    if (millis > 0) {
      TimeUnit.MILLISECONDS.sleep(millis);
    }
  }

  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  private static void log(String line) {
    System.err.println("[flow-pinning] " + line);
  }
}
