package dev.failover.launcher.demo;

import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.lab.NamespaceLab;
import dev.failover.launcher.install.SystemdUnit;
import dev.failover.launcher.status.StatusFile;
import dev.failover.linux.CommandResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The live demo: a namespace lab with three ISPs whose modems share one address, the real daemon
 * ({@code java -jar failover.jar run}) in the lab's router namespace, and a schedule of faults: ISP
 * 1 blackholed and restored, ISP 2's modem switched off and on. Every few seconds it prints the
 * main provider and why, the default routes, and whether the LAN client reaches the internet.
 *
 * <p>Everything is removed at the end, also on failure or Ctrl-C (a shutdown hook stops the daemon
 * and removes the lab). Needs root, {@code ip}, {@code nft} and {@code ping}. Not thread-safe; one
 * demo per process.
 */
public final class Demo {
  /** The prefix of the lab's namespaces. */
  static final String LAB_PREFIX = "fd";

  private static final Duration PHASE = Duration.ofSeconds(15);

  /**
   * How many phases the failback step lasts: with the default (damped) policy a restored provider
   * is main again once its loss window is clean (about 25 s at the default 0.5 s interval) and the
   * 30 s failback dwell has passed.
   */
  private static final int FAILBACK_PHASES = 5;
  private static final Duration STATUS_EVERY = Duration.ofSeconds(3);

  private final PrintWriter out;
  private final Path jar;
  private final Path java;
  private final Duration phase;

  /**
   * A demo that runs {@code jar} with {@code java}.
   *
   * @param phase how long each step of the schedule lasts (15 s for the full demo); the failback
   *     step lasts five times as long
   */
  public Demo(PrintWriter out, Path jar, Path java, Duration phase) {
    this.out = checkNotNull(out, "out");
    this.jar = checkNotNull(jar, "jar");
    this.java = checkNotNull(java, "java");
    this.phase = checkNotNull(phase, "phase");
  }

  /** A demo with the standard schedule, about 140 seconds. */
  public Demo(PrintWriter out, Path jar, Path java) {
    this(out, jar, java, PHASE);
  }

  /** Why the demo cannot run here, if it cannot. */
  public static Optional<String> unavailableReason() {
    Optional<String> lab = NamespaceLab.unavailableReason();
    if (lab.isPresent()) {
      // The lab words its reason for tests ("...; skipped"); the demo says what to do.
      String reason =
          lab.get().replace("; skipped", "").replace("namespace tests need", "it needs");
      return Optional.of("the demo builds network namespaces, so run it as root (sudo): " + reason);
    }
    if (NamespaceLab.findOnPath("ping").isEmpty()) {
      return Optional.of("the demo needs 'ping' (iputils-ping) on the PATH");
    }
    return Optional.empty();
  }

  /**
   * Runs the demo.
   *
   * @return whether every step showed the expected main provider
   * @throws IOException if the lab cannot be built or the daemon cannot start
   */
  public boolean run() throws IOException, InterruptedException {
    Path folder = Files.createTempDirectory("failover-demo-");
    out.println(
        "building the lab: router, 3 ISPs (every modem at 192.168.1.1), TEST-NET internet,"
            + " LAN client ...");
    out.flush();
    NamespaceLab lab =
        NamespaceLab.builder(LAB_PREFIX).isps(3).identicalGateways(true).lanClient(true).build();
    Process daemon = null;
    Thread cleanup = null;
    try {
      Path config = folder.resolve("failover.toml");
      Files.writeString(
          config,
          LabConfig.toml(lab.providers(), NamespaceLab.TARGETS.subList(0, 2), folder));
      out.println("config (the defaults, but for the providers and targets): " + config);
      // The JVM flags of the systemd unit, so that the demo runs the daemon as installed.
      List<String> command = new ArrayList<>();
      command.addAll(List.of("ip", "netns", "exec", lab.routerNamespace(), java.toString()));
      command.addAll(SystemdUnit.JVM_FLAGS);
      command.addAll(List.of("-jar", jar.toString(), "run", "--config", config.toString()));
      out.println(
          "starting the daemon in " + lab.routerNamespace() + ": " + String.join(" ", command));
      out.flush();
      daemon = new ProcessBuilder(command).redirectErrorStream(true).start();
      Process started = daemon;
      cleanup = new Thread(() -> stop(started, lab, folder), "failover-demo-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanup);
      forward(daemon);

      boolean ok = true;
      ok &=
          step(
              daemon,
              lab,
              folder,
              "isp1",
              "start: every ISP works; isp1 (the first) is main",
              phase);
      lab.blackhole(1);
      ok &=
          step(
              daemon,
              lab,
              folder,
              "isp2",
              "break ISP 1: its network drops everything; failover in about a second",
              phase);
      lab.restore(1);
      ok &=
          step(
              daemon,
              lab,
              folder,
              "isp1",
              "restore ISP 1: failback once its loss window is clean and failback_dwell (30 s)"
                  + " has passed",
              phase.multipliedBy(FAILBACK_PHASES));
      lab.linkDown(2, NamespaceLab.LinkSide.FAR);
      ok &=
          step(
              daemon,
              lab,
              folder,
              "isp1",
              "ISP 2's modem goes down (carrier loss, seen by the link monitor); isp1 stays main",
              phase);
      lab.restore(2);
      ok &= step(daemon, lab, folder, "isp1", "restore ISP 2", phase);

      out.println();
      out.println("stopping the daemon with SIGTERM: the routes stay in place");
      out.flush();
      long start = System.nanoTime();
      daemon.destroy();
      boolean exited = daemon.waitFor(10, TimeUnit.SECONDS);
      out.printf(
          Locale.ROOT,
          "daemon %s after %d ms; default routes left: %s%n",
          exited ? "exited with " + daemon.exitValue() : "did not exit",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
          KernelRoutes.read(lab.routerNamespace()));
      out.println(
          ok
              ? "demo done: every step showed the expected main provider"
              : "demo done, but a step did not show the expected main provider (see above)");
      out.flush();
      return ok && exited;
    } finally {
      if (cleanup != null) {
        try {
          Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
          // The JVM is shutting down: the hook runs anyway.
        }
      }
      stop(daemon, lab, folder);
    }
  }

  /**
   * Prints the status every few seconds for one phase, and reports whether the main route went
   * through {@code expectedMain} by the end.
   */
  private boolean step(
      Process daemon,
      NamespaceLab lab,
      Path folder,
      String expectedMain,
      String title,
      Duration length)
      throws IOException, InterruptedException {
    out.println();
    out.println("== " + title + " (expect main provider " + expectedMain + ")");
    out.flush();
    long end = System.nanoTime() + length.toNanos();
    String main = "";
    while (System.nanoTime() < end) {
      long wait = Math.min(STATUS_EVERY.toNanos(), end - System.nanoTime());
      // Waiting on the daemon paces the loop and notices at once if it dies.
      if (daemon.waitFor(Math.max(0, wait), TimeUnit.NANOSECONDS)) {
        throw new IOException(
            "the daemon exited with " + daemon.exitValue() + "; see its log above");
      }
      main = printStatus(lab, folder);
    }
    boolean ok = main.equals(expectedMain);
    out.println(
        ok ? "   -> ok: main provider is " + main : "   -> UNEXPECTED: main provider is " + main);
    out.flush();
    return ok;
  }

  /** Prints one status line and returns the id of the provider of the lowest-metric route. */
  private String printStatus(NamespaceLab lab, Path folder) throws IOException {
    List<KernelRoutes.DefaultRoute> routes = KernelRoutes.read(lab.routerNamespace());
    String main = routes.isEmpty() ? "none" : providerOf(lab, routes.get(0).device());
    String reason = "";
    Optional<ObjectNode> status = readStatus(folder);
    if (status.isPresent()) {
      JsonNode m = status.get().path("main");
      reason = m.path("reason").asText("") + ": " + m.path("detail").asText("");
    }
    CommandResult ping =
        lab.exec(
            lab.lanNamespace(),
            "ping",
            "-n",
            "-c",
            "1",
            "-W",
            "1",
            NamespaceLab.TARGETS.get(0).getHostAddress());
    out.printf(
        Locale.ROOT,
        "   main %-5s | routes %s | LAN client -> %s: %s | %s%n",
        main,
        routes.stream()
            .map(
                r ->
                    providerOf(lab, r.device())
                        + "@"
                        + r.metric()
                        + (r.linkDown() ? "(linkdown)" : ""))
            .collect(Collectors.joining(" ")),
        NamespaceLab.TARGETS.get(0).getHostAddress(),
        ping.succeeded() ? "reply" : "no reply",
        reason);
    out.flush();
    return main;
  }

  private static Optional<ObjectNode> readStatus(Path folder) {
    try {
      return new StatusFile(folder.resolve("status.json")).read();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String providerOf(NamespaceLab lab, String device) {
    return lab.isps().stream()
        .filter(isp -> isp.routerInterface().equals(device))
        .map(isp -> isp.provider().id())
        .findFirst()
        .orElse(device);
  }

  /** Copies the daemon's log lines to the output, indented, on a daemon thread. */
  private void forward(Process daemon) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(daemon.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  synchronized (out) {
                    out.println("   daemon | " + line);
                    out.flush();
                  }
                }
              } catch (IOException e) {
                // The daemon is gone; its exit is reported by the main loop.
              }
            },
            "failover-demo-log");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops the daemon (if running), removes the lab and the scratch folder; idempotent. */
  private void stop(@Nullable Process daemon, NamespaceLab lab, Path folder) {
    if (daemon != null && daemon.isAlive()) {
      daemon.destroy();
      try {
        if (!daemon.waitFor(5, TimeUnit.SECONDS)) {
          daemon.destroyForcibly();
        }
      } catch (InterruptedException e) {
        daemon.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    lab.close();
    deleteTree(folder);
  }

  private static void deleteTree(Path folder) {
    if (!Files.exists(folder)) {
      return;
    }
    try (var paths = Files.walk(folder)) {
      List<Path> all = new ArrayList<>(paths.toList());
      Collections.reverse(all);
      for (Path path : all) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      // A scratch folder under /tmp; the system cleans it eventually.
    }
  }
}
