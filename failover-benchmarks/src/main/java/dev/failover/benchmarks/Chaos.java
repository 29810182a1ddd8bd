package dev.failover.benchmarks;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.failover.api.Provider;
import dev.failover.lab.NamespaceLab;
import dev.failover.lab.NamespaceLab.LinkSide;
import dev.failover.lab.RouteWatch;
import dev.failover.lab.RouteWatch.MainChange;
import dev.failover.lab.RouteWatch.Route;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A chaos run: the real daemon on a 3-uplink {@link NamespaceLab} with a LAN client, under a
 * seeded random schedule of faults, with the invariants checked all along.
 *
 * <p>The schedule: every {@link Settings#eventGapMin} to {@link Settings#eventGapMax} the next
 * fault of a shuffled bag of every {@link Kind} but the restart (so that every kind comes once in
 * each round of seven), on an uplink drawn among those without a fault (for a fault that breaks
 * an uplink, the main one every other time when it may), for {@link
 * Settings#faultMin} to {@link Settings#faultMax}; and every {@link Settings#restartEvery}, the
 * daemon killed with SIGKILL and started again once the lab is quiet. A fault that makes an uplink
 * unusable is only injected while another uplink stays usable, so at every instant at least one
 * works. Every draw comes from one {@link SplittableRandom} seeded with {@link Settings#seed}; the
 * daemon's own timing is not seeded, so two runs of a seed make the same faults in the same order,
 * not the same switches.
 *
 * <p>The invariants, each broken one recorded as a {@link Violation}:
 *
 * <ul>
 *   <li>never an instant without a default route ({@link RouteWatch} gaps, armed from the daemon's
 *       first route to the end);
 *   <li>after a fault that makes an uplink unusable, the main route (the lowest metric) is on a
 *       usable uplink within the fault's bound, and it never sits on an unusable one beyond it;
 *   <li>a foreign default route below the daemon's metrics is demoted, and a rule deleted by hand
 *       is back, within {@link Settings#reassertInterval} plus {@link Settings#repairSlack};
 *   <li>a daemon killed and restarted while its main route is on the primary moves no main route,
 *       and writes its status again;
 *   <li>the daemon never exits by itself.
 * </ul>
 *
 * <p>Threads and RSS of the daemon are sampled every {@link #SAMPLE_EVERY} for the caller to judge
 * growth. Every wait is bounded. Not thread-safe; one run per instance.
 */
final class Chaos {
  private static final Logger logger = LoggerFactory.getLogger(Chaos.class);

  static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);
  private static final Duration TICK = Duration.ofMillis(100);
  private static final Duration READY_WAIT = Duration.ofSeconds(60);
  private static final Duration STATUS_WAIT = Duration.ofSeconds(30);
  /** How long the lab must have been still before a kill, and how long a restart is watched. */
  private static final Duration QUIET = Duration.ofSeconds(3);

  private static final Duration RESTART_OBSERVE = Duration.ofSeconds(10);

  /** A thing that goes wrong. */
  enum Kind {
    /** The ISP drops everything it forwards; the modem still answers. */
    BLACKHOLE(true),
    /** The ISP drops a share (5 to 15 %) of what it forwards: degraded, still usable. */
    LOSS(false),
    /** The modem's end of the link goes down: the router sees carrier loss. */
    CARRIER_LOSS(true),
    /** The router's interface is set down: the kernel deletes its routes. */
    LINK_DOWN(true),
    /** The router's interface is deleted, later re-created with the same name and addresses. */
    DELETED(true),
    /** A default route of protocol dhcp at metric 0 through a usable uplink. */
    FOREIGN_ROUTE(false),
    /** The daemon's {@code from ADDR} rule of an uplink deleted by hand. */
    RULE_DELETED(false),
    /** The daemon killed with SIGKILL and started again. */
    KILL_RESTART(false);

    /** Whether the uplink is unusable while the fault lasts. */
    final boolean breaks;

    Kind(boolean breaks) {
      this.breaks = breaks;
    }
  }

  /**
   * The run's knobs.
   *
   * @param duration how long faults are injected
   * @param minFaults how many faults at least: the schedule runs on past {@code duration} (up to
   *     twice as long) until it has injected that many, so that a short run under load still
   *     covers what it should
   * @param seed the seed of every draw
   * @param eventGapMin the shortest time between two faults
   * @param eventGapMax the longest
   * @param faultMin the shortest a fault lasts
   * @param faultMax the longest
   * @param firstRestartAt when the first kill comes, from the start
   * @param restartEvery the time between two kills
   * @param quietWait how long a kill waits for the main route to return to the primary
   * @param blackholeBound how long the main route may stay on a blackholed uplink
   * @param linkBound how long it may stay on an uplink whose link is gone (down, deleted, carrier)
   * @param reassertInterval the daemon's {@code reassert_interval}: drift is repaired by then
   * @param repairSlack added to it for a foreign route or a deleted rule
   */
  record Settings(
      Duration duration,
      int minFaults,
      long seed,
      Duration eventGapMin,
      Duration eventGapMax,
      Duration faultMin,
      Duration faultMax,
      Duration firstRestartAt,
      Duration restartEvery,
      Duration quietWait,
      Duration blackholeBound,
      Duration linkBound,
      Duration reassertInterval,
      Duration repairSlack) {
    Settings {
      checkArgument(!eventGapMin.isNegative() && eventGapMin.compareTo(eventGapMax) <= 0,
          "eventGapMin must be between 0 and eventGapMax, was %s", eventGapMin);
      checkArgument(!faultMin.isZero() && faultMin.compareTo(faultMax) <= 0,
          "faultMin must be > 0 and <= faultMax, was %s", faultMin);
      checkArgument(minFaults >= 0, "minFaults must be >= 0, was %s", minFaults);
      checkArgument(!restartEvery.isNegative() && !restartEvery.isZero(),
          "restartEvery must be > 0, was %s", restartEvery);
    }

    /** The soak's settings: the daemon's default {@code reassert_interval} of 30 s. */
    static Settings soak(Duration duration, long seed) {
      return new Settings(duration, 0, seed, Duration.ofSeconds(10), Duration.ofSeconds(30),
          Duration.ofSeconds(5), Duration.ofSeconds(60),
          // A short run still has one restart, half way.
          duration.compareTo(Duration.ofMinutes(8)) < 0 ? duration.dividedBy(2)
              : Duration.ofMinutes(4),
          Duration.ofMinutes(6), Duration.ofSeconds(120), Duration.ofSeconds(3),
          Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    /** The bound of a fault that breaks an uplink. */
    Duration bound(Kind kind) {
      return kind == Kind.BLACKHOLE ? blackholeBound : linkBound;
    }

    Duration repairBound() {
      return reassertInterval.plus(repairSlack);
    }
  }

  /** One broken invariant. */
  record Violation(Instant at, String what) {
    @Override
    public String toString() {
      return at + ": " + what;
    }
  }

  /**
   * One injected fault and what followed.
   *
   * @param recovery for a fault that breaks an uplink: from just before the fault's command to
   *     the main route on a usable uplink (zero if it was not on the faulted one; late ones
   *     included, each also a {@link Violation}); for a foreign route or a deleted rule: to its
   *     repair; empty if not seen before the fault ended or not measured
   */
  record Fault(Kind kind, int isp, Instant at, Duration lasts, Optional<Duration> recovery,
      boolean mainWasHit) {}

  /** One kill and restart. */
  record Restart(Instant at, String mainBefore, boolean fromPrimary, List<String> switches,
      Optional<Duration> statusAfter) {
    boolean clean() {
      return switches.isEmpty() && statusAfter.isPresent();
    }
  }

  /** One sample of the daemon's threads and resident memory. */
  record Sample(Instant at, int incarnation, long threads, long rssKb) {}

  /** What a run saw. */
  record Result(Instant start, Instant end, List<Fault> faults, List<Restart> restarts,
      List<Violation> violations, List<RouteWatch.Gap> gaps, List<Sample> samples,
      Optional<LanPing.Count> lan, List<String> problems) {}

  /** Starts a daemon in the lab's router namespace. */
  interface Starter {
    DaemonProcess start() throws IOException;
  }

  private final NamespaceLab lab;
  private final RouteWatch watch;
  private final Starter starter;
  private final Settings settings;
  private final Path statusFile;
  private final SplittableRandom random;
  private final List<Provider> providers;

  private final Map<Integer, Active> active = new LinkedHashMap<>();
  private final List<Pending> pending = new ArrayList<>();
  private final List<Fault> faults = new ArrayList<>();
  private final List<Restart> restarts = new ArrayList<>();
  private final List<Violation> violations = new ArrayList<>();
  private final List<Sample> samples = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final List<Kind> bag = new ArrayList<>();
  private @Nullable DaemonProcess daemon;
  private int incarnation;
  private @Nullable String offendingSince;

  /** A fault in place, and when it ends. */
  private record Active(Kind kind, int isp, Instant until) {}

  /** A check that must pass by {@code deadline}. */
  private static final class Pending {
    final Kind kind;
    final int isp;
    final Instant at;
    final Instant deadline;
    final int faultIndex;
    /** Past its deadline and reported; still followed, for the time the move took. */
    boolean late;

    Pending(Kind kind, int isp, Instant at, Instant deadline, int faultIndex) {
      this.kind = kind;
      this.isp = isp;
      this.at = at;
      this.deadline = deadline;
      this.faultIndex = faultIndex;
    }
  }

  Chaos(NamespaceLab lab, RouteWatch watch, Path statusFile, Starter starter, Settings settings) {
    this.lab = checkNotNull(lab, "lab");
    this.watch = checkNotNull(watch, "watch");
    this.statusFile = checkNotNull(statusFile, "statusFile");
    this.starter = checkNotNull(starter, "starter");
    this.settings = checkNotNull(settings, "settings");
    this.random = new SplittableRandom(settings.seed());
    this.providers = lab.providers();
    checkArgument(providers.size() >= 2, "the lab needs 2 uplinks or more, has %s",
        providers.size());
  }

  /** The daemon running now, if any. */
  Optional<DaemonProcess> daemon() {
    return Optional.ofNullable(daemon);
  }

  /**
   * Runs the schedule: starts the daemon, waits until it has put the primary first, injects
   * faults for {@link Settings#duration}, restores the lab and stops the daemon (SIGTERM).
   *
   * @throws IllegalStateException if the first daemon does not come up
   */
  Result run() throws IOException, InterruptedException {
    startDaemon();
    String primary = providers.get(0).interfaceName();
    boolean ready = watch.await(
        routes -> routes.size() >= providers.size()
            && routes.values().iterator().next().dev().equals(primary),
        READY_WAIT);
    checkState(ready, "the daemon did not put %s first within %s s; routes %s; log:%n%s",
        primary, READY_WAIT.toSeconds(), watch.routes(), daemon.logTail(30));
    watch.armGaps();
    Instant start = Instant.now();
    Instant end = start.plus(settings.duration());
    Instant hardEnd = end.plus(settings.duration());
    Instant nextEvent = start.plus(gap());
    Instant nextRestart = start.plus(settings.firstRestartAt());
    Instant nextSample = start;
    Optional<LanPing.Count> lan = Optional.empty();
    LanPing ping = LanPing.start(lab.lanNamespace(), lanTarget(),
        settings.duration().plus(settings.quietWait()).plus(Duration.ofMinutes(5)).toSeconds());
    try {
      while (Instant.now().isBefore(end)
          || (faults.size() < settings.minFaults() && Instant.now().isBefore(hardEnd))) {
        Instant now = Instant.now();
        endDueFaults(now);
        evaluate(now);
        if (!now.isBefore(nextSample)) {
          sample();
          nextSample = now.plus(SAMPLE_EVERY);
        }
        checkDaemonAlive();
        if (!now.isBefore(nextRestart) && pending.isEmpty()) {
          restart();
          nextRestart = Instant.now().plus(settings.restartEvery());
          nextEvent = Instant.now().plus(gap());
        } else if (!now.isBefore(nextEvent)) {
          inject();
          nextEvent = Instant.now().plus(gap());
        }
        Thread.sleep(TICK.toMillis());
      }
      logger.info("chaos: schedule over; restoring the lab and finishing the checks");
      for (Integer isp : List.copyOf(active.keySet())) {
        endFault(isp);
      }
      Instant last = Instant.now().plus(settings.repairBound());
      while (!pending.isEmpty() && Instant.now().isBefore(last)) {
        evaluate(Instant.now());
        Thread.sleep(TICK.toMillis());
      }
      evaluate(Instant.now().plus(Duration.ofDays(1)));
      pending.clear();
      sample();
      checkDaemonAlive();
    } finally {
      try {
        lan = Optional.of(ping.stop());
      } catch (IOException e) {
        problems.add("LAN ping: " + e.getMessage());
      }
      ping.close();
      watch.sync();
      watch.disarmGaps(Instant.now());
      if (daemon != null) {
        daemon.stop(Duration.ofSeconds(10));
      }
    }
    return new Result(start, Instant.now(), List.copyOf(faults), List.copyOf(restarts),
        List.copyOf(violations), watch.gaps(), List.copyOf(samples), lan, List.copyOf(problems));
  }

  // ----------------------------------------------------------------------------------- faults --

  private void inject() throws IOException {
    if (bag.isEmpty()) {
      for (Kind kind : Kind.values()) {
        if (kind != Kind.KILL_RESTART) {
          bag.add(kind);
        }
      }
      Collections.shuffle(bag, new java.util.Random(random.nextLong()));
    }
    Kind kind = bag.remove(0);
    Optional<Integer> target = pickUplink(kind);
    if (target.isEmpty()) {
      // Every uplink has a fault, or breaking one more would leave none usable: end the oldest.
      endFault(active.keySet().iterator().next());
      target = pickUplink(kind);
    }
    if (target.isEmpty()) {
      logger.info("chaos: no uplink for {} now; skipped", kind);
      return;
    }
    int isp = target.get();
    Duration lasts = between(settings.faultMin(), settings.faultMax());
    Route before = watch.main().orElse(null);
    String dev = lab.isp(isp).routerInterface();
    boolean mainHit = before != null && before.dev().equals(dev);
    Instant at = Instant.now();
    try {
      switch (kind) {
        case BLACKHOLE -> lab.blackhole(isp);
        case LOSS -> lab.loss(isp, 5 + random.nextInt(11));
        case CARRIER_LOSS -> lab.linkDown(isp, LinkSide.FAR);
        case LINK_DOWN -> lab.linkDown(isp, LinkSide.ROUTER);
        case DELETED -> lab.deleteInterface(isp);
        case FOREIGN_ROUTE -> lab.addForeignDefaultRoute(isp, 0);
        case RULE_DELETED -> {
          int deleted = lab.deleteSourceRules(isp);
          if (deleted == 0) {
            problems.add(at + ": no rule from " + lab.isp(isp).routerAddress().getHostAddress()
                + " to delete");
          }
        }
        case KILL_RESTART -> throw new IllegalStateException("restarts are not in the bag");
      }
    } catch (IOException e) {
      problems.add(at + ": " + kind + " on isp" + isp + " failed: " + e.getMessage());
      logger.warn("chaos: {} on isp{} failed", kind, isp, e);
      return;
    }
    logger.info("chaos: {} on isp{} for {} s (main was {})", kind, isp, lasts.toSeconds(),
        before == null ? "none" : before.dev());
    faults.add(new Fault(kind, isp, at, lasts, Optional.empty(), mainHit));
    int index = faults.size() - 1;
    switch (kind) {
      case BLACKHOLE, CARRIER_LOSS, LINK_DOWN, DELETED, LOSS -> {
        active.put(isp, new Active(kind, isp, at.plus(lasts)));
        if (kind.breaks) {
          pending.add(new Pending(kind, isp, at, at.plus(settings.bound(kind)), index));
        }
      }
      case FOREIGN_ROUTE, RULE_DELETED ->
          pending.add(new Pending(kind, isp, at, at.plus(settings.repairBound()), index));
      case KILL_RESTART -> throw new IllegalStateException("not reached");
    }
  }

  /** An uplink for {@code kind}: one without a fault, and for a breaking fault not the last. */
  private Optional<Integer> pickUplink(Kind kind) throws IOException {
    List<Integer> candidates = new ArrayList<>();
    for (int isp = 1; isp <= providers.size(); isp++) {
      if (active.containsKey(isp)) {
        continue;
      }
      if (kind == Kind.RULE_DELETED && !lab.interfaceExists(isp)) {
        continue;
      }
      candidates.add(isp);
    }
    if (kind.breaks) {
      long usable = providers.size() - active.values().stream().filter(a -> a.kind.breaks).count();
      if (usable <= 1) {
        return Optional.empty();
      }
    }
    if (candidates.isEmpty()) {
      return Optional.empty();
    }
    // Half the breaking faults go for the main uplink, when they may: those are the ones timed.
    boolean forMain = random.nextBoolean();
    Optional<Route> main = watch.main();
    if (kind.breaks && forMain && main.isPresent()) {
      for (int isp : candidates) {
        if (lab.isp(isp).routerInterface().equals(main.get().dev())) {
          return Optional.of(isp);
        }
      }
    }
    return Optional.of(candidates.get(random.nextInt(candidates.size())));
  }

  private void endDueFaults(Instant now) {
    for (Active fault : List.copyOf(active.values())) {
      if (!now.isBefore(fault.until)) {
        endFault(fault.isp);
      }
    }
  }

  private void endFault(int isp) {
    Active fault = active.remove(isp);
    try {
      lab.restore(isp);
      logger.info("chaos: isp{} restored{}", isp, fault == null ? "" : " (" + fault.kind + ")");
    } catch (IOException e) {
      problems.add(Instant.now() + ": restoring isp" + isp + " failed: " + e.getMessage());
      logger.warn("chaos: restoring isp{} failed", isp, e);
    }
    // A check still pending on this uplink ends with the fault: it is usable again.
    pending.removeIf(p -> p.isp == isp && p.kind.breaks && settle(p, Instant.now(), true));
  }

  // ----------------------------------------------------------------------------------- checks --

  /** Whether uplink {@code dev} is usable now, as far as the faults go. */
  private boolean usable(String dev) {
    for (Active fault : active.values()) {
      if (fault.kind.breaks && lab.isp(fault.isp).routerInterface().equals(dev)) {
        return false;
      }
    }
    return true;
  }

  private void evaluate(Instant now) throws IOException {
    for (Pending p : List.copyOf(pending)) {
      if (p.kind.breaks) {
        if (settle(p, now, false)) {
          pending.remove(p);
        }
      } else if (repaired(p)) {
        record(p, Duration.between(p.at, Instant.now()));
        pending.remove(p);
        if (p.kind == Kind.FOREIGN_ROUTE) {
          removeForeignRoutes();
        }
      } else if (now.isAfter(p.deadline)) {
        violation(p.kind + " on isp" + p.isp + " not repaired within "
            + Duration.between(p.at, p.deadline).toSeconds() + " s");
        pending.remove(p);
        if (p.kind == Kind.FOREIGN_ROUTE) {
          removeForeignRoutes();
        }
      }
    }
    // Outside every bound, the main route must be on a usable uplink.
    boolean covered = pending.stream().anyMatch(p -> p.kind.breaks);
    Optional<Route> main = watch.main();
    if (!covered && main.isPresent() && !usable(main.get().dev())) {
      if (offendingSince == null) {
        offendingSince = main.get().dev();
        violation("the main route is on unusable " + main.get().dev() + " outside every bound");
      }
    } else {
      offendingSince = null;
    }
  }

  /**
   * Settles a breaking fault's check if it can: passed when the main route moved to a usable
   * uplink by the deadline (or was never on the faulted one), failed past the deadline.
   *
   * @param ended the fault ended before the deadline: whatever happened so far decides
   * @return whether it is settled
   */
  private boolean settle(Pending p, Instant now, boolean ended) {
    String dev = lab.isp(p.isp).routerInterface();
    Fault fault = faults.get(p.faultIndex);
    if (!fault.mainWasHit()) {
      Optional<Route> main = watch.main();
      if (main.isPresent() && !main.get().dev().equals(dev)) {
        record(p, Duration.ZERO);
        return true;
      }
    }
    for (MainChange change : watch.changesSince(p.at)) {
      if (change.main() != null && !change.main().dev().equals(dev)
          && (p.late || !change.at().isAfter(p.deadline))) {
        record(p, Duration.between(p.at, change.at()));
        return true;
      }
    }
    if (ended) {
      return true;
    }
    if (!p.late && now.isAfter(p.deadline)) {
      violation("main route still on " + dev + " " + Duration.between(p.at, now).toMillis()
          + " ms after " + p.kind + " (bound " + settings.bound(p.kind).toMillis() + " ms)");
      p.late = true;
    }
    return false;
  }

  private void record(Pending p, Duration recovery) {
    Fault f = faults.get(p.faultIndex);
    logger.info("chaos: {} on isp{}: {} after {}", p.kind, p.isp,
        p.kind.breaks ? "main route on a usable uplink" : "repaired", Stats.seconds(recovery));
    faults.set(p.faultIndex,
        new Fault(f.kind(), f.isp(), f.at(), f.lasts(), Optional.of(recovery), f.mainWasHit()));
  }

  /** Whether a foreign route was demoted, or a deleted rule is back. */
  private boolean repaired(Pending p) throws IOException {
    String router = lab.routerNamespace();
    Provider provider = providers.get(p.isp - 1);
    if (p.kind == Kind.RULE_DELETED) {
      String rules = Shell.must(List.of("ip", "-n", router, "-4", "rule", "show"));
      String want = "from " + provider.ipv4Address().getHostAddress() + " lookup ";
      return rules.lines().anyMatch(line -> line.contains(want)
          && (line.contains("lookup " + provider.rtTableId() + " ")
              || line.contains("lookup " + provider.rtTableName() + " ")
              || line.endsWith("lookup " + provider.rtTableId())
              || line.endsWith("lookup " + provider.rtTableName())));
    }
    String routes = Shell.must(List.of("ip", "-n", router, "-4", "route", "show", "default",
        "proto", "dhcp"));
    long below = lowestDaemonMetric();
    return routes.lines().map(String::strip).filter(l -> !l.isEmpty())
        .allMatch(l -> metricOf(l) > below);
  }

  /** The lowest metric of the daemon's own default routes (protocol 201), or max if none. */
  private long lowestDaemonMetric() throws IOException {
    String ours = Shell.must(List.of("ip", "-n", lab.routerNamespace(), "-4", "route", "show",
        "default", "proto", "201"));
    return ours.lines().map(String::strip).filter(l -> !l.isEmpty())
        .mapToLong(Chaos::metricOf).min().orElse(Long.MAX_VALUE);
  }

  private static long metricOf(String route) {
    int i = route.indexOf(" metric ");
    if (i < 0) {
      return 0;
    }
    String rest = route.substring(i + " metric ".length()).strip();
    int space = rest.indexOf(' ');
    return Long.parseLong(space < 0 ? rest : rest.substring(0, space));
  }

  /** The DHCP client's lease ends: its (demoted) routes go, so that faults do not pile up. */
  private void removeForeignRoutes() {
    try {
      Shell.run(List.of("ip", "-n", lab.routerNamespace(), "-4", "route", "flush", "exact",
          "0.0.0.0/0", "proto", "dhcp"));
    } catch (IOException e) {
      problems.add("removing the foreign routes failed: " + e.getMessage());
    }
  }

  private void violation(String what) {
    Violation v = new Violation(Instant.now(), what);
    violations.add(v);
    logger.warn("chaos: VIOLATION {}", v);
  }

  // --------------------------------------------------------------------------------- restarts --

  /**
   * Ends every fault, waits (bounded) until the main route is on the primary and still, kills the
   * daemon with SIGKILL, starts another, and watches the main route.
   */
  private void restart() throws IOException, InterruptedException {
    for (Integer isp : List.copyOf(active.keySet())) {
      endFault(isp);
    }
    String primary = providers.get(0).interfaceName();
    Instant quietUntil = Instant.now().plus(settings.quietWait());
    boolean onPrimary = false;
    while (Instant.now().isBefore(quietUntil)) {
      Optional<Route> main = watch.main();
      Instant now = Instant.now();
      evaluate(now);
      if (main.isPresent() && main.get().dev().equals(primary)
          && watch.changesSince(now.minus(QUIET)).isEmpty()) {
        onPrimary = true;
        break;
      }
      Thread.sleep(TICK.toMillis());
    }
    watch.sync();
    String before = watch.main().map(Route::dev).orElse("none");
    DaemonProcess old = checkNotNull(daemon, "daemon");
    Instant killed = Instant.now();
    boolean gone = old.kill(Duration.ofSeconds(10));
    if (!gone) {
      problems.add(killed + ": the daemon (pid " + old.pid() + ") outlived SIGKILL for 10 s");
    }
    logger.info("chaos: daemon pid {} killed (SIGKILL), main on {}{}; starting another",
        old.pid(), before, onPrimary ? "" : " (not back on the primary)");
    FileTime statusBefore = statusTime();
    startDaemon();
    Optional<Duration> statusAfter = Optional.empty();
    Instant statusLimit = killed.plus(STATUS_WAIT);
    while (Instant.now().isBefore(statusLimit)) {
      FileTime now = statusTime();
      if (now.compareTo(statusBefore) > 0 && now.toInstant().isAfter(killed)) {
        statusAfter = Optional.of(Duration.between(killed, now.toInstant()));
        break;
      }
      checkDaemonAlive();
      Thread.sleep(TICK.toMillis());
    }
    Thread.sleep(RESTART_OBSERVE.toMillis());
    watch.sync();
    List<String> switches = new ArrayList<>();
    String current = before;
    for (MainChange change : watch.changesSince(killed)) {
      String dev = change.dev().orElse("none");
      if (!dev.equals(current)) {
        switches.add(current + "->" + dev + " after "
            + Stats.seconds(Duration.between(killed, change.at())));
        current = dev;
      }
    }
    Restart restart = new Restart(killed, before, onPrimary, List.copyOf(switches), statusAfter);
    restarts.add(restart);
    if (statusAfter.isEmpty()) {
      violation("the restarted daemon wrote no status within " + STATUS_WAIT.toSeconds() + " s");
    }
    if (onPrimary && !switches.isEmpty()) {
      violation("the restarted daemon switched: " + switches);
    }
    logger.info("chaos: restart: status after {}, switches {}",
        statusAfter.map(Stats::seconds).orElse("none"), switches);
  }

  private FileTime statusTime() {
    try {
      return Files.getLastModifiedTime(statusFile);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }

  private void startDaemon() throws IOException {
    daemon = starter.start();
    incarnation++;
  }

  private void checkDaemonAlive() throws IOException {
    DaemonProcess d = daemon;
    if (d != null && !d.alive()) {
      violation("the daemon (pid " + d.pid() + ") exited by itself; log tail:\n" + d.logTail(20));
      startDaemon();
    }
  }

  private void sample() {
    DaemonProcess d = daemon;
    if (d == null || !d.alive()) {
      return;
    }
    try {
      samples.add(new Sample(Instant.now(), incarnation, d.threads(), d.rssKb()));
    } catch (IOException e) {
      logger.debug("cannot sample pid {}", d.pid(), e);
    }
  }

  // ---------------------------------------------------------------------------------- helpers --

  private Duration gap() {
    return between(settings.eventGapMin(), settings.eventGapMax());
  }

  private Duration between(Duration min, Duration max) {
    long span = max.toMillis() - min.toMillis();
    return min.plusMillis(span <= 0 ? 0 : random.nextLong(span + 1));
  }

  private static String lanTarget() {
    return NamespaceLab.TARGETS.get(NamespaceLab.TARGETS.size() - 1).getHostAddress();
  }

  /** Per kind, the faults of {@code faults}, in the order of {@link Kind}. */
  static Map<Kind, List<Fault>> byKind(List<Fault> faults) {
    Map<Kind, List<Fault>> map = new EnumMap<>(Kind.class);
    for (Fault f : faults) {
      map.computeIfAbsent(f.kind(), k -> new ArrayList<>()).add(f);
    }
    return map;
  }
}
