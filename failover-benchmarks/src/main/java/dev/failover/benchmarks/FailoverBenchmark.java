package dev.failover.benchmarks;

import static com.google.common.base.Preconditions.checkState;

import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.benchmarks.BenchOptions.Phase;
import dev.failover.core.DampedPolicySettings;
import dev.failover.lab.NamespaceLab;
import dev.failover.lab.NamespaceLab.LinkSide;
import dev.failover.lab.RouteWatch;
import dev.failover.lab.RouteWatch.MainChange;
import dev.failover.lab.RouteWatch.Route;
import dev.failover.launcher.config.Durations;
import dev.failover.launcher.status.StatusDocument;
import dev.failover.launcher.status.StatusFile;
import dev.failover.linux.CommandResult;
import java.io.IOException;
import java.net.Inet6Address;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end-to-end failover benchmark: runs the real daemon jar with its default settings inside a
 * {@link NamespaceLab}, breaks the primary uplink in several ways, and measures how the router's
 * main default route reacts, what a LAN client loses, and what the daemon costs.
 *
 * <p>The setup: a lab with 3 ISPs behind identical gateways (and, for the 16-provider resource
 * measurement, a second lab with 9 ISPs plus 7 {@link ExtraUplinks}); a config that sets only the
 * providers, the ping test cases (TEST-NET targets in the lab's internet namespace) and the status
 * file's path; the daemon started as {@code ip netns exec ROUTER java <the systemd unit's JVM
 * flags> -jar failover.jar run --config FILE}. A {@link RouteWatch} follows the router's default
 * routes; a {@link LanPing} pings an internet target from the LAN client every 10 ms.
 *
 * <p>Every failover repetition runs against a freshly started daemon (with the default routes of
 * the previous one removed first), so that flap damping from one repetition does not slow the
 * next. A fault is timed from the instant just before the command that makes it; the main route
 * has moved when the route at the main metric (the lowest before the fault) names another device.
 *
 * <p>The IPv6 phases (issue 16) run on a dual-stack lab ({@link NamespaceLab.Builder#ipv6}: radvd
 * in every ISP, every IPv6 gateway {@code fe80::1}), whose providers have both families with their
 * IPv6 values configured, and IPv6 ping test cases beside the IPv4 ones; a second {@link
 * RouteWatch} follows the IPv6 default routes (not the kernel's {@code proto ra} ones), so that
 * each fault is timed in both families from the same instant, and instants without an IPv6
 * default route are counted apart.
 *
 * <p>Everything the benchmark makes is removed in a {@code finally} block and by a shutdown hook;
 * every wait is bounded. Needs root. See docs/benchmarks.md for the command and the results.
 */
public final class FailoverBenchmark {
  private static final Logger logger = LoggerFactory.getLogger(FailoverBenchmark.class);

  private static final String PREFIX = "fb";
  private static final Duration READY_WAIT = Duration.ofSeconds(60);
  private static final Duration STOP_WAIT = Duration.ofSeconds(10);
  /** How long the LAN client keeps counting after a failover, for packets in flight. */
  private static final Duration AFTER_SWITCH = Duration.ofSeconds(1);
  /**
   * How long the router stays failed over before the failback starts: with the failover itself, a
   * blackhole of about 10 s, as issue 11's failback target has it.
   */
  private static final Duration HOLD_BEFORE_RESTORE = Duration.ofSeconds(10);

  /** The most providers the default {@code fwmark_mask} (4 bits) numbers. */
  private static final int WIDE_MASK_FROM = 15;

  /** The mask a larger lab's config sets: 5 bits, 31 providers, the default's bits and one more. */
  private static final String WIDE_MASK = "0x1f000000";

  /** What a failback may take beyond the dwell (issue 11). */
  private static final Duration FAILBACK_SLACK = Duration.ofSeconds(10);

  private final BenchOptions options;
  private final List<String> jvmFlags;
  private final Path workDir;
  private final Path jarCopy;
  private final SplittableRandom jitter;
  private final Report report = new Report();
  private final Deque<AutoCloseable> open = new ArrayDeque<>();
  private final List<RouteWatch.Gap> gaps = new ArrayList<>();
  private final List<RouteWatch.Gap> gapsV6 = new ArrayList<>();
  private int sessionsV6;
  private @Nullable String daemonPolicy;
  private @Nullable String daemonCheckInterval;
  private @Nullable String config3;
  private int sessions;
  private boolean closed;

  private FailoverBenchmark(
      BenchOptions options, List<String> jvmFlags, Path workDir, Path jarCopy) {
    this.options = options;
    this.jarCopy = jarCopy;
    this.jvmFlags = jvmFlags;
    this.workDir = workDir;
    this.jitter = new SplittableRandom(options.seed());
  }

  /**
   * Runs the benchmark; see {@link BenchOptions#USAGE}. Exits 0 when every selected measurement
   * ran (whatever the verdicts), 1 when one failed, 2 for bad options or a missing prerequisite.
   */
  public static void main(String[] args) {
    BenchOptions options;
    try {
      Optional<BenchOptions> parsed = BenchOptions.parse(args);
      if (parsed.isEmpty()) {
        System.out.println(BenchOptions.USAGE);
        return;
      }
      options = parsed.get();
    } catch (IllegalArgumentException e) {
      System.err.println("failover benchmark: " + e.getMessage() + "\n\n" + BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    Optional<String> unavailable = NamespaceLab.unavailableReason();
    if (unavailable.isPresent()) {
      System.err.println("failover benchmark: " + unavailable.get());
      System.exit(2);
      return;
    }
    if (NamespaceLab.findOnPath("ping").isEmpty()) {
      System.err.println("failover benchmark: needs 'ping' (iputils) on the PATH");
      System.exit(2);
      return;
    }
    if (!Files.isRegularFile(options.jar())) {
      System.err.println("failover benchmark: no daemon jar at " + options.jar()
          + "; build it with 'mvn -B -q install -DskipTests' or pass --jar");
      System.exit(2);
      return;
    }
    int code;
    FailoverBenchmark bench = null;
    try {
      Path workDir = Files.createTempDirectory("failover-bench-");
      // A copy, so that a rebuild of the jar during the run cannot mix two daemon versions.
      Path jar = workDir.resolve("failover.jar");
      Files.copy(options.jar(), jar);
      List<String> flags = new ArrayList<>(DaemonProcess.unitJvmFlags(jar));
      flags.addAll(options.extraJvmFlags());
      bench = new FailoverBenchmark(options, flags, workDir, jar);
      FailoverBenchmark hooked = bench;
      Runtime.getRuntime().addShutdownHook(new Thread(hooked::cleanUp, "failover-bench-cleanup"));
      code = bench.run(args);
    } catch (IOException | RuntimeException e) {
      logger.error("the benchmark failed", e);
      code = 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      logger.error("interrupted");
      code = 1;
    } finally {
      if (bench != null) {
        bench.cleanUp();
      }
    }
    System.exit(code);
  }

  private int run(String[] args) throws IOException, InterruptedException {
    Instant began = Instant.now();
    String commit = commit();
    logger.info("work folder {} (config, daemon log); daemon JVM flags {}", workDir, jvmFlags);
    boolean failures = false;
    if (options.any(Phase.BLACKHOLE, Phase.FAILBACK, Phase.LINKDOWN_ROUTER, Phase.LINKDOWN_FAR,
        Phase.LOSS5, Phase.LOSS5_UP, Phase.LOSS5_DOWN, Phase.LOSS20, Phase.LOSS20_UP,
        Phase.LOSS_BURSTY, Phase.RTT_UP, Phase.RESOURCES3, Phase.MISSING)) {
      try (Lab lab = Lab.build(this, 3, 0, true, false)) {
        failures |= runThreeProviderPhases(lab);
        gaps.addAll(lab.watch.gaps());
      }
    }
    if (options.any(Phase.PROCESSES)) {
      try (Lab lab = Lab.build(this, 3, 0, false, false)) {
        failures |= !processes(lab);
        gaps.addAll(lab.watch.gaps());
      }
    }
    if (options.any(Phase.BIG_TABLE)) {
      try (Lab lab = Lab.build(this, 3, 0, true, false)) {
        failures |= !bigTable(lab);
        gaps.addAll(lab.watch.gaps());
      }
    }
    if (options.any(Phase.RESOURCES16)) {
      try (Lab lab = Lab.build(this, 16, 16, false, false)) {
        failures |= !resources(lab, "16 providers", false);
        gaps.addAll(lab.watch.gaps());
      }
    }
    boolean ipv6 = options.any(Phase.BLACKHOLE_V6, Phase.LINKDOWN_ROUTER_V6,
        Phase.LINKDOWN_FAR_V6, Phase.RESOURCES3_V6, Phase.RESOURCES16_V6);
    if (options.any(Phase.BLACKHOLE_V6, Phase.LINKDOWN_ROUTER_V6, Phase.LINKDOWN_FAR_V6,
        Phase.RESOURCES3_V6)) {
      try (Lab lab = Lab.build(this, 3, 0, false, true)) {
        failures |= runDualStackPhases(lab);
        gaps.addAll(lab.watch.gaps());
        gapsV6.addAll(lab.watchV6().gaps());
      }
    }
    if (options.any(Phase.RESOURCES16_V6)) {
      try (Lab lab = Lab.build(this, 16, 16, false, true)) {
        failures |= !resources(lab, "16 providers, dual-stack", false);
        gaps.addAll(lab.watch.gaps());
        gapsV6.addAll(lab.watchV6().gaps());
      }
    }
    report.add(
        "instants without a default route", "0", Integer.toString(gaps.size()),
        gaps.isEmpty() ? Report.Verdict.MET : Report.Verdict.MISSED,
        gaps.isEmpty()
            ? "over " + sessions + " daemon runs, from each daemon's first route to its stop"
            : gaps.toString());
    if (ipv6) {
      report.add(
          "instants without an IPv6 default route", "0", Integer.toString(gapsV6.size()),
          gapsV6.isEmpty() ? Report.Verdict.MET : Report.Verdict.MISSED,
          gapsV6.isEmpty()
              ? "over " + sessionsV6 + " dual-stack daemon runs, from each daemon's first IPv6"
                  + " route to its stop (the kernel's proto ra routes not counted)"
              : gapsV6.toString());
    }
    String text = render(args, began, commit);
    System.out.println(text);
    if (options.out().isPresent()) {
      Files.writeString(options.out().get(), text, StandardCharsets.UTF_8);
      logger.info("report written to {}", options.out().get());
    }
    return failures ? 1 : 0;
  }

  /** The phases on the 3-provider lab; returns whether a measurement failed. */
  private boolean runThreeProviderPhases(Lab lab) throws IOException, InterruptedException {
    boolean failures = false;
    if (options.any(Phase.BLACKHOLE, Phase.FAILBACK)) {
      failures |= !failovers(lab, Fault.BLACKHOLE);
    }
    if (options.any(Phase.LINKDOWN_ROUTER)) {
      failures |= !failovers(lab, Fault.LINK_ROUTER);
    }
    if (options.any(Phase.LINKDOWN_FAR)) {
      failures |= !failovers(lab, Fault.LINK_FAR);
    }
    if (options.any(Phase.RESOURCES3, Phase.LOSS5)) {
      // The idle window doubles as the 5 % window's warm-up.
      Session session = null;
      boolean idleDone = !options.any(Phase.RESOURCES3);
      try {
        session = startSession(lab);
        if (options.any(Phase.RESOURCES3)) {
          failures |= !measureIdle(session, "3 providers", true);
        } else {
          pause(options.lossWarmup());
        }
        idleDone = true;
        if (options.any(Phase.LOSS5)) {
          failures |= !degradationWindow(session, Degradation.LOSS5);
        }
      } catch (IOException | IllegalStateException e) {
        logger.error("idle / 5 % loss session failed", e);
        if (!idleDone) {
          report.failed("daemon CPU and peak RSS, 3 providers", "", e.getMessage());
        }
        if (options.any(Phase.LOSS5)) {
          report.failed(windowMetric(Degradation.LOSS5), Degradation.LOSS5.target(),
              e.getMessage());
        }
        failures = true;
      } finally {
        endSession(session);
      }
    }
    List<Degradation> windows = new ArrayList<>();
    if (options.any(Phase.LOSS5_UP)) {
      windows.add(Degradation.LOSS5_UP);
    }
    if (options.any(Phase.LOSS5_DOWN)) {
      windows.add(Degradation.LOSS5_DOWN);
    }
    if (options.any(Phase.LOSS20)) {
      windows.add(Degradation.LOSS20);
    }
    if (options.any(Phase.LOSS20_UP)) {
      windows.add(Degradation.LOSS20_UP);
    }
    if (options.any(Phase.LOSS_BURSTY)) {
      windows.add(Degradation.BURSTY);
    }
    if (options.any(Phase.RTT_UP)) {
      windows.add(Degradation.RTT_UP);
    }
    for (Degradation degradation : windows) {
      Session session = null;
      try {
        session = startSession(lab);
        pause(options.lossWarmup());
        failures |= !degradationWindow(session, degradation);
      } catch (IOException | IllegalStateException e) {
        logger.error("{} session failed", degradation.label, e);
        report.failed(windowMetric(degradation), degradation.target(), e.getMessage());
        failures = true;
      } finally {
        endSession(session);
      }
    }
    // Last: it deletes an interface of the lab for good.
    if (options.any(Phase.MISSING)) {
      failures |= !missingInterface(lab);
    }
    return failures;
  }

  /** The phases on the dual-stack 3-provider lab; returns whether a measurement failed. */
  private boolean runDualStackPhases(Lab lab) throws InterruptedException {
    boolean failures = false;
    if (options.any(Phase.BLACKHOLE_V6)) {
      failures |= !dualStackFailovers(lab, Fault.BLACKHOLE);
    }
    if (options.any(Phase.LINKDOWN_ROUTER_V6)) {
      failures |= !dualStackFailovers(lab, Fault.LINK_ROUTER);
    }
    if (options.any(Phase.LINKDOWN_FAR_V6)) {
      failures |= !dualStackFailovers(lab, Fault.LINK_FAR);
    }
    if (options.any(Phase.RESOURCES3_V6)) {
      failures |= !resources(lab, "3 providers, dual-stack", true);
    }
    return failures;
  }

  /**
   * One failover in both families: the time from the fault to each family's main route moving.
   *
   * @param fromEventV4 for a link fault, from the kernel's link notification to the IPv4 move
   * @param fromEventV6 the same for the IPv6 move
   */
  private record DualSample(Duration ipv4, Duration ipv6, Optional<Duration> fromEventV4,
      Optional<Duration> fromEventV6) {}

  /**
   * {@code reps} failovers of one kind on the dual-stack lab, each timed in both families from the
   * same fault (a blackhole of ISP 1 drops both families); returns whether all were measured.
   */
  private boolean dualStackFailovers(Lab lab, Fault fault) throws InterruptedException {
    List<DualSample> samples = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int rep = 1; rep <= options.reps(); rep++) {
      Session session = null;
      try {
        session = startSession(lab);
        DualSample sample = dualStackFailover(session, fault);
        samples.add(sample);
        logger.info("{} dual-stack {}/{}: IPv4 main route moved after {}, IPv6 after {}", fault,
            rep, options.reps(), Stats.seconds(sample.ipv4()), Stats.seconds(sample.ipv6()));
      } catch (IOException | IllegalStateException e) {
        logger.warn("{} dual-stack repetition {} failed", fault, rep, e);
        problems.add("rep " + rep + ": " + e.getMessage());
      } finally {
        endSession(session);
      }
    }
    for (boolean v6 : new boolean[] {false, true}) {
      String metric = fault.metric + ", dual-stack lab, " + (v6 ? "IPv6" : "IPv4");
      if (samples.isEmpty()) {
        report.failed(metric, fault.target, String.join("; ", problems));
        continue;
      }
      List<Duration> times =
          samples.stream().map(sample -> v6 ? sample.ipv6() : sample.ipv4()).toList();
      Duration median = Stats.median(times);
      Duration max = Stats.max(times);
      boolean met =
          fault == Fault.BLACKHOLE
              ? max.compareTo(Duration.ofMillis(1000)) <= 0
                  && median.compareTo(Duration.ofMillis(700)) <= 0
              : max.compareTo(Duration.ofMillis(300)) <= 0;
      String detail = "N=" + samples.size() + ": " + Stats.list(times) + " s; the other family"
          + " from the same faults: " + Stats.list(samples.stream()
              .map(sample -> v6 ? sample.ipv4() : sample.ipv6()).toList()) + " s";
      List<Duration> fromEvent = samples.stream()
          .map(sample -> v6 ? sample.fromEventV6() : sample.fromEventV4())
          .flatMap(Optional::stream).toList();
      if (!fromEvent.isEmpty()) {
        detail += "; from the kernel's link event: median " + Stats.millis(Stats.median(fromEvent))
            + " ms, max " + Stats.millis(Stats.max(fromEvent)) + " ms";
      }
      if (!problems.isEmpty()) {
        detail += "; failed: " + String.join("; ", problems);
      }
      report.add(metric, fault.target,
          "median " + Stats.seconds(median) + ", max " + Stats.seconds(max),
          met && problems.isEmpty() ? Report.Verdict.MET : Report.Verdict.MISSED, detail);
    }
    return problems.isEmpty();
  }

  /** Breaks ISP 1 and waits until the main route of each family leaves it. */
  private DualSample dualStackFailover(Session session, Fault fault)
      throws IOException, InterruptedException {
    Lab lab = session.lab;
    RouteWatch watchV6 = lab.watchV6();
    Route before4 = lab.watch.main().orElseThrow(() -> new IllegalStateException("no main route"));
    Route before6 =
        watchV6.main().orElseThrow(() -> new IllegalStateException("no IPv6 main route"));
    checkState(before4.dev().equals(lab.primaryInterface())
            && before6.dev().equals(lab.primaryInterface()),
        "the main routes are on %s and %s, not on ISP 1's %s", before4.dev(), before6.dev(),
        lab.primaryInterface());
    Instant broke = Instant.now();
    switch (fault) {
      case BLACKHOLE -> lab.lab.blackhole(1);
      case LINK_ROUTER -> lab.lab.linkDown(1, LinkSide.ROUTER);
      case LINK_FAR -> lab.lab.linkDown(1, LinkSide.FAR);
    }
    Instant moved4 = awaitMoved(lab.watch, before4, broke, "IPv4");
    Instant moved6 = awaitMoved(watchV6, before6, broke, "IPv6");
    session.checkAlive();
    Optional<Duration> event4 = Optional.empty();
    Optional<Duration> event6 = Optional.empty();
    if (fault != Fault.BLACKHOLE) {
      event4 = lab.watch.firstLinkLossSince(broke, before4.dev())
          .map(event -> nonNegative(Duration.between(event.at(), moved4)));
      event6 = lab.watch.firstLinkLossSince(broke, before4.dev())
          .map(event -> nonNegative(Duration.between(event.at(), moved6)));
    }
    return new DualSample(nonNegative(Duration.between(broke, moved4)),
        nonNegative(Duration.between(broke, moved6)), event4, event6);
  }

  /** When the route at {@code before}'s metric named another device, after {@code broke}. */
  private Instant awaitMoved(RouteWatch watch, Route before, Instant broke, String family)
      throws InterruptedException {
    Optional<MainChange> moved =
        watch.awaitChange(
            broke,
            c -> c.main() != null
                && !c.main().dev().equals(before.dev())
                && c.main().metric() == before.metric(),
            options.failoverWait());
    if (moved.isEmpty()) {
      throw new IllegalStateException("the " + family + " main route did not leave "
          + before.dev() + " within " + options.failoverWait().toSeconds() + " s; routes now "
          + watch.routes());
    }
    return moved.get().at();
  }

  /** The ways to break the primary uplink. */
  private enum Fault {
    BLACKHOLE("blackhole failover (modem answers, internet dead)",
        "<= 1.0 s in every repetition, median <= 0.7 s (round-trip time under 50 ms)"),
    LINK_ROUTER("link-down failover, router side (interface down)", "<= 0.3 s"),
    LINK_FAR("link-down failover, far side (carrier loss)", "<= 0.3 s");

    final String metric;
    final String target;

    Fault(String metric, String target) {
      this.metric = metric;
      this.target = target;
    }
  }

  /**
   * One failover sample.
   *
   * @param failover from just before the fault's command to the main route's move
   * @param effective from just before the fault's command to the first change of the main route
   * @param fromKernelEvent for a link fault, from the kernel's link notification (as {@code ip
   *     -ts monitor} stamped it) to the main route's move: what the daemon itself takes
   */
  private record Sample(Duration failover, Duration effective, Optional<Duration> fromKernelEvent,
      LanPing.Count lan) {}

  /** One failback sample. */
  private record Failback(Duration time, int switchesBack, int switchesAway, LanPing.Count lan) {}

  /** {@code reps} failovers of one kind; returns whether all of them were measured. */
  private boolean failovers(Lab lab, Fault fault) throws InterruptedException {
    List<Sample> samples = new ArrayList<>();
    List<Failback> failbacks = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    int failbackReps = fault == Fault.BLACKHOLE ? options.failbackReps() : 0;
    for (int rep = 1; rep <= options.reps(); rep++) {
      Session session = null;
      try {
        session = startSession(lab);
        Optional<Failback> failback = Optional.empty();
        Sample sample = failover(session, fault);
        samples.add(sample);
        logger.info("{} {}/{}: main route moved after {} (LAN client: {})",
            fault, rep, options.reps(), Stats.seconds(sample.failover()), sample.lan());
        if (rep <= failbackReps) {
          failback = failback(session);
          failback.ifPresent(failbacks::add);
          if (failback.isEmpty()) {
            problems.add("rep " + rep + ": no failback within "
                + options.failbackWait().toSeconds() + " s");
          }
        }
      } catch (IOException | IllegalStateException e) {
        logger.warn("{} repetition {} failed", fault, rep, e);
        problems.add("rep " + rep + ": " + e.getMessage());
      } finally {
        endSession(session);
      }
    }
    // When only the failback was asked for, its failovers are a means and not reported.
    boolean reported = fault != Fault.BLACKHOLE || options.phases().contains(Phase.BLACKHOLE);
    if (!reported) {
      logger.info("blackhole failovers before the failbacks: {}",
          Stats.list(samples.stream().map(Sample::failover).toList()));
    } else if (samples.isEmpty()) {
      report.failed(fault.metric, fault.target, String.join("; ", problems));
    } else {
      List<Duration> times = samples.stream().map(Sample::failover).toList();
      Duration median = Stats.median(times);
      Duration max = Stats.max(times);
      boolean met =
          fault == Fault.BLACKHOLE
              ? max.compareTo(Duration.ofMillis(1000)) <= 0
                  && median.compareTo(Duration.ofMillis(700)) <= 0
              : max.compareTo(Duration.ofMillis(300)) <= 0;
      String detail =
          "N=" + samples.size() + ": " + Stats.list(times) + " s; LAN client lost pings for "
              + Stats.list(samples.stream().map(s -> s.lan().lostTime()).toList()) + " s";
      if (fault == Fault.LINK_ROUTER) {
        detail += "; the kernel itself drops the dead route at once (traffic moved after "
            + Stats.list(samples.stream().map(Sample::effective).toList()) + " s)";
      }
      if (!problems.isEmpty()) {
        detail += "; failed: " + String.join("; ", problems);
      }
      report.add(fault.metric, fault.target,
          "median " + Stats.seconds(median) + ", max " + Stats.seconds(max),
          met && problems.isEmpty() ? Report.Verdict.MET : Report.Verdict.MISSED, detail);
      List<Duration> fromEvent = samples.stream().map(Sample::fromKernelEvent)
          .flatMap(Optional::stream).toList();
      if (fault != Fault.BLACKHOLE && !fromEvent.isEmpty()) {
        Duration eventMedian = Stats.median(fromEvent);
        report.add(fault.metric.replace("failover", "fault to new main route")
                .replace(" (", ", from the kernel's link event ("),
            "<= 5 ms median",
            "median " + Stats.millis(eventMedian) + " ms, max " + Stats.millis(Stats.max(fromEvent))
                + " ms",
            eventMedian.compareTo(Duration.ofMillis(5)) <= 0 && fromEvent.size() == samples.size()
                ? Report.Verdict.MET : Report.Verdict.MISSED,
            "N=" + fromEvent.size() + ": from the link notification to the main route's"
                + " replacement, both as `ip -ts monitor` in the router namespace stamped them;"
                + " excludes the fault command's own start-up");
      }
    }
    if (failbackReps > 0) {
      reportFailback(failbacks, problems);
    }
    return problems.isEmpty();
  }

  private void reportFailback(List<Failback> failbacks, List<String> problems) {
    String metric = "failback after restore (blackhole of about "
        + HOLD_BEFORE_RESTORE.toSeconds() + " s)";
    Duration dwell = DampedPolicySettings.DEFAULT_FAILBACK_DWELL;
    Duration latest = dwell.plus(FAILBACK_SLACK);
    String target = "after the dwell (damped default " + dwell.toSeconds() + " s) and within "
        + latest.toSeconds() + " s, exactly once";
    if (failbacks.isEmpty()) {
      report.failed(metric, target, String.join("; ", problems));
      return;
    }
    List<Duration> times = failbacks.stream().map(Failback::time).toList();
    boolean once = failbacks.stream().allMatch(f -> f.switchesBack() == 1 && f.switchesAway() == 0);
    boolean afterDwell = times.stream().allMatch(t -> t.compareTo(dwell) >= 0);
    boolean inTime = times.stream().allMatch(t -> t.compareTo(latest) <= 0);
    report.add(metric, target,
        "median " + Stats.seconds(Stats.median(times)) + " after restore; "
            + (once ? "exactly once" : "NOT exactly once"),
        once && afterDwell && inTime ? Report.Verdict.MET : Report.Verdict.MISSED,
        "N=" + failbacks.size() + ": " + Stats.list(times) + " s; switches back "
            + failbacks.stream().map(Failback::switchesBack).toList() + ", away again "
            + failbacks.stream().map(Failback::switchesAway).toList() + " within "
            + options.failbackObserve().toSeconds() + " s after; LAN client "
            + failbacks.stream().map(Failback::lan).toList());
  }

  /** Breaks ISP 1 and waits until the main route leaves it. */
  private Sample failover(Session session, Fault fault) throws IOException, InterruptedException {
    Lab lab = session.lab;
    Route before = lab.watch.main().orElseThrow(() -> new IllegalStateException("no main route"));
    checkState(before.dev().equals(lab.primaryInterface()),
        "the main route is on %s, not on ISP 1's %s", before.dev(), lab.primaryInterface());
    try (LanPing ping = LanPing.start(lab.lab.lanNamespace(), lab.lanTarget(),
        options.failoverWait().plus(options.failbackWait()).plus(options.failbackObserve())
            .toSeconds() + 60)) {
      Instant broke = Instant.now();
      switch (fault) {
        case BLACKHOLE -> lab.lab.blackhole(1);
        case LINK_ROUTER -> lab.lab.linkDown(1, LinkSide.ROUTER);
        case LINK_FAR -> lab.lab.linkDown(1, LinkSide.FAR);
      }
      Optional<MainChange> moved =
          lab.watch.awaitChange(
              broke,
              c -> c.main() != null
                  && !c.main().dev().equals(before.dev())
                  && c.main().metric() == before.metric(),
              options.failoverWait());
      session.checkAlive();
      if (moved.isEmpty()) {
        throw new IllegalStateException("the main route did not leave " + before.dev()
            + " within " + options.failoverWait().toSeconds() + " s; routes now "
            + lab.watch.routes());
      }
      Optional<Duration> fromKernelEvent = Optional.empty();
      if (fault != Fault.BLACKHOLE) {
        fromKernelEvent = lab.watch.firstLinkLossSince(broke, before.dev())
            .map(event -> nonNegative(Duration.between(event.at(), moved.get().at())));
      }
      Instant effective = moved.get().at();
      for (MainChange change : lab.watch.changesSince(broke)) {
        if (!Objects.equals(change.dev().orElse(null), before.dev())) {
          effective = change.at();
          break;
        }
      }
      pause(AFTER_SWITCH);
      LanPing.Count count = ping.stop();
      return new Sample(
          nonNegative(Duration.between(broke, moved.get().at())),
          nonNegative(Duration.between(broke, effective)),
          fromKernelEvent,
          count);
    }
  }

  /** Restores ISP 1 after a failover and waits for the main route to come back, once. */
  private Optional<Failback> failback(Session session) throws IOException, InterruptedException {
    Lab lab = session.lab;
    String primary = lab.primaryInterface();
    pause(HOLD_BEFORE_RESTORE);
    Route away = lab.watch.main().orElseThrow(() -> new IllegalStateException("no main route"));
    try (LanPing ping = LanPing.start(lab.lab.lanNamespace(), lab.lanTarget(),
        options.failbackWait().plus(options.failbackObserve()).toSeconds() + 60)) {
      Instant restored = Instant.now();
      lab.lab.restore(1);
      Optional<MainChange> back =
          lab.watch.awaitChange(
              restored,
              c -> c.main() != null
                  && c.main().dev().equals(primary)
                  && c.main().metric() == away.metric(),
              options.failbackWait());
      session.checkAlive();
      if (back.isEmpty()) {
        ping.stop();
        return Optional.empty();
      }
      logger.info("failback after {}; watching {} s for further switches",
          Stats.seconds(Duration.between(restored, back.get().at())),
          options.failbackObserve().toSeconds());
      pause(options.failbackObserve());
      session.checkAlive();
      LanPing.Count count = ping.stop();
      List<Switch> switches = switches(lab.watch.changesSince(restored), away.dev(), null);
      int toPrimary = 0;
      int awayAfter = 0;
      for (Switch s : switches) {
        if (s.to().equals(primary)) {
          toPrimary++;
        } else if (toPrimary > 0) {
          awayAfter++;
        }
      }
      return Optional.of(
          new Failback(
              nonNegative(Duration.between(restored, back.get().at())), toPrimary, awayAfter,
              count));
    }
  }

  private String windowMetric(Degradation degradation) {
    return "switches during " + options.lossDuration().toSeconds() + " s of " + degradation.label
        + " on the primary";
  }

  /** ISP 1 degraded for the loss window; returns whether it was measured. */
  private boolean degradationWindow(Session session, Degradation degradation)
      throws IOException, InterruptedException {
    Lab lab = session.lab;
    String metric = windowMetric(degradation);
    String primary = lab.primaryInterface();
    Optional<Route> main = lab.watch.main();
    if (main.isEmpty() || !main.get().dev().equals(primary)) {
      report.failed(metric, degradation.target(),
          "the main route was not on ISP 1 before the window: " + main);
      return false;
    }
    List<Switch> switches;
    LanPing.Count count;
    Instant start;
    try (LanPing ping = LanPing.start(lab.lab.lanNamespace(), lab.lanTarget(),
        options.lossDuration().toSeconds() + 30)) {
      start = Instant.now();
      degradation.run(lab.lab, options.lossDuration(), jitter);
      Instant end = Instant.now();
      count = ping.stop();
      session.checkAlive();
      switches = switches(lab.watch.changesSince(start), primary, end);
    }
    long back = switches.stream().filter(s -> s.to().equals(primary)).count();
    double lossPercent = count.sent() == 0 ? 0 : 100.0 * count.lost() / count.sent();
    Optional<Duration> first =
        switches.stream().findFirst().map(w -> Duration.between(start, w.at()));
    Report.Verdict verdict = switch (degradation.expect) {
      case STAY -> switches.isEmpty() ? Report.Verdict.MET : Report.Verdict.MISSED;
      case AT_MOST_ONE ->
          switches.size() <= 1 && back == 0 ? Report.Verdict.MET : Report.Verdict.MISSED;
      case ONE_QUICKLY ->
          switches.size() == 1 && back == 0
                  && first.get().compareTo(Degradation.FIRST_SWITCH_WITHIN) <= 0
                  && lossPercent <= Degradation.MAX_LAN_LOSS_PERCENT
              ? Report.Verdict.MET
              : Report.Verdict.MISSED;
      case INFO -> Report.Verdict.INFO;
    };
    report.add(metric, degradation.target(),
        switches.size() + " switch" + (switches.size() == 1 ? "" : "es") + ", " + back + " back"
            + first.map(f -> ", the first after " + Stats.seconds(f)).orElse(""),
        verdict,
        String.format(Locale.ROOT, "LAN client lost %d of %d pings (%.1f %%); switches: %s",
            count.lost(), count.sent(), lossPercent,
            switches.stream()
                .map(w -> w + " at " + Stats.seconds(Duration.between(start, w.at())))
                .toList()));
    logger.info("{}: {} switches ({} back), LAN lost {} of {}", degradation.label,
        switches.size(), back, count.lost(), count.sent());
    return true;
  }

  /** CPU and peak RSS of a healthy daemon over the idle window; returns whether measured. */
  private boolean measureIdle(Session session, String label, boolean withTargets)
      throws IOException, InterruptedException {
    DaemonProcess daemon = session.daemon;
    String commandLine = daemon.commandLine();
    checkState(commandLine.contains("java"), "pid %s is not the JVM: %s", daemon.pid(),
        commandLine);
    long clockTicks = clockTicksPerSecond();
    long[] cpu0 = daemon.cpuTicks();
    long t0 = System.nanoTime();
    Instant start = Instant.now();
    pause(options.idleDuration());
    long[] cpu1 = daemon.cpuTicks();
    long t1 = System.nanoTime();
    long self = cpu1[0] - cpu0[0];
    long children = cpu1[1] - cpu0[1];
    long peakKb = daemon.peakRssKb();
    long rssKb = daemon.rssKb();
    long threads = daemon.threads();
    session.checkAlive();
    double seconds = (t1 - t0) / 1e9;
    double cpuPercent = 100.0 * (self + children) / clockTicks / seconds;
    List<Switch> switches =
        switches(session.lab.watch.changesSince(start), session.lab.primaryInterface(), null);
    String window = String.format(Locale.ROOT, "%.0f s idle-healthy", seconds);
    report.add("daemon CPU, " + label, withTargets ? "<= 2 % of one core" : "-",
        String.format(Locale.ROOT, "%.2f %% of one core", cpuPercent),
        withTargets
            ? (cpuPercent <= 2.0 ? Report.Verdict.MET : Report.Verdict.MISSED)
            : Report.Verdict.INFO,
        window + ", utime+stime " + self + " ticks of 1/" + clockTicks + " s (children "
            + children + "); "
            + threads + " threads" + (switches.isEmpty() ? "" : "; switches: " + switches));
    double peakMb = peakKb / 1024.0;
    report.add("peak RSS, " + label, "<= 64 MB",
        String.format(Locale.ROOT, "%.1f MB", peakMb),
        peakMb <= 64 ? Report.Verdict.MET : Report.Verdict.MISSED,
        String.format(Locale.ROOT, "VmHWM since start; VmRSS at the end %.1f MB", rssKb / 1024.0));
    logger.info("{}: CPU {} % of one core, peak RSS {} MB", label,
        String.format(Locale.ROOT, "%.2f", cpuPercent), String.format(Locale.ROOT, "%.1f", peakMb));
    return true;
  }

  /**
   * The daemon's CPU over the idle window while ISP 3's interface is gone (deleted in the router,
   * as when a USB modem is unplugged), so that every apply fails for that provider. Deleting the
   * interface deletes its veth pair for good, so this runs last on its lab. Returns whether it
   * was measured.
   */
  private boolean missingInterface(Lab lab) throws InterruptedException {
    String label = "daemon CPU, 3 providers, ISP 3's interface missing";
    Session session = null;
    try {
      session = startSession(lab);
      String router = lab.lab.routerNamespace();
      String device = lab.lab.isp(3).routerInterface();
      CommandResult deleted = lab.lab.exec(router, "ip", "link", "del", device);
      checkState(deleted.exitCode() == 0, "ip link del %s: %s", device, deleted.stderr());
      // Let the link event and the first failed applies pass, then measure the steady state.
      pause(Duration.ofSeconds(10));
      DaemonProcess daemon = session.daemon;
      long clockTicks = clockTicksPerSecond();
      long[] cpu0 = daemon.cpuTicks();
      long t0 = System.nanoTime();
      pause(options.idleDuration());
      long[] cpu1 = daemon.cpuTicks();
      double seconds = (System.nanoTime() - t0) / 1e9;
      session.checkAlive();
      long self = cpu1[0] - cpu0[0];
      long children = cpu1[1] - cpu0[1];
      double cpuPercent = 100.0 * (self + children) / clockTicks / seconds;
      report.add(label, "-", String.format(Locale.ROOT, "%.2f %% of one core", cpuPercent),
          Report.Verdict.INFO,
          String.format(Locale.ROOT, "%.0f s from 10 s after `ip link del %s`, utime+stime %d ticks"
              + " of 1/%d s (children, the `ip` runs of the retried applies: %d)",
              seconds, device, self, clockTicks, children));
      logger.info("{}: {} % of one core ({} of it in children)", label,
          String.format(Locale.ROOT, "%.2f", cpuPercent),
          String.format(Locale.ROOT, "%.2f", 100.0 * children / clockTicks / seconds));
      return true;
    } catch (IOException | IllegalStateException e) {
      logger.error("missing-interface session failed", e);
      report.failed(label, "-", e.getMessage());
      return false;
    } finally {
      endSession(session);
    }
  }

  /**
   * The programs the daemon starts: {@code strace} attached to every thread of a running daemon
   * counts each {@code execve} over the idle window and over two switches (ISP 1 blackholed, then
   * ISP 2's interface taken down). The daemon's start-up, which may legitimately write files, is
   * not counted. Returns whether it was measured.
   */
  private boolean processes(Lab lab) throws InterruptedException {
    String steadyLabel = "processes started by the daemon, steady state";
    String switchLabel = "processes started by the daemon per switch";
    Session session = null;
    try {
      session = startSession(lab);
      Path traceFile = workDir.resolve("daemon-exec.strace");
      try (ProcessTrace trace =
          ProcessTrace.attach(session.daemon.pid(), traceFile, Duration.ofSeconds(2))) {
        Instant steadyFrom = Instant.now();
        pause(options.idleDuration());
        Instant steadyTo = Instant.now();
        List<ProcessTrace.Exec> steady = trace.execsBetween(steadyFrom, steadyTo);
        double minutes = Duration.between(steadyFrom, steadyTo).toMillis() / 60_000.0;
        List<String> perSwitch = new ArrayList<>();
        List<ProcessTrace.Exec> switching = new ArrayList<>();
        int[] faulted = {1, 2};
        for (int isp : faulted) {
          Route before = lab.watch.main().orElseThrow(() -> new IllegalStateException("no main"));
          String device = lab.providers.get(isp - 1).interfaceName();
          checkState(before.dev().equals(device), "the main route is on %s, not on ISP %s's %s",
              before.dev(), isp, device);
          Instant broke = Instant.now();
          if (isp == 1) {
            lab.lab.blackhole(1);
          } else {
            lab.lab.linkDown(isp, LinkSide.ROUTER);
          }
          Optional<MainChange> moved = lab.watch.awaitChange(broke,
              c -> c.main() != null && !c.main().dev().equals(device), options.failoverWait());
          checkState(moved.isPresent(), "the main route did not leave %s within %s s", device,
              options.failoverWait().toSeconds());
          pause(AFTER_SWITCH);
          List<ProcessTrace.Exec> execs = trace.execsBetween(broke, Instant.now());
          switching.addAll(execs);
          perSwitch.add((isp == 1 ? "blackhole " : "link down ") + ProcessTrace.processes(execs));
        }
        session.checkAlive();
        long steadyProcesses = ProcessTrace.processes(steady);
        report.add(steadyLabel, "0", String.format(Locale.ROOT, "%.1f per minute",
                steadyProcesses / minutes),
            steady.isEmpty() ? Report.Verdict.MET : Report.Verdict.MISSED,
            String.format(Locale.ROOT, "%d processes (%d successful execve) in %.0f s of strace -f"
                + " -p on every daemon thread%s", steadyProcesses, steady.size(), minutes * 60,
                programs(steady)));
        report.add(switchLabel, "0", String.join(", ", perSwitch),
            switching.isEmpty() ? Report.Verdict.MET : Report.Verdict.MISSED,
            "processes started from each fault to 1 s after the main route moved"
                + programs(switching));
        logger.info("processes: {} in the steady state, per switch {}", steadyProcesses,
            perSwitch);
        return true;
      }
    } catch (IOException | IllegalStateException e) {
      logger.error("processes session failed", e);
      report.failed(steadyLabel, "0", e.getMessage());
      report.failed(switchLabel, "0", e.getMessage());
      return false;
    } finally {
      endSession(session);
    }
  }

  /** {@code "; programs: /usr/sbin/ip x12, ..."}, or nothing for none. */
  private static String programs(List<ProcessTrace.Exec> execs) {
    if (execs.isEmpty()) {
      return "";
    }
    java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
    execs.forEach(e -> counts.merge(e.program(), 1, Integer::sum));
    List<String> parts = new ArrayList<>();
    counts.forEach((program, n) -> parts.add(program + " x" + n));
    return "; programs: " + String.join(", ", parts);
  }

  /** How many routes {@link #bigTable} loads into another table. */
  private static final int BIG_TABLE_ROUTES = 100_000;

  /** The table {@link #bigTable} loads; no rule points at it. */
  private static final int BIG_TABLE_ID = 1000;

  /**
   * Start-up and one blackhole failover on a router with an empty foreign table, then the same
   * with {@value #BIG_TABLE_ROUTES} routes in table {@value #BIG_TABLE_ID} (as a BGP feed or a
   * block list loaded as routes would put there), each with the systemd unit's heap. Returns
   * whether everything was measured.
   */
  private boolean bigTable(Lab lab) throws InterruptedException {
    boolean measured = startup(lab, "3 providers", false);
    try {
      loadBigTable(lab);
    } catch (IOException | IllegalStateException e) {
      logger.error("could not load the big table", e);
      report.failed("start with 100,000 routes in another table", "<= 2 s", e.getMessage());
      return false;
    }
    return startup(lab, "100,000 routes in another table", true) && measured;
  }

  private void loadBigTable(Lab lab) throws IOException {
    Provider via = lab.providers.get(1);
    StringBuilder batch = new StringBuilder(BIG_TABLE_ROUTES * 64);
    int base = (100 << 24) | (64 << 16); // 100.64.0.0/10, shared address space
    for (int i = 0; i < BIG_TABLE_ROUTES; i++) {
      int a = base + i;
      batch.append("route add ").append(a >>> 24).append('.').append((a >>> 16) & 255)
          .append('.').append((a >>> 8) & 255).append('.').append(a & 255).append("/32 via ")
          .append(via.gateway().getHostAddress()).append(" dev ").append(via.interfaceName())
          .append(" table ").append(BIG_TABLE_ID).append('\n');
    }
    long t0 = System.nanoTime();
    CommandResult loaded = Shell.run(
        List.of("ip", "-n", lab.lab.routerNamespace(), "-batch", "-"), batch.toString());
    checkState(loaded.exitCode() == 0, "ip -batch of the big table failed: %s", loaded.stderr());
    CommandResult count = Shell.run(List.of("ip", "-n", lab.lab.routerNamespace(), "-4", "route",
        "show", "table", Integer.toString(BIG_TABLE_ID)));
    long lines = count.stdout().lines().count();
    checkState(lines == BIG_TABLE_ROUTES, "table %s holds %s routes, not %s", BIG_TABLE_ID, lines,
        BIG_TABLE_ROUTES);
    logger.info("loaded {} routes into table {} in {} ms", lines, BIG_TABLE_ID,
        (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * Starts a daemon from nothing (no default route), measures the time from its start to ISP 1's
   * main route, lets it settle, blackholes ISP 1 once, and reads its peak RSS.
   */
  private boolean startup(Lab lab, String label, boolean withTargets)
      throws InterruptedException {
    String startLabel = "start to main route in place, " + label;
    String rssLabel = "peak RSS, " + label;
    Session session = null;
    try {
      lab.reset();
      lab.watch.armGaps();
      String primary = lab.primaryInterface();
      Instant started = Instant.now();
      DaemonProcess daemon =
          DaemonProcess.start(lab.lab.routerNamespace(), options.java(), jvmFlags, jarCopy,
              lab.config, workDir.resolve("daemon.log"));
      register(daemon);
      sessions++;
      session = new Session(lab, daemon);
      Optional<MainChange> first = lab.watch.awaitChange(started,
          c -> c.main() != null && c.main().dev().equals(primary), READY_WAIT);
      session.checkAlive();
      checkState(first.isPresent(), "no main route on %s within %s s; log tail:%n%s", primary,
          READY_WAIT.toSeconds(), daemon.logTail(30));
      Duration toMain = Duration.between(started, first.get().at());
      boolean ready = lab.watch.await(
          routes -> routes.size() >= lab.providers.size()
              && routes.values().iterator().next().dev().equals(primary), READY_WAIT)
          && stable(lab);
      checkState(ready, "the daemon did not settle with ISP 1 first; routes %s",
          lab.watch.routes());
      Sample sample = failover(session, Fault.BLACKHOLE);
      session.checkAlive();
      double peakMb = daemon.peakRssKb() / 1024.0;
      report.add(startLabel, withTargets ? "<= 2 s" : "-", Stats.seconds(toMain),
          withTargets
              ? (toMain.compareTo(Duration.ofSeconds(2)) <= 0
                  ? Report.Verdict.MET : Report.Verdict.MISSED)
              : Report.Verdict.INFO,
          "from the daemon's exec (JVM start-up included) to ISP 1's default route in the main"
              + " table; then a blackhole failover took " + Stats.seconds(sample.failover()));
      report.add(rssLabel, withTargets ? "<= 64 MB" : "-",
          String.format(Locale.ROOT, "%.1f MB", peakMb),
          withTargets ? (peakMb <= 64 ? Report.Verdict.MET : Report.Verdict.MISSED)
              : Report.Verdict.INFO,
          "VmHWM after start-up and one failover, the unit's JVM flags");
      logger.info("{}: main route after {}, failover {}, peak RSS {} MB", label,
          Stats.seconds(toMain), Stats.seconds(sample.failover()),
          String.format(Locale.ROOT, "%.1f", peakMb));
      return true;
    } catch (IOException | IllegalStateException e) {
      logger.error("start-up session ({}) failed", label, e);
      String why = String.valueOf(e.getMessage());
      int oom = why.lastIndexOf("Terminating due to");
      // The daemon's whole log tail is in the log above; the report keeps the cause.
      why = oom >= 0 ? "the daemon exited: " + why.substring(oom).strip()
          : why.substring(0, Math.min(why.length(), 300));
      report.failed(startLabel, withTargets ? "<= 2 s" : "-", why);
      report.failed(rssLabel, withTargets ? "<= 64 MB" : "-", why);
      return false;
    } finally {
      endSession(session);
    }
  }

  /** The 16-provider measurement on its own lab; returns whether it was measured. */
  private boolean resources(Lab lab, String label, boolean withTargets)
      throws InterruptedException {
    Session session = null;
    try {
      session = startSession(lab);
      return measureIdle(session, label, withTargets);
    } catch (IOException | IllegalStateException e) {
      logger.error("{} session failed", label, e);
      report.failed("daemon CPU and peak RSS, " + label, "", e.getMessage());
      return false;
    } finally {
      endSession(session);
    }
  }

  /** A change of the main route's device. */
  private record Switch(Instant at, String from, String to) {
    @Override
    public String toString() {
      return from + "->" + to;
    }
  }

  /** The device changes in {@code changes} (up to {@code end}), starting from {@code startDev}. */
  private static List<Switch> switches(
      List<MainChange> changes, String startDev, @Nullable Instant end) {
    List<Switch> switches = new ArrayList<>();
    String current = startDev;
    for (MainChange change : changes) {
      if (end != null && change.at().isAfter(end)) {
        break;
      }
      String dev = change.dev().orElse("none");
      if (!dev.equals(current)) {
        switches.add(new Switch(change.at(), current, dev));
        current = dev;
      }
    }
    return switches;
  }

  // ---------------------------------------------------------------------------------- sessions --

  /** A running daemon on a lab. */
  private static final class Session {
    final Lab lab;
    final DaemonProcess daemon;

    Session(Lab lab, DaemonProcess daemon) {
      this.lab = lab;
      this.daemon = daemon;
    }

    void checkAlive() {
      checkState(daemon.alive(), "the daemon (pid %s) exited; its log %s ends with:%n%s",
          daemon.pid(), daemon.log(), daemon.logTail(30));
    }
  }

  /** Starts a fresh daemon on {@code lab} and waits until it has put ISP 1 first. */
  private Session startSession(Lab lab) throws IOException, InterruptedException {
    lab.reset();
    lab.watch.armGaps();
    if (lab.watchV6 != null) {
      lab.watchV6.armGaps();
      sessionsV6++;
    }
    DaemonProcess daemon =
        DaemonProcess.start(lab.lab.routerNamespace(), options.java(), jvmFlags, jarCopy,
            lab.config, workDir.resolve("daemon.log"));
    register(daemon);
    sessions++;
    Session session = new Session(lab, daemon);
    int want = lab.providers.size();
    boolean ready = true;
    for (RouteWatch watch : lab.watches()) {
      ready = ready && watch.await(
          routes -> routes.size() >= want
              && routes.values().iterator().next().dev().equals(lab.primaryInterface()),
          READY_WAIT);
    }
    if (ready) {
      ready = stable(lab);
    }
    if (!ready) {
      String why = "the daemon did not keep " + want + " default routes with ISP 1 first for "
          + options.settle().toSeconds() + " s within " + READY_WAIT.toSeconds() + " s; routes "
          + lab.watch.routes()
          + (lab.watchV6 == null ? "" : ", IPv6 routes " + lab.watchV6.routes())
          + "; log tail:\n" + daemon.logTail(30);
      endSession(session);
      throw new IllegalStateException(why);
    }
    return session;
  }

  /**
   * Waits until the main route has stayed on ISP 1 for the settle time plus a random jitter, so
   * that a fault falls at a random point of the probe cadence and not into the daemon's start-up
   * (a daemon may start on ISP 1 by default and then move, for example when ISP 1's first probe
   * ran before the daemon had filled ISP 1's table).
   *
   * @return whether that happened within {@link #READY_WAIT}
   */
  private boolean stable(Lab lab) throws InterruptedException {
    long deadline = System.nanoTime() + READY_WAIT.toNanos();
    String primary = lab.primaryInterface();
    while (System.nanoTime() - deadline < 0) {
      Instant from = Instant.now();
      settle();
      boolean steady = true;
      for (RouteWatch watch : lab.watches()) {
        Optional<Route> main = watch.main();
        steady = steady && main.isPresent() && main.get().dev().equals(primary)
            && watch.changesSince(from).isEmpty();
      }
      if (steady) {
        return true;
      }
      for (RouteWatch watch : lab.watches()) {
        logger.info("a main route moved while settling ({}); waiting for it to return to {}",
            watch.changesSince(from), primary);
        watch.await(
            routes -> !routes.isEmpty()
                && routes.values().iterator().next().dev().equals(primary),
            Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      }
    }
    return false;
  }

  /** Stops the daemon, stops counting gaps, and clears faults and default routes. */
  private void endSession(@Nullable Session session) throws InterruptedException {
    if (session == null) {
      return;
    }
    readStatus(session.lab);
    session.daemon.stop(STOP_WAIT);
    unregister(session.daemon);
    for (RouteWatch watch : session.lab.watches()) {
      try {
        watch.sync();
      } catch (IOException e) {
        logger.warn("could not synchronise with ip monitor", e);
      }
      watch.disarmGaps(Instant.now());
    }
    try {
      session.lab.reset();
    } catch (IOException e) {
      logger.warn("could not reset the lab", e);
    }
  }

  /**
   * Remembers the daemon's policy and check interval from its status file, if it has one. A file
   * that is not a status document this build reads (another format, a key missing) is reported,
   * and the report then says "unknown".
   */
  private void readStatus(Lab lab) {
    try {
      Optional<StatusDocument> status = new StatusFile(lab.statusFile).readDocument();
      if (status.isEmpty()) {
        logger.debug("no status file at {}", lab.statusFile);
        return;
      }
      if (daemonPolicy == null) {
        daemonPolicy = status.get().engine().policy();
      }
      if (daemonCheckInterval == null) {
        daemonCheckInterval = Durations.format(status.get().checkInterval());
      }
    } catch (IOException e) {
      logger.warn("cannot read the daemon's status: {}", e.getMessage());
    }
  }

  private void settle() throws InterruptedException {
    pause(options.settle().plusMillis(jitter.nextLong(BenchOptions.JITTER.toMillis())));
  }

  private static void pause(Duration duration) throws InterruptedException {
    if (!duration.isNegative() && !duration.isZero()) {
      Thread.sleep(duration.toMillis());
    }
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static long clockTicksPerSecond() {
    try {
      return Long.parseLong(Shell.must(List.of("getconf", "CLK_TCK")).strip());
    } catch (IOException | NumberFormatException e) {
      logger.debug("getconf CLK_TCK failed; assuming 100", e);
      return 100;
    }
  }

  // -------------------------------------------------------------------------------------- labs --

  /** A lab, its route watch, its providers and the daemon's config for them. */
  private static final class Lab implements AutoCloseable {
    final FailoverBenchmark bench;
    final NamespaceLab lab;
    final @Nullable ExtraUplinks extra;
    final RouteWatch watch;
    /** The IPv6 default routes' watch of a dual-stack lab, else null. */
    final @Nullable RouteWatch watchV6;
    final List<Provider> providers;
    final Path config;
    final Path statusFile;
    final boolean lanClient;

    private Lab(FailoverBenchmark bench, NamespaceLab lab, @Nullable ExtraUplinks extra,
        RouteWatch watch, @Nullable RouteWatch watchV6, List<Provider> providers, Path config,
        Path statusFile, boolean lanClient) {
      this.bench = bench;
      this.watchV6 = watchV6;
      this.lanClient = lanClient;
      this.lab = lab;
      this.extra = extra;
      this.watch = watch;
      this.providers = providers;
      this.config = config;
      this.statusFile = statusFile;
    }

    /**
     * Builds a lab of {@code wanted} ISPs, plus extra ones up to {@code total} if larger; a lab
     * whose builder refuses that many (older ones stop at 9) gets 9 and {@link ExtraUplinks}. A
     * dual-stack lab ({@code ipv6}) has all {@code wanted} ISPs in the lab itself (extra uplinks
     * are IPv4 only), each provider with its IPv6 values configured.
     */
    static Lab build(FailoverBenchmark bench, int wanted, int total, boolean lanClient,
        boolean ipv6) throws IOException, InterruptedException {
      int isps = wanted;
      NamespaceLab lab;
      try {
        lab = NamespaceLab.builder(PREFIX).isps(isps).lanClient(lanClient).ipv6(ipv6).build();
      } catch (IllegalArgumentException e) {
        if (wanted <= 9 || ipv6) {
          throw e;
        }
        logger.info("the lab refuses {} ISPs ({}); using 9 and adding the rest", wanted,
            e.getMessage());
        isps = 9;
        lab = NamespaceLab.builder(PREFIX).isps(isps).lanClient(lanClient).build();
      }
      bench.register(lab);
      ExtraUplinks extra = null;
      RouteWatch watch = null;
      RouteWatch watchV6 = null;
      try {
        List<Provider> providers = new ArrayList<>(lab.providers());
        if (ipv6) {
          for (int i = 0; i < providers.size(); i++) {
            providers.set(i, withIpv6(lab, i + 1, providers.get(i)));
          }
          watchV6 = RouteWatch.startIpv6(lab.routerNamespace());
          bench.register(watchV6);
        }
        if (total > isps) {
          extra = ExtraUplinks.add(lab, isps + 1, total);
          bench.register(extra);
          providers.addAll(extra.providers());
        }
        watch = RouteWatch.start(lab.routerNamespace());
        bench.register(watch);
        Path statusFile = bench.workDir.resolve("status-" + lab.name() + ".json");
        String toml = bench.configText(providers, statusFile, ipv6);
        Path config = bench.workDir.resolve("failover-" + providers.size() + ".toml");
        Files.writeString(config, toml, StandardCharsets.UTF_8);
        if (providers.size() == 3 && !ipv6) {
          bench.config3 = toml;
        }
        logger.info("lab {} ready: {} providers; config {}", lab.name(), providers.size(), config);
        return new Lab(bench, lab, extra, watch, watchV6, List.copyOf(providers), config,
            statusFile, lanClient);
      } catch (IOException | RuntimeException | InterruptedException e) {
        closeQuietly(bench, watchV6);
        closeQuietly(bench, watch);
        closeQuietly(bench, extra);
        closeQuietly(bench, lab);
        throw e;
      }
    }

    /**
     * ISP {@code index}'s provider with its IPv6 values: the router's SLAAC address (waited for,
     * at most {@link #READY_WAIT}), the ISP's /64, and the modem's {@code fe80::1}.
     */
    private static Provider withIpv6(NamespaceLab lab, int index, Provider provider)
        throws IOException, InterruptedException {
      Optional<Inet6Address> address = lab.awaitRouterIpv6Address(index, READY_WAIT);
      checkState(address.isPresent(),
          "the router has no SLAAC address on ISP %s's uplink within %s s", index,
          READY_WAIT.toSeconds());
      return provider.withIpv6(address.get(),
          Ipv6Network.parse(lab.ipv6Prefix(index).toString()), NamespaceLab.MODEM_LINK_LOCAL);
    }

    /** The IPv6 watch of this dual-stack lab. */
    RouteWatch watchV6() {
      checkState(watchV6 != null, "lab %s is not dual-stack", lab.name());
      return watchV6;
    }

    /** The watches of the families the lab has. */
    List<RouteWatch> watches() {
      return watchV6 == null ? List.of(watch) : List.of(watch, watchV6);
    }

    String primaryInterface() {
      return providers.get(0).interfaceName();
    }

    String lanTarget() {
      return NamespaceLab.TARGETS.get(NamespaceLab.TARGETS.size() - 1).getHostAddress();
    }

    /** Clears every fault and removes the main table's default routes. */
    void reset() throws IOException {
      for (NamespaceLab.Isp isp : lab.isps()) {
        lab.restore(isp.index());
      }
      Shell.run(List.of("ip", "-n", lab.routerNamespace(), "-4", "route", "flush", "exact",
          "0.0.0.0/0", "table", "main"));
      if (watchV6 != null) {
        // The kernel's proto ra routes go too; the next advertisement brings them back.
        Shell.run(List.of("ip", "-n", lab.routerNamespace(), "-6", "route", "flush", "exact",
            "::/0", "table", "main"));
      }
    }

    @Override
    public void close() {
      closeQuietly(bench, watchV6);
      closeQuietly(bench, watch);
      closeQuietly(bench, extra);
      closeQuietly(bench, lab);
    }

    private static void closeQuietly(FailoverBenchmark bench, @Nullable AutoCloseable closeable) {
      if (closeable == null) {
        return;
      }
      bench.unregister(closeable);
      try {
        closeable.close();
      } catch (Exception e) {
        logger.warn("could not close {}", closeable, e);
      }
    }
  }

  /** The daemon's config: its defaults, with only the providers, test cases and status file set. */
  private String configText(List<Provider> providers, Path statusFile, boolean ipv6) {
    List<String> settings = new ArrayList<>(options.settings());
    if (providers.size() > WIDE_MASK_FROM
        && settings.stream().noneMatch(line -> line.startsWith("fwmark_mask "))) {
      // The default mask numbers 15 providers; the daemon refuses a 16th.
      settings.add("fwmark_mask = " + WIDE_MASK);
      logger.info("{} providers: fwmark_mask = {} (the default 0x0f000000 has room for {})",
          providers.size(), WIDE_MASK, WIDE_MASK_FROM);
    }
    return DaemonConfig.toml("FailoverBenchmark", providers,
        NamespaceLab.TARGETS.subList(0, options.targets()),
        ipv6 ? NamespaceLab.TARGETS_V6.subList(0, options.targets()) : List.of(), statusFile,
        workDir.resolve("hooks.d"), settings);
  }

  // ------------------------------------------------------------------------------- the report --

  private String render(String[] args, Instant began, String commit) {
    StringBuilder out = new StringBuilder();
    out.append("### End-to-end failover: results of ")
        .append(began.truncatedTo(ChronoUnit.SECONDS)).append("\n\n");
    out.append("- command: `java -cp failover-benchmarks/target/benchmarks.jar "
        + "dev.failover.benchmarks.FailoverBenchmark")
        .append(args.length == 0 ? "" : " " + String.join(" ", args)).append("`\n");
    out.append("- machine: ").append(machine()).append('\n');
    out.append("- daemon: ").append(options.jar()).append(", ").append(commit).append('\n');
    out.append("- daemon JVM flags: `").append(String.join(" ", jvmFlags)).append("` (")
        .append(options.extraJvmFlags().isEmpty()
            ? "the systemd unit's" : "the systemd unit's plus " + options.extraJvmFlags())
        .append(")\n");
    out.append("- daemon defaults seen in its status file: policy ")
        .append(daemonPolicy == null ? "unknown" : "`" + daemonPolicy + "`")
        .append(", check_interval ")
        .append(daemonCheckInterval == null ? "unknown" : daemonCheckInterval).append('\n');
    out.append("- repetitions: ").append(options.reps()).append(" per failover kind, ")
        .append(options.failbackReps()).append(" with failback; ").append(sessions)
        .append(" daemon runs; took ")
        .append(Duration.between(began, Instant.now()).toSeconds()).append(" s\n");
    out.append('\n').append(report.markdown());
    if (config3 != null) {
      out.append("\nThe config (3 providers):\n\n```toml\n").append(config3).append("```\n");
    }
    return out.toString();
  }

  private static String machine() {
    String cpu = "unknown CPU";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).strip();
          break;
        }
      }
    } catch (IOException e) {
      logger.debug("cannot read /proc/cpuinfo", e);
    }
    String kernel = System.getProperty("os.version");
    return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), Linux " + kernel
        + ", Java " + System.getProperty("java.runtime.version");
  }

  /**
   * The commit of the repository the jar was built in (three levels above it), or else of the
   * current directory, and whether the work tree had uncommitted changes.
   */
  private String commit() {
    List<Path> roots = new ArrayList<>();
    Path root = options.jar().toAbsolutePath().getParent();
    for (int i = 0; i < 2 && root != null; i++) {
      root = root.getParent();
    }
    if (root != null) {
      roots.add(root);
    }
    roots.add(Path.of("").toAbsolutePath());
    for (Path candidate : roots) {
      try {
        String head = Shell.must(List.of("git", "-C", candidate.toString(), "log", "-1",
            "--format=commit %h (%cI)")).strip();
        String dirty =
            Shell.must(List.of("git", "-C", candidate.toString(), "status", "--porcelain"))
                .strip();
        return head + " of " + candidate
            + (dirty.isEmpty() ? "" : ", plus uncommitted changes in the work tree");
      } catch (IOException e) {
        logger.debug("no git commit for {}", candidate, e);
      }
    }
    return "commit unknown";
  }

  // ---------------------------------------------------------------------------------- cleanup --

  private synchronized void register(AutoCloseable closeable) {
    open.push(closeable);
  }

  private synchronized void unregister(AutoCloseable closeable) {
    open.remove(closeable);
  }

  /** Closes whatever is still open, newest first; safe to call more than once, from any thread. */
  private void cleanUp() {
    List<AutoCloseable> toClose;
    synchronized (this) {
      if (closed && open.isEmpty()) {
        return;
      }
      closed = true;
      toClose = new ArrayList<>(open);
      open.clear();
    }
    for (AutoCloseable closeable : toClose) {
      try {
        closeable.close();
      } catch (Exception e) {
        logger.warn("cleanup: could not close {}", closeable, e);
      }
    }
  }
}
