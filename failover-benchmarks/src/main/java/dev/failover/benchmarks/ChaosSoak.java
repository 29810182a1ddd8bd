package dev.failover.benchmarks;

import dev.failover.benchmarks.Chaos.Fault;
import dev.failover.benchmarks.Chaos.Kind;
import dev.failover.benchmarks.Chaos.Restart;
import dev.failover.benchmarks.Chaos.Sample;
import dev.failover.lab.NamespaceLab;
import dev.failover.lab.RouteWatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chaos soak: the real daemon jar, started as the systemd unit starts it, on a 3-uplink lab
 * with a LAN client, under {@link Chaos}'s seeded schedule of faults for 30 minutes (by default),
 * then a markdown report of the invariants on stdout. A benchmark-style program, not a test:
 * {@code ChaosSoakIT} runs a short version in {@code mvn verify}.
 *
 * <p>Usage: {@code java -cp failover-benchmarks/target/benchmarks.jar
 * dev.failover.benchmarks.ChaosSoak [--minutes N] [--seed N] [--jar PATH] [--out FILE]}. Exits 0
 * when every invariant held, 1 when one broke or the run failed, 2 for bad arguments or a missing
 * prerequisite. Everything it makes is removed in a {@code finally} block and by the lab's
 * shutdown hook. Needs root. See docs/benchmarks.md, "Chaos soak".
 */
public final class ChaosSoak {
  private static final Logger logger = LoggerFactory.getLogger(ChaosSoak.class);

  /** Growth allowed between the first and the last third of a daemon's life. */
  static final int THREAD_SLACK = 2;

  static final double RSS_FACTOR = 1.10;
  static final long RSS_SLACK_KB = 2048;

  /** Samples of a daemon's first minute are start-up, not steady state. */
  static final Duration WARM_UP = Duration.ofSeconds(60);

  private ChaosSoak() {}

  /** Runs the soak; see the class comment. */
  public static void main(String[] args) throws InterruptedException {
    long minutes = 30;
    long seed = 1;
    Path jarArg = Path.of("failover-launcher", "target", "failover.jar");
    @Nullable Path out = null;
    try {
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : "";
        switch (args[i]) {
          case "--minutes" -> minutes = Long.parseLong(value);
          case "--seed" -> seed = Long.parseLong(value);
          case "--jar" -> jarArg = Path.of(value);
          case "--out" -> out = Path.of(value);
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
        i++;
      }
      if (minutes < 1 || minutes > 24 * 60) {
        throw new IllegalArgumentException("--minutes must be 1 to 1440, was " + minutes);
      }
    } catch (IllegalArgumentException e) {
      System.err.println("chaos soak: " + e.getMessage() + "\nusage: ChaosSoak [--minutes N]"
          + " [--seed N] [--jar failover.jar] [--out FILE]");
      System.exit(2);
      return;
    }
    Optional<String> unavailable = NamespaceLab.unavailableReason();
    if (unavailable.isPresent() || !Files.isRegularFile(jarArg)
        || NamespaceLab.findOnPath("ping").isEmpty()) {
      System.err.println("chaos soak: " + unavailable.orElse(
          "needs the daemon jar (" + jarArg + ") and ping on the PATH"));
      System.exit(2);
      return;
    }
    int code = 1;
    try {
      Path workDir = Files.createTempDirectory("failover-chaos-");
      Path jar = workDir.resolve("failover.jar");
      Files.copy(jarArg, jar);
      Chaos.Settings settings = Chaos.Settings.soak(Duration.ofMinutes(minutes), seed);
      Instant began = Instant.now();
      Chaos.Result result = run(workDir, jar, settings, List.of());
      String text = render(result, settings, args, began);
      System.out.println(text);
      if (out != null) {
        Files.writeString(out, text, StandardCharsets.UTF_8);
      }
      code = verdicts(result).isEmpty() ? 0 : 1;
    } catch (IOException | RuntimeException e) {
      logger.error("the chaos soak failed", e);
    }
    System.exit(code);
  }

  /**
   * Builds a 3-uplink lab with a LAN client, runs {@link Chaos} on it with the daemon jar {@code
   * jar} and the unit's JVM flags, and removes the lab.
   *
   * @param extraSettings config lines added to the defaults (the short test's quick settings)
   */
  static Chaos.Result run(Path workDir, Path jar, Chaos.Settings settings,
      List<String> extraSettings) throws IOException, InterruptedException {
    List<String> flags = DaemonProcess.unitJvmFlags(jar);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    try (NamespaceLab lab = NamespaceLab.builder("chaos").isps(3).lanClient(true).build();
        RouteWatch watch = RouteWatch.start(lab.routerNamespace())) {
      Path status = workDir.resolve("status.json");
      List<String> lines = new ArrayList<>();
      lines.add("reassert_interval = " + settings.reassertInterval().toSeconds());
      lines.addAll(extraSettings);
      String toml = DaemonConfig.toml("ChaosSoak", lab.providers(),
          NamespaceLab.TARGETS.subList(0, 2), status, workDir.resolve("hooks.d"), lines);
      Path config = workDir.resolve("failover.toml");
      Files.writeString(config, toml, StandardCharsets.UTF_8);
      Path log = workDir.resolve("daemon.log");
      logger.info("chaos: lab {}, work folder {}, seed {}", lab.name(), workDir, settings.seed());
      Chaos chaos = new Chaos(lab, watch, status,
          () -> DaemonProcess.start(lab.routerNamespace(), java, flags, jar, config, log),
          settings);
      try {
        return chaos.run();
      } finally {
        chaos.daemon().ifPresent(d -> d.stop(Duration.ofSeconds(10)));
      }
    }
  }

  /** Every broken invariant of {@code result}, as one line each; empty when all held. */
  static List<String> verdicts(Chaos.Result result) {
    List<String> broken = new ArrayList<>();
    result.violations().forEach(v -> broken.add(v.toString()));
    result.gaps().forEach(g -> broken.add("no default route from " + g.start() + " to "
        + g.end() + ": " + g.cause()));
    broken.addAll(growth(result.samples()).problems);
    return broken;
  }

  /** Thread and RSS growth per daemon life. */
  record Growth(List<String> lines, List<String> problems) {}

  static Growth growth(List<Sample> samples) {
    Map<Integer, List<Sample>> lives = new TreeMap<>();
    for (Sample s : samples) {
      lives.computeIfAbsent(s.incarnation(), k -> new ArrayList<>()).add(s);
    }
    List<String> lines = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (Map.Entry<Integer, List<Sample>> life : lives.entrySet()) {
      List<Sample> all = life.getValue();
      Instant from = all.get(0).at().plus(WARM_UP);
      List<Sample> steady = all.stream().filter(s -> !s.at().isBefore(from)).toList();
      if (steady.size() < 6) {
        continue; // under a minute of steady state: nothing to compare
      }
      int third = steady.size() / 3;
      List<Sample> first = steady.subList(0, third);
      List<Sample> last = steady.subList(steady.size() - third, steady.size());
      long firstThreads = first.stream().mapToLong(Sample::threads).max().orElseThrow();
      long lastThreads = last.stream().mapToLong(Sample::threads).max().orElseThrow();
      long firstRss = medianRss(first);
      long lastRss = medianRss(last);
      long minutes = Duration.between(steady.get(0).at(), steady.get(steady.size() - 1).at())
          .toMinutes();
      String line = String.format(Locale.ROOT,
          "daemon %d (%d min of steady state, %d samples): threads %d -> %d (max of the first"
              + " and last third), RSS %.1f -> %.1f MB (median)", life.getKey(), minutes,
          steady.size(), firstThreads, lastThreads, firstRss / 1024.0, lastRss / 1024.0);
      lines.add(line);
      if (lastThreads > firstThreads + THREAD_SLACK) {
        problems.add("threads grew: " + line);
      }
      if (lastRss > firstRss * RSS_FACTOR + RSS_SLACK_KB) {
        problems.add("RSS grew: " + line);
      }
    }
    return new Growth(lines, problems);
  }

  private static long medianRss(List<Sample> samples) {
    List<Long> sorted = samples.stream().map(Sample::rssKb).sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  static String render(Chaos.Result result, Chaos.Settings settings, String[] args,
      Instant began) {
    Report report = new Report();
    report.add("instants without a default route", "0", Integer.toString(result.gaps().size()),
        result.gaps().isEmpty() ? Report.Verdict.MET : Report.Verdict.MISSED,
        result.gaps().isEmpty() ? "RouteWatch (ip -ts monitor) over the whole run, restarts"
            + " included; at least one uplink usable at every instant" : result.gaps().toString());
    Map<Kind, List<Fault>> byKind = Chaos.byKind(result.faults());
    for (Kind kind : Kind.values()) {
      List<Fault> faults = byKind.getOrDefault(kind, List.of());
      if (kind == Kind.KILL_RESTART) {
        continue;
      }
      String target;
      String metric;
      if (kind.breaks) {
        metric = "main route on a usable uplink after " + label(kind);
        target = "<= " + Stats.seconds(settings.bound(kind));
      } else if (kind == Kind.LOSS) {
        metric = label(kind);
        target = "-";
      } else {
        metric = label(kind) + " repaired";
        target = "<= " + settings.repairBound().toSeconds() + " s (reassert_interval "
            + settings.reassertInterval().toSeconds() + " s + "
            + settings.repairSlack().toSeconds() + " s)";
      }
      List<Duration> times = faults.stream()
          .filter(f -> kind.breaks ? f.mainWasHit() : kind != Kind.LOSS)
          .map(Fault::recovery).flatMap(Optional::stream).toList();
      long missed = result.violations().stream()
          .filter(v -> v.what().contains(kind.name())).count();
      String value = kind == Kind.LOSS ? faults.size() + " faults"
          : times.isEmpty() ? faults.size() + " faults, none timed"
          : "median " + Stats.seconds(Stats.median(times)) + ", max "
              + Stats.seconds(Stats.max(times));
      Report.Verdict verdict = kind == Kind.LOSS ? Report.Verdict.INFO
          : faults.isEmpty() ? Report.Verdict.NOT_MEASURED
          : missed == 0 ? Report.Verdict.MET : Report.Verdict.MISSED;
      String detail = "N=" + faults.size()
          + (kind.breaks ? ", " + faults.stream().filter(Fault::mainWasHit).count()
              + " on the main uplink (" + times.size() + " timed, late ones included), the"
              + " others hit a backup" : "")
          + "; on isp " + faults.stream().map(f -> Integer.toString(f.isp())).toList()
          + (missed > 0 ? "; " + missed + " violations" : "");
      report.add(metric, target, value, verdict, detail);
    }
    List<Restart> restarts = result.restarts();
    long clean = restarts.stream().filter(Restart::clean).count();
    long fromPrimary = restarts.stream().filter(Restart::fromPrimary).count();
    boolean restartsMet = restarts.stream().allMatch(r -> !r.fromPrimary() || r.clean())
        && restarts.stream().allMatch(r -> r.statusAfter().isPresent());
    report.add("daemon killed (SIGKILL) and restarted", "no switch; status written again",
        restarts.size() + " restarts, " + clean + " without a switch",
        restarts.isEmpty() ? Report.Verdict.NOT_MEASURED
            : restartsMet ? Report.Verdict.MET : Report.Verdict.MISSED,
        fromPrimary + " with the main route on the primary at the kill; status again after "
            + Stats.list(restarts.stream().map(Restart::statusAfter).flatMap(Optional::stream)
                .toList()) + " s; switches " + restarts.stream().map(Restart::switches).toList());
    Growth growth = growth(result.samples());
    report.add("daemon threads and RSS over each life", "no growth (threads +"
        + THREAD_SLACK + ", RSS +10 % + 2 MB at most)",
        growth.problems().isEmpty() ? "no growth" : growth.problems().size() + " grew",
        growth.lines().isEmpty() ? Report.Verdict.NOT_MEASURED
            : growth.problems().isEmpty() ? Report.Verdict.MET : Report.Verdict.MISSED,
        String.join("; ", growth.lines()) + peak(result.samples()));
    result.lan().ifPresent(lan -> report.add("LAN client pinging through the run", "-",
        String.format(Locale.ROOT, "%.2f %% lost", lan.sent() == 0 ? 0.0
            : 100.0 * lan.lost() / lan.sent()), Report.Verdict.INFO,
        lan + "; every 10 ms to " + NamespaceLab.TARGETS.get(2).getHostAddress()
            + "; includes the blackholed and dead uplinks' detection time"));
    report.add("violations", "none", Integer.toString(result.violations().size()),
        result.violations().isEmpty() ? Report.Verdict.MET : Report.Verdict.MISSED,
        result.violations().isEmpty() ? "-" : result.violations().toString());
    StringBuilder out = new StringBuilder();
    out.append("### Chaos soak: results of ").append(began.truncatedTo(ChronoUnit.SECONDS))
        .append("\n\n");
    out.append("- command: `java -cp failover-benchmarks/target/benchmarks.jar"
            + " dev.failover.benchmarks.ChaosSoak")
        .append(args.length == 0 ? "" : " " + String.join(" ", args)).append("`\n");
    out.append("- seed ").append(settings.seed()).append(", ")
        .append(settings.duration().toMinutes()).append(" min of faults (")
        .append(Duration.between(result.start(), result.end()).toSeconds())
        .append(" s with the final checks), ").append(result.faults().size())
        .append(" faults, ").append(restarts.size()).append(" restarts; machine ")
        .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
        .append(System.getProperty("java.runtime.version")).append('\n');
    if (!result.problems().isEmpty()) {
      out.append("- harness problems: ").append(result.problems()).append('\n');
    }
    out.append('\n').append(report.markdown());
    return out.toString();
  }

  private static String peak(List<Sample> samples) {
    Optional<Sample> threads = samples.stream().max(Comparator.comparingLong(Sample::threads));
    Optional<Sample> rss = samples.stream().max(Comparator.comparingLong(Sample::rssKb));
    if (threads.isEmpty() || rss.isEmpty()) {
      return "";
    }
    return String.format(Locale.ROOT, "; %d samples in all, at most %d threads and %.1f MB RSS",
        samples.size(), threads.get().threads(), rss.get().rssKb() / 1024.0);
  }

  private static String label(Kind kind) {
    return switch (kind) {
      case BLACKHOLE -> "blackhole";
      case LOSS -> "5-15 % loss";
      case CARRIER_LOSS -> "carrier loss";
      case LINK_DOWN -> "interface down";
      case DELETED -> "interface deleted (re-created later)";
      case FOREIGN_ROUTE -> "foreign default route (proto dhcp, metric 0)";
      case RULE_DELETED -> "daemon's rule deleted by hand";
      case KILL_RESTART -> "daemon killed and restarted";
    };
  }
}
