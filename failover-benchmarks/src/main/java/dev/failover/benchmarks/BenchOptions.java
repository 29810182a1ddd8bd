package dev.failover.benchmarks;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The command-line options of {@link FailoverBenchmark}; every instance is valid.
 *
 * @param phases what to measure
 * @param reps repetitions of each failover measurement (blackhole, each link-down side)
 * @param failbackReps how many of the blackhole repetitions also wait for the failback
 * @param lossDuration how long each random-loss window lasts
 * @param idleDuration how long the idle CPU and memory window lasts
 * @param lossWarmup how long a fresh daemon runs healthy before a loss window (the 5 % window
 *     follows the 3-provider idle window instead when both run)
 * @param settle how long a fresh daemon runs healthy before a fault, plus a random jitter of up to
 *     {@link #JITTER} so that faults fall at different points of the probe cadence
 * @param failoverWait the longest wait for a failover
 * @param failbackWait the longest wait for a failback
 * @param failbackObserve how long to keep watching after a failback for further switches
 * @param targets how many TEST-NET targets the config's test cases use, 1 to 3
 * @param jar the daemon jar
 * @param java the java launcher
 * @param settings extra top-level config lines {@code key = value} (TOML), for experiments
 * @param extraJvmFlags JVM flags appended to the systemd unit's (a later flag wins), for
 *     experiments
 * @param out a file to write the markdown report to, if any
 * @param seed the seed of the jitter
 */
record BenchOptions(
    Set<Phase> phases,
    int reps,
    int failbackReps,
    Duration lossDuration,
    Duration idleDuration,
    Duration lossWarmup,
    Duration settle,
    Duration failoverWait,
    Duration failbackWait,
    Duration failbackObserve,
    int targets,
    Path jar,
    Path java,
    List<String> settings,
    List<String> extraJvmFlags,
    Optional<Path> out,
    long seed) {

  /** The largest random delay added to {@code settle}. */
  static final Duration JITTER = Duration.ofMillis(2000);

  /** What can be measured; {@code --only} takes these names in lower case with dashes. */
  enum Phase {
    BLACKHOLE,
    FAILBACK,
    LINKDOWN_ROUTER,
    LINKDOWN_FAR,
    LOSS5,
    LOSS5_UP,
    LOSS5_DOWN,
    LOSS20,
    LOSS20_UP,
    LOSS_BURSTY,
    RTT_UP,
    RESOURCES3,
    RESOURCES16,
    MISSING,
    PROCESSES,
    BIG_TABLE,
    BLACKHOLE_V6,
    LINKDOWN_ROUTER_V6,
    LINKDOWN_FAR_V6,
    RESOURCES3_V6,
    RESOURCES16_V6;

    String optionName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  static final String USAGE =
      String.join(
          "\n",
          "Usage: java -cp failover-benchmarks/target/benchmarks.jar"
              + " dev.failover.benchmarks.FailoverBenchmark [OPTIONS]",
          "",
          "Runs the real daemon (failover.jar run) with its default settings in a namespace lab and",
          "measures failover end to end. Needs root, ip, nft and ping. Prints a markdown table.",
          "",
          "  --only LIST          comma-separated: blackhole, failback, linkdown (= linkdown-router,",
          "                       linkdown-far), loss (= loss5, loss5-up, loss5-down, loss20,",
          "                       loss20-up, loss-bursty: random loss both ways or one way, and",
          "                       bursts), rtt-up (ISP 1's round-trip time up 300 ms while it",
          "                       answers), resources (= resources3,",
          "                       resources16), missing (ISP 3's interface deleted: the daemon's",
          "                       CPU while it cannot apply), processes (programs the daemon",
          "                       starts in steady state and per switch, seen by strace), big-table",
          "                       (start-up and a switch with 100,000 routes in another table),",
          "                       ipv6 (= blackhole-v6, linkdown-router-v6, linkdown-far-v6,",
          "                       resources3-v6, resources16-v6: a dual-stack lab, both families",
          "                       measured side by side, the 16-provider one dual-stack too);",
          "                       default: all",
          "  --reps N             repetitions of each failover measurement (default 5)",
          "  --failback-reps N    blackhole repetitions that also measure the failback (default 1)",
          "  --loss-seconds S     length of each loss or round-trip-time window (default 60)",
          "  --idle-seconds S     length of the idle CPU/RSS window (default 60)",
          "  --loss-warmup S      healthy time before a loss window (default 30)",
          "  --settle S           healthy time before a fault, plus up to 2 s jitter (default 5)",
          "  --failover-wait S    longest wait for a failover (default 60)",
          "  --failback-wait S    longest wait for a failback (default 300)",
          "  --failback-observe S time to watch for further switches after failback (default 20)",
          "  --targets N          ping targets in the config, 1 to 3 (default 2)",
          "  --jar PATH           daemon jar (default failover-launcher/target/failover.jar)",
          "  --java PATH          java launcher for the daemon (default: this JVM's)",
          "  --set KEY=VALUE      extra top-level config line (TOML value), repeatable",
          "  --jvm-flag FLAG      JVM flag appended to the systemd unit's, repeatable",
          "  --out FILE           also write the markdown report to FILE",
          "  --seed N             seed of the jitter (default 1)",
          "  --help               this text");

  BenchOptions {
    phases = Set.copyOf(checkNotNull(phases, "phases"));
    checkArgument(!phases.isEmpty(), "--only must name at least one phase");
    checkArgument(reps >= 1 && reps <= 100, "--reps must be 1 to 100, was %s", reps);
    checkArgument(
        failbackReps >= 0 && failbackReps <= reps,
        "--failback-reps must be 0 to --reps (%s), was %s", reps, failbackReps);
    for (Duration d :
        List.of(lossDuration, idleDuration, failoverWait, failbackWait, failbackObserve)) {
      checkArgument(
          d.compareTo(Duration.ofSeconds(1)) >= 0 && d.compareTo(Duration.ofHours(1)) <= 0,
          "durations must be 1 s to 1 h, was %s", d);
    }
    checkArgument(!lossWarmup.isNegative() && !settle.isNegative(), "waits must be >= 0");
    checkArgument(targets >= 1 && targets <= 3, "--targets must be 1 to 3, was %s", targets);
    checkNotNull(jar, "jar");
    checkNotNull(java, "java");
    settings = List.copyOf(settings);
    for (String line : settings) {
      checkArgument(
          line.matches("[a-z_]+ = .+"), "--set must be KEY=VALUE with a lower-case key, was '%s'",
          line);
    }
    extraJvmFlags = List.copyOf(extraJvmFlags);
    for (String flag : extraJvmFlags) {
      checkArgument(flag.startsWith("-"), "--jvm-flag must start with '-', was '%s'", flag);
    }
    checkNotNull(out, "out");
  }

  /**
   * Parses {@code args}.
   *
   * @return the options, or empty if {@code --help} was given
   * @throws IllegalArgumentException for an unknown or malformed option
   */
  static Optional<BenchOptions> parse(String[] args) {
    Set<Phase> phases = EnumSet.allOf(Phase.class);
    int reps = 5;
    int failbackReps = 1;
    Duration loss = Duration.ofSeconds(60);
    Duration idle = Duration.ofSeconds(60);
    Duration warmup = Duration.ofSeconds(30);
    Duration settle = Duration.ofSeconds(5);
    Duration failoverWait = Duration.ofSeconds(60);
    Duration failbackWait = Duration.ofSeconds(300);
    Duration observe = Duration.ofSeconds(20);
    int targets = 2;
    @Nullable Path jar = null;
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> settings = new ArrayList<>();
    List<String> jvmFlags = new ArrayList<>();
    @Nullable Path out = null;
    long seed = 1;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        return Optional.empty();
      }
      checkArgument(i + 1 < args.length, "%s needs a value", arg);
      String value = args[++i];
      switch (arg) {
        case "--only" -> phases = phases(value);
        case "--reps" -> reps = integer(arg, value);
        case "--failback-reps" -> failbackReps = integer(arg, value);
        case "--loss-seconds" -> loss = seconds(arg, value);
        case "--idle-seconds" -> idle = seconds(arg, value);
        case "--loss-warmup" -> warmup = seconds(arg, value);
        case "--settle" -> settle = seconds(arg, value);
        case "--failover-wait" -> failoverWait = seconds(arg, value);
        case "--failback-wait" -> failbackWait = seconds(arg, value);
        case "--failback-observe" -> observe = seconds(arg, value);
        case "--targets" -> targets = integer(arg, value);
        case "--jar" -> jar = Path.of(value);
        case "--java" -> java = Path.of(value);
        case "--set" -> {
          int eq = value.indexOf('=');
          checkArgument(eq > 0, "--set must be KEY=VALUE, was '%s'", value);
          settings.add(value.substring(0, eq).strip() + " = " + value.substring(eq + 1).strip());
        }
        case "--jvm-flag" -> jvmFlags.add(value);
        case "--out" -> out = Path.of(value);
        case "--seed" -> seed = integer(arg, value);
        default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
      }
    }
    // The failback is measured after a blackhole failover, in the first --failback-reps of them.
    failbackReps = phases.contains(Phase.FAILBACK) ? Math.max(1, failbackReps) : 0;
    if (!phases.contains(Phase.BLACKHOLE) && phases.contains(Phase.FAILBACK)) {
      reps = Math.min(failbackReps, 100);
    }
    return Optional.of(
        new BenchOptions(
            phases, reps, failbackReps, loss, idle, warmup, settle, failoverWait,
            failbackWait, observe, targets, jar == null ? defaultJar() : jar, java, settings,
            jvmFlags, Optional.ofNullable(out), seed));
  }

  /** Whether any of {@code wanted} is to be measured. */
  boolean any(Phase... wanted) {
    for (Phase phase : wanted) {
      if (phases.contains(phase)) {
        return true;
      }
    }
    return false;
  }

  private static Path defaultJar() {
    Path relative = Path.of("failover-launcher", "target", "failover.jar");
    for (Path base : List.of(Path.of("."), Path.of(".."))) {
      Path candidate = base.resolve(relative).normalize();
      if (Files.isRegularFile(candidate)) {
        return candidate.toAbsolutePath();
      }
    }
    return relative.toAbsolutePath();
  }

  private static Set<Phase> phases(String list) {
    Set<Phase> phases = EnumSet.noneOf(Phase.class);
    for (String name : list.split(",")) {
      switch (name.strip()) {
        case "linkdown" -> phases.addAll(List.of(Phase.LINKDOWN_ROUTER, Phase.LINKDOWN_FAR));
        case "loss" ->
            phases.addAll(
                List.of(
                    Phase.LOSS5, Phase.LOSS5_UP, Phase.LOSS5_DOWN, Phase.LOSS20, Phase.LOSS20_UP,
                    Phase.LOSS_BURSTY));
        case "resources" -> phases.addAll(List.of(Phase.RESOURCES3, Phase.RESOURCES16));
        case "ipv6" ->
            phases.addAll(
                List.of(
                    Phase.BLACKHOLE_V6, Phase.LINKDOWN_ROUTER_V6, Phase.LINKDOWN_FAR_V6,
                    Phase.RESOURCES3_V6, Phase.RESOURCES16_V6));
        default -> {
          Phase phase = null;
          for (Phase candidate : Phase.values()) {
            if (candidate.optionName().equals(name.strip())) {
              phase = candidate;
            }
          }
          checkArgument(phase != null, "--only: unknown phase '%s'", name.strip());
          phases.add(phase);
        }
      }
    }
    return phases;
  }

  private static int integer(String option, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be an integer, was '" + value + "'", e);
    }
  }

  private static Duration seconds(String option, String value) {
    try {
      return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a number of seconds, was '" + value
          + "'", e);
    }
  }
}
