package dev.failover.launcher.demo;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.Provider;
import dev.failover.api.ProviderState;
import dev.failover.core.DampedPolicySettings;
import dev.failover.core.EngineStatus;
import dev.failover.lab.DhcpClient;
import dev.failover.lab.DhcpServer;
import dev.failover.lab.LanClient;
import dev.failover.lab.LanFlows;
import dev.failover.lab.NamespaceLab;
import dev.failover.lab.RouteWatch;
import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.InvalidConfigException;
import dev.failover.launcher.install.SystemdUnit;
import dev.failover.launcher.status.StatusDocument;
import dev.failover.launcher.status.StatusFile;
import dev.failover.linux.CommandResult;
import dev.failover.linux.NetlinkRouteBackendSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The live demo: the real daemon ({@code java -jar failover.jar run}, with the systemd unit's JVM
 * flags and the shipped defaults) on the router of a namespace lab with three ISPs whose modems
 * share one address, a LAN client pinging the lab's internet every 10 ms, and two faults
 * and their repairs, each measured.
 *
 * <p>The schedule: ISP 1's internet goes dark (blackhole: the daemon's probes notice), then ISP 2's
 * modem is switched off while it carries the traffic (carrier loss: the link monitor notices), then
 * ISP 2 and ISP 1 are repaired in turn and the daemon fails back to each after its recovery test
 * has found its loss acceptable and the failback dwell has passed. Each step prints when the fault
 * or repair was made, when the main route moved (the {@code ip monitor} time stamp), and what the
 * LAN client lost; waits print the policy's progress at most once a second, only when it changes;
 * the daemon's log is interleaved in time order. It ends with a {@link DemoSummary}.
 *
 * <p>After the second fault a long-lived TCP connection (think of a video call: a byte every 100
 * ms each way, {@link LanFlows}) opens from the LAN client to the lab's internet; it leaves through
 * ISP 3, the only uplink left. Flow pinning keeps it there through both failbacks, so at the end
 * the demo shows it alive, still on ISP 3, and its longest silence.
 *
 * <p>{@link Pace#DEFAULT} takes about 80 s, almost all of it the two failbacks (the recovery
 * test, about 5 s, then {@code failback_dwell} 30 s). {@link
 * Pace#FAST} checks every 0.2 s and dwells 5 s, for about 45 s.
 *
 * <p>Everything it creates (namespaces, the daemon, ping, {@code ip monitor}, a scratch folder) is
 * removed at the end, also on failure or Ctrl-C (a shutdown hook). Needs root, {@code ip}, {@code
 * nft} and {@code ping}. Not thread-safe; one demo per process.
 */
public final class Demo {
  /** The prefix of the lab's namespaces. */
  static final String LAB_PREFIX = "fd";

  /** How often the LAN client pings: every 10 ms, so that a 50 ms outage shows. */
  private static final Duration LAN_INTERVAL = Duration.ofMillis(10);
  /** The port of the long-lived connection's server in the lab's internet. */
  private static final int CALL_PORT = 5001;

  private static final Duration READY_LIMIT = Duration.ofSeconds(60);
  private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(30);
  /** How long after the main route moved the LAN client's count still runs (echoes in flight). */
  private static final Duration AFTER_MOVE = Duration.ofSeconds(1);
  /** How long the router stays failed over before the next step. */
  private static final Duration HOLD = Duration.ofSeconds(2);
  private static final Duration POLL = Duration.ofMillis(250);
  /** Progress lines come at most this often, and only when they change. */
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
  /** Countdowns are shown in steps of this many seconds, so that they do not print every second. */
  private static final int COUNTDOWN_STEP_SECONDS = 5;
  private static final Duration STOP_LIMIT = Duration.ofSeconds(10);
  private static final Pattern ELIGIBLE_AFTER =
      Pattern.compile("eligible after (?:the failback dwell of )?([0-9.]+) s");

  /** How fast the demo goes. */
  public enum Pace {
    /** The shipped settings: about two minutes. */
    DEFAULT("default", Map.of(), Duration.ofSeconds(150)),
    /**
     * A check every 0.2 s ({@code check_interval}) and a 5 s {@code failback_dwell}: about 45 s,
     * for a quick look and for the tests.
     */
    FAST(
        "fast",
        orderedMap("check_interval", "0.2", "failback_dwell", "5"),
        Duration.ofSeconds(90));

    private final String label;
    private final Map<String, String> settings;
    private final Duration failbackLimit;

    Pace(String label, Map<String, String> settings, Duration failbackLimit) {
      this.label = label;
      this.settings = settings;
      this.failbackLimit = failbackLimit;
    }

    /** Its name in the summary. */
    public String label() {
      return label;
    }
  }

  private final PrintWriter out;
  private final Path jar;
  private final Path java;
  private final Pace pace;

  // Set while running; read by the clean-up, which may run on the shutdown hook's thread.
  private volatile @Nullable NamespaceLab lab;
  private volatile @Nullable Process daemon;
  private volatile @Nullable DhcpServer dhcpServer;
  private volatile @Nullable DhcpClient dhcpClient;
  private volatile @Nullable RouteWatch watch;
  private volatile @Nullable LanClient lan;
  private volatile @Nullable LanFlows calls;
  private volatile @Nullable Path folder;

  /**
   * A demo that runs {@code jar} with {@code java} and prints its transcript to {@code out}.
   *
   * @param java the java launcher for the daemon, normally the one running this process
   */
  public Demo(PrintWriter out, Path jar, Path java, Pace pace) {
    this.out = checkNotNull(out, "out");
    this.jar = checkNotNull(jar, "jar");
    this.java = checkNotNull(java, "java");
    this.pace = checkNotNull(pace, "pace");
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
   * Runs the demo and prints its transcript and summary.
   *
   * @return what it measured; {@link DemoSummary#ok()} says whether everything went as expected
   * @throws IOException if the lab cannot be built, or the daemon cannot start or dies
   */
  public DemoSummary run() throws IOException, InterruptedException {
    Transcript t = new Transcript(out, System::nanoTime);
    intro(t);
    Thread hook = new Thread(this::cleanUp, "failover-demo-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return runSteps(t);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is shutting down: the hook runs anyway.
      }
      cleanUp();
      t.say("removed the lab's namespaces, the daemon, the LAN client and the scratch folder");
    }
  }

  private void intro(Transcript t) {
    t.plain(
        "failover demo: the real daemon (java -jar failover.jar run, with the systemd unit's JVM"
            + " flags) on a router");
    t.plain(
        "in network namespaces with 3 ISPs whose modems all answer at 192.168.1.1, a TEST-NET"
            + " \"internet\", and a LAN");
    t.plain(
        "client pinging "
            + NamespaceLab.TARGETS.get(0).getHostAddress()
            + " through the router every 10 ms. Two faults, two repairs, each measured.");
    if (pace == Pace.DEFAULT) {
      t.plain("Settings: the shipped defaults. About 80 s; --fast takes about 45 s.");
    } else {
      t.plain(
          "Settings: the defaults but check_interval 0.2 s (not 0.5 s) and failback_dwell 5 s (not"
              + " 30 s). About 45 s.");
    }
    t.plain("Everything it creates is removed at the end, also on Ctrl-C.");
    t.plain("");
  }

  private DemoSummary runSteps(Transcript t) throws IOException, InterruptedException {
    Path scratch = Files.createTempDirectory("failover-demo-");
    folder = scratch;
    t.say(
        "building the lab: a router, 3 ISPs (each modem at 192.168.1.1), an internet, a LAN"
            + " client ...");
    NamespaceLab built =
        NamespaceLab.builder(LAB_PREFIX).isps(3).identicalGateways(true).lanClient(true).build();
    lab = built;
    List<Provider> providers = new ArrayList<>(built.providers());
    boolean dhcp = leaseIsp3ByDhcp(t, built, scratch);
    if (dhcp) {
      // isp3's address, network and gateway are left to be learned from wan3.
      Provider isp3 = providers.get(2);
      providers.set(
          2,
          new Provider(
              isp3.id(),
              isp3.interfaceName(),
              null,
              null,
              null,
              isp3.rtTableName(),
              isp3.rtTableId()));
    }
    Path configFile = scratch.resolve("failover.toml");
    Files.writeString(
        configFile,
        LabConfig.toml(providers, NamespaceLab.TARGETS.subList(0, 2), scratch, pace.settings));
    FailoverConfig config;
    try {
      config = new ConfigLoader().load(configFile);
    } catch (InvalidConfigException e) {
      throw new IOException("the demo's own config is invalid: " + e.getMessage(), e);
    }
    t.say(
        "lab "
            + built.name()
            + " up; the daemon's config: "
            + configFile
            + (dhcp
                ? " (providers isp1, isp2, isp3 in that order, isp3 by DHCP: only its interface and"
                    + " table configured; ping "
                : " (providers isp1, isp2, isp3 in that order, ping ")
            + NamespaceLab.TARGETS.get(0).getHostAddress()
            + " and "
            + NamespaceLab.TARGETS.get(1).getHostAddress()
            + (pace.settings.isEmpty()
                ? "; every other key at its default)"
                : "; "
                    + pace.settings.entrySet().stream()
                        .map(e -> e.getKey() + " = " + e.getValue())
                        .collect(Collectors.joining(", "))
                    + "; every other key at its default)"));
    RouteWatch routes = RouteWatch.start(built.routerNamespace());
    watch = routes;
    LanFlows flows =
        LanFlows.start(built, new InetSocketAddress(NamespaceLab.TARGETS.get(2), CALL_PORT));
    calls = flows;

    List<String> command =
        new ArrayList<>(List.of("ip", "netns", "exec", built.routerNamespace(), java.toString()));
    command.addAll(SystemdUnit.JVM_FLAGS);
    command.addAll(List.of("-jar", jar.toString(), "run", "--config", configFile.toString()));
    t.say("starting the daemon in " + built.routerNamespace() + ": " + String.join(" ", command));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    daemon = process;
    forward(process, t);

    Steps steps = new Steps(t, built, routes, process, config);
    steps.awaitReady();
    routes.armGaps();
    Measured blackhole =
        steps.failover(
            1,
            "blackhole-isp1",
            "ISP 1 blackholed",
            "ISP 1's internet goes dark; its modem still answers",
            "the probes through isp1 fail; after "
                + config.dampedPolicy().downConsecutiveFailures()
                + " failed rounds in a row (about "
                + ForPeople.duration(
                    config
                        .fastCheckInterval()
                        .multipliedBy(config.dampedPolicy().downConsecutiveFailures()))
                + " at the fast cadence) the daemon moves the main route to isp2",
            "nftables in ISP 1's namespace drops everything it forwards from now on",
            () -> built.blackhole(1),
            "isp1",
            "isp2");
    Measured carrier =
        steps.failover(
            2,
            "carrier-loss-isp2",
            "ISP 2 modem off",
            "ISP 2's modem is switched off while it carries the traffic",
            "the router's wan2 loses its carrier; the link monitor tells the daemon at once, which"
                + " moves the main route to isp3 without waiting for a probe",
            "ISP 2's modem interface goes down (the router sees carrier loss on wan2)",
            () -> built.linkDown(2, NamespaceLab.LinkSide.FAR),
            "isp2",
            "isp3");
    LanFlows.Flow call = openCall(t, built, flows);
    DemoSummary.Fault carrierFault =
        steps.failback(
            3,
            carrier,
            "ISP 2's modem is switched back on",
            "ISP 2's modem interface comes back up");
    DemoSummary.Fault blackholeFault =
        steps.failback(
            4,
            blackhole,
            "ISP 1's internet comes back",
            "ISP 1's namespace forwards again (the nftables drop goes)");

    routes.disarmGaps(Instant.now());
    int gaps = routes.gaps().size();
    reportCall(t, built, call);
    t.plain("");
    t.say("stopping the daemon with SIGTERM, as 'systemctl stop failover' does; its routes stay");
    long stopStart = System.nanoTime();
    process.destroy();
    boolean exited = process.waitFor(STOP_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    Optional<Duration> stopTime =
        exited ? Optional.of(Duration.ofNanos(System.nanoTime() - stopStart)) : Optional.empty();
    Optional<Integer> exitCode = exited ? Optional.of(process.exitValue()) : Optional.empty();
    if (exitCode.equals(Optional.of(DemoSummary.SIGTERM_EXIT_CODE))) {
      t.say(
          "the daemon stopped "
              + ForPeople.duration(stopTime.orElseThrow())
              + " after SIGTERM, exit code 143 (128 + 15: ended by SIGTERM, which the unit's"
              + " SuccessExitStatus=143 counts as a clean stop); routes left: "
              + describe(built, KernelRoutes.read(built.routerNamespace())));
    } else if (exited) {
      t.say("UNEXPECTED: the daemon exited with " + exitCode.orElseThrow() + " after SIGTERM");
    } else {
      t.say("UNEXPECTED: the daemon did not stop within " + STOP_LIMIT.toSeconds() + " s");
    }

    DemoSummary summary =
        new DemoSummary(
            pace.label(),
            config.dampedPolicy().failbackDwell(),
            List.of(blackholeFault, carrierFault),
            gaps,
            exitCode,
            stopTime);
    t.plain("");
    t.plain(
        "summary ("
            + (pace == Pace.DEFAULT ? "the shipped defaults" : "--fast")
            + "; times from the command that made the fault or the repair to the main route's move"
            + " in ip monitor):");
    summary.table().forEach(t::plain);
    t.plain(
        summary.ok()
            ? "every step went as expected"
            : "NOT every step went as expected: see the lines marked UNEXPECTED above");
    t.plain("");
    return summary;
  }

  /** Opens the long-lived connection, during the outage of ISP 1 and ISP 2. */
  /**
   * Gives the router's wan3 its address by DHCP, from a real dnsmasq in ISP 3's namespace to a real
   * dhclient on the router, so that the daemon learns isp3's values from the interface (issue 10).
   * The one address leased is the one the lab gave wan3, so that ISP 3's route back to the LAN
   * still holds. Without dnsmasq or dhclient installed, isp3 stays static, and the demo says so.
   *
   * @return whether isp3 has its lease
   */
  private boolean leaseIsp3ByDhcp(Transcript t, NamespaceLab built, Path scratch)
      throws IOException, InterruptedException {
    if (NamespaceLab.findOnPath("dnsmasq").isEmpty()
        || NamespaceLab.findOnPath("dhclient").isEmpty()) {
      t.say(
          "dnsmasq or dhclient is not installed (packages dnsmasq-base, isc-dhcp-client): isp3"
              + " keeps a static address");
      return false;
    }
    NamespaceLab.Isp isp3 = built.isp(3);
    CommandResult flushed =
        built.exec(
            built.routerNamespace(), "ip", "-4", "addr", "flush", "dev", isp3.routerInterface());
    if (!flushed.succeeded()) {
      throw new IOException("cannot clear wan3's address: " + flushed.stderr().strip());
    }
    dhcpServer =
        DhcpServer.start(
            isp3.namespace(),
            "lan",
            isp3.routerAddress(),
            isp3.routerAddress(),
            isp3.network().prefixLength(),
            isp3.modemAddress(),
            scratch.resolve("dhcp"));
    dhcpClient =
        DhcpClient.start(built.routerNamespace(), isp3.routerInterface(), scratch.resolve("dhcp"));
    long deadline = System.nanoTime() + READY_LIMIT.toNanos();
    while (System.nanoTime() < deadline) {
      String shown =
          built.exec(built.routerNamespace(), "ip", "-4", "-o", "addr", "show", "dev", "wan3")
              .stdout();
      if (shown.contains(" " + isp3.routerAddress().getHostAddress() + "/")) {
        t.say(
            "ISP 3's modem leased "
                + isp3.routerAddress().getHostAddress()
                + "/"
                + isp3.network().prefixLength()
                + " with gateway "
                + isp3.modemAddress().getHostAddress()
                + " to the router's wan3 (dnsmasq to dhclient)");
        return true;
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new IOException("wan3 got no DHCP lease within " + READY_LIMIT);
  }

  private static LanFlows.Flow openCall(Transcript t, NamespaceLab lab, LanFlows flows)
      throws IOException, InterruptedException {
    LanFlows.Flow call = flows.open();
    t.plain("");
    t.say(
        "a long-lived connection opens from the LAN client to "
            + NamespaceLab.TARGETS.get(2).getHostAddress()
            + ":"
            + CALL_PORT
            + " (think of a video call: a byte every 100 ms each way); it leaves through "
            + ispOf(call)
            + ". Flow pinning keeps it there while that uplink works, whatever the main route"
            + " does: the two failbacks below must not break it");
    return call;
  }

  /** Says whether the long-lived connection survived both failbacks. */
  private static void reportCall(Transcript t, NamespaceLab lab, LanFlows.Flow call) {
    Instant now = Instant.now();
    Duration silence = call.longestSilence(call.openedAt(), now);
    t.plain("");
    if (call.failedAt().isPresent()) {
      t.say(
          "UNEXPECTED: the long-lived connection broke at "
              + call.failedAt().orElseThrow()
              + " ("
              + call.failure()
              + ")");
    } else {
      t.say(
          "the long-lived connection opened during the outage is still alive after both"
              + " failbacks, still over "
              + ispOf(call)
              + " (no reset; longest silence "
              + silence.toMillis()
              + " ms over "
              + ForPeople.duration(Duration.between(call.openedAt(), now))
              + ")");
    }
  }

  /** Which ISP carries {@code flow}: the server saw it from that ISP's uplink, 10.255.i.2. */
  private static String ispOf(LanFlows.Flow flow) {
    byte[] address = flow.uplinkAddress().getAddress();
    return "ISP " + (address[2] & 0xff) + " (the server sees it from "
        + flow.uplinkAddress().getHostAddress() + ")";
  }

  /** A failover that happened (or not), waiting for its repair. */
  private record Measured(
      String id,
      String label,
      String from,
      String expectedTo,
      Instant madeAt,
      Optional<String> movedTo,
      Optional<Duration> failover,
      LanClient.Count lan) {}

  /** A step's action on the lab. */
  @FunctionalInterface
  private interface LabAction {
    void run() throws IOException;
  }

  /** The steps of one run, over its lab, watchers and daemon. */
  private final class Steps {
    private final Transcript t;
    private final NamespaceLab lab;
    private final RouteWatch routes;
    private final Process process;
    private final FailoverConfig config;
    private final StatusFile status;
    private final Progress progress = new Progress();
    // Started once the daemon is ready (see awaitReady).
    private @Nullable LanClient client;

    Steps(
        Transcript t, NamespaceLab lab, RouteWatch routes, Process process, FailoverConfig config) {
      this.t = t;
      this.lab = lab;
      this.routes = routes;
      this.process = process;
      this.config = config;
      this.status = new StatusFile(config.statusFile());
    }

    /**
     * Waits until isp1 is main and every provider is UP, printing the verdicts as they come; then
     * starts the LAN client. Not before: its ping is one flow, NATed to the uplink of its first
     * echo for good, and before the daemon runs the only default route is the one ISP 3's DHCP
     * client made, so an earlier ping would cross ISP 3 all along and see none of the faults.
     */
    void awaitReady() throws IOException, InterruptedException {
      long deadline = System.nanoTime() + READY_LIMIT.toNanos();
      while (true) {
        checkAlive();
        Optional<EngineStatus> view = readStatus();
        boolean mainOnWan1 =
            routes.main().map(r -> r.dev().equals(lab.isp(1).routerInterface())).orElse(false);
        if (view.isPresent() && mainOnWan1 && allUp(view.get())) {
          t.say(
              "ready: isp1 is main and every provider is UP; routes: "
                  + describe(lab, KernelRoutes.read(lab.routerNamespace())));
          LanClient started =
              LanClient.start(
                  lab.lanNamespace(),
                  NamespaceLab.TARGETS.get(0),
                  LAN_INTERVAL,
                  Duration.ofMinutes(10));
          client = started;
          lan = started;
          Instant from = Instant.now();
          LanClient.Count firstSecond = lanCount(from, from.plusSeconds(1));
          t.say(
              "the LAN client started pinging through isp1 and sent "
                  + firstSecond.sent()
                  + " echoes in its first second (ping sends one every 10 ms, or as often as this"
                  + " machine's timers let it)");
          return;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IOException(
              "the daemon did not make isp1 main with every provider UP within "
                  + READY_LIMIT.toSeconds()
                  + " s; status: "
                  + view.map(Demo::states).orElse("none written"));
        }
        progress.show(
            view.map(v -> "waiting for the first verdicts: " + states(v))
                .orElse("waiting for the daemon's first status"));
        pause(POLL);
      }
    }

    /**
     * Makes a fault and measures the failover: when the main route left {@code from}, where it
     * went, and what the LAN lost meanwhile.
     */
    Measured failover(
        int step,
        String id,
        String label,
        String title,
        String expectation,
        String made,
        LabAction action,
        String from,
        String expectedTo)
        throws IOException, InterruptedException {
      header(step, title, expectation);
      String fromDev = deviceOf(from);
      // Said before it is made, so that the daemon's reaction follows it in the transcript.
      t.say("fault: " + made);
      Instant madeAt = Instant.now();
      action.run();
      Optional<RouteWatch.MainChange> moved =
          awaitMain(
              madeAt,
              c -> c.main() != null && !c.main().dev().equals(fromDev),
              FAILOVER_LIMIT,
              Optional.empty());
      Optional<String> movedTo =
          moved.map(c -> providerOf(lab, checkNotNull(c.main()).dev()));
      Optional<Duration> failover = moved.map(c -> nonNegative(Duration.between(madeAt, c.at())));
      Instant end = moved.map(RouteWatch.MainChange::at).orElse(Instant.now()).plus(AFTER_MOVE);
      if (moved.isPresent()) {
        t.say(
            "main route moved: "
                + from
                + " -> "
                + movedTo.orElseThrow()
                + ", "
                + ForPeople.duration(failover.orElseThrow())
                + " after the fault"
                + (movedTo.orElseThrow().equals(expectedTo)
                    ? ""
                    : " (UNEXPECTED: expected " + expectedTo + ")"));
      } else {
        t.say(
            "UNEXPECTED: the main route did not leave "
                + from
                + " within "
                + FAILOVER_LIMIT.toSeconds()
                + " s; routes: "
                + describe(lab, KernelRoutes.read(lab.routerNamespace())));
      }
      LanClient.Count count = lanCount(madeAt, end);
      t.say(
          "LAN client: "
              + count.lost()
              + " of "
              + count.sent()
              + " echoes lost from the fault to a second after the move; no reply for "
              + ForPeople.duration(count.silence()));
      pause(HOLD);
      t.say("routes now: " + describe(lab, KernelRoutes.read(lab.routerNamespace())));
      return new Measured(id, label, from, expectedTo, madeAt, movedTo, failover, count);
    }

    /** Repairs a fault and measures the failback to the provider it moved away from. */
    DemoSummary.Fault failback(int step, Measured fault, String title, String repaired)
        throws IOException, InterruptedException {
      Duration dwell = config.dampedPolicy().failbackDwell();
      int probes = answeredProbesToRecover();
      int rounds = (probes + config.testCases().size() - 1) / config.testCases().size();
      header(
          step,
          title,
          fault.from()
              + " is main again once the damped policy trusts it: its recovery test must find its"
              + " loss acceptable again (at least "
              + probes
              + " answered probes: "
              + rounds
              + " rounds, about "
              + ForPeople.duration(testCadence().multipliedBy(rounds))
              + " at a round every "
              + ForPeople.duration(testCadence())
              + " while the test runs), then it must stay healthy for failback_dwell ("
              + ForPeople.duration(dwell)
              + ")"
              + (step == 3 ? flapNote() : ""));
      String fromDev = deviceOf(fault.from());
      int isp = lab.isps().stream()
          .filter(i -> i.provider().id().equals(fault.from()))
          .findFirst()
          .orElseThrow()
          .index();
      t.say("repair: " + repaired);
      Instant repairedAt = Instant.now();
      lab.restore(isp);
      Optional<RouteWatch.MainChange> back =
          awaitMain(
              repairedAt,
              c -> c.main() != null && c.main().dev().equals(fromDev),
              pace.failbackLimit,
              Optional.of(new FailbackProgress(fault.from(), repairedAt)));
      Optional<Duration> failback =
          back.map(c -> nonNegative(Duration.between(repairedAt, c.at())));
      Instant end = back.map(RouteWatch.MainChange::at).orElse(Instant.now()).plus(AFTER_MOVE);
      if (back.isPresent()) {
        t.say(
            "main route moved back to "
                + fault.from()
                + ", "
                + ForPeople.duration(failback.orElseThrow())
                + " after the repair");
      } else {
        t.say(
            "UNEXPECTED: the main route did not move back to "
                + fault.from()
                + " within "
                + pace.failbackLimit.toSeconds()
                + " s; routes: "
                + describe(lab, KernelRoutes.read(lab.routerNamespace())));
      }
      LanClient.Count count = lanCount(repairedAt, end);
      t.say(
          "LAN client: "
              + count.lost()
              + " of "
              + count.sent()
              + " echoes lost from the repair to a second after the move back");
      Instant windowEnd = end;
      int gaps =
          (int)
              routes.gaps().stream()
                  .filter(
                      g ->
                          !g.start().isBefore(fault.madeAt()) && g.start().isBefore(windowEnd))
                  .count();
      return new DemoSummary.Fault(
          fault.id(),
          fault.label(),
          fault.from(),
          fault.expectedTo(),
          fault.movedTo(),
          fault.failover(),
          failback,
          fault.lan().sent(),
          fault.lan().lost(),
          fault.lan().silence(),
          count.lost(),
          gaps);
    }

    /**
     * The engine's cadence while a sequential test runs: half of {@code fast_check_interval}, when
     * that is shorter than {@code check_interval} (docs/architecture.md, "Cadence").
     */
    private Duration testCadence() {
      Duration fast = config.fastCheckInterval();
      return fast.compareTo(config.checkInterval()) < 0 ? fast.dividedBy(2) : fast;
    }

    /** The fewest answered probes in a row after which the recovery test finds the loss fine. */
    private int answeredProbesToRecover() {
      DampedPolicySettings damped = config.dampedPolicy();
      return (int) Math.ceil(damped.recoveryThreshold() / -damped.answeredProbeScore());
    }

    private String flapNote() {
      return ". Flap damping: each failure of a provider that carried traffic adds "
          + plain(config.dampedPolicy().flapPenalty())
          + " to its penalty, which halves every "
          + ForPeople.duration(config.dampedPolicy().flapHalfLife())
          + "; above "
          + plain(config.dampedPolicy().flapReuseThreshold())
          + " it waits longer than the dwell. isp1 and isp2 have failed once each, so only the"
          + " dwell holds them back";
    }

    private void header(int step, String title, String expectation) {
      t.plain("");
      t.plain("== step " + step + " of 4: " + title);
      wrap("expected: " + expectation, 100, "   ").forEach(t::plain);
    }

    /**
     * Waits for the first main-route change since {@code from} that {@code accept}s, printing the
     * policy's progress if given; empty if none came within {@code limit}.
     */
    private Optional<RouteWatch.MainChange> awaitMain(
        Instant from,
        Predicate<RouteWatch.MainChange> accept,
        Duration limit,
        Optional<FailbackProgress> progress)
        throws IOException, InterruptedException {
      long deadline = System.nanoTime() + limit.toNanos();
      while (true) {
        Optional<RouteWatch.MainChange> change = routes.awaitChange(from, accept, POLL);
        if (change.isPresent()) {
          return change;
        }
        checkAlive();
        if (System.nanoTime() - deadline > 0) {
          return Optional.empty();
        }
        if (progress.isPresent()) {
          progress.get().show(readStatus());
        }
      }
    }

    private LanClient.Count lanCount(Instant from, Instant to) throws InterruptedException {
      LanClient client = checkNotNull(this.client, "the LAN client starts when the daemon is ready");
      if (!client.awaitUntil(to, Duration.ofSeconds(10))) {
        t.say("(the LAN client's ping has not reported up to that instant; counting what it said)");
      }
      return client.count(from, to);
    }

    private void pause(Duration length) throws IOException, InterruptedException {
      if (process.waitFor(length.toMillis(), TimeUnit.MILLISECONDS)) {
        checkAlive();
      }
    }

    private void checkAlive() throws IOException {
      if (!process.isAlive()) {
        throw new IOException(
            "the daemon exited with " + process.exitValue() + "; its log is above");
      }
    }

    private String deviceOf(String provider) {
      return lab.isps().stream()
          .filter(isp -> isp.provider().id().equals(provider))
          .map(NamespaceLab.Isp::routerInterface)
          .findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no provider '" + provider + "'"));
    }

    /** The engine's status as the daemon last wrote it; empty until it is written. */
    private Optional<EngineStatus> readStatus() {
      try {
        return status.readDocument().map(StatusDocument::engine);
      } catch (IOException e) {
        // The file is replaced atomically, so this is a real fault: say it, and poll again.
        progress.show("cannot read the daemon's status: " + e.getMessage());
        return Optional.empty();
      }
    }

    /** Prints a line when it changed, at most once a second. */
    private class Progress {
      private String last = "";
      private long lastAt = System.nanoTime() - PROGRESS_EVERY.toNanos();

      /** Prints {@code text} unless it is the last line or came within a second. */
      void show(String text) {
        show(text, text);
      }

      /**
       * Prints {@code text} unless {@code key} is the last key printed or the last line came
       * within a second; says whether it printed.
       */
      boolean show(String key, String text) {
        if (key.equals(last) || System.nanoTime() - lastAt < PROGRESS_EVERY.toNanos()) {
          return false;
        }
        t.say(text);
        last = key;
        lastAt = System.nanoTime();
        return true;
      }
    }

    /**
     * The progress of a failback: what the policy waits for, with a countdown; the policy's reason
     * is shown when it changes, not on every line.
     */
    private final class FailbackProgress extends Progress {
      private final String provider;
      private final Instant repairedAt;
      private String lastReason = "";

      FailbackProgress(String provider, Instant repairedAt) {
        this.provider = provider;
        this.repairedAt = repairedAt;
      }

      void show(Optional<EngineStatus> view) {
        Optional<EngineStatus.ProviderReport> p =
            view.flatMap(
                v -> v.providers().stream().filter(r -> r.id().equals(provider)).findFirst());
        if (view.isEmpty() || p.isEmpty()) {
          return;
        }
        Instant now = Instant.now();
        ProviderState state = p.get().state();
        String reason = ForPeople.roundSeconds(p.get().reason());
        String waitsFor;
        if (state == ProviderState.DOWN) {
          waitsFor =
              " until its recovery test finds its loss acceptable again (at least "
                  + answeredProbesToRecover()
                  + " answered probes)";
        } else if (state == ProviderState.RECOVERING) {
          // The policy says which holds it longer, the dwell or flap damping.
          Matcher m = ELIGIBLE_AFTER.matcher(p.get().reason());
          Duration hold =
              m.find()
                  ? Duration.ofMillis(Math.round(Double.parseDouble(m.group(1)) * 1000))
                  : config.dampedPolicy().failbackDwell();
          waitsFor = ": failback " + countdown(Duration.between(now, p.get().since().plus(hold)));
        } else {
          waitsFor = "";
        }
        // The policy's reason comes with the first line of each reason, not with every line.
        String head = "waiting: " + provider + " is " + state;
        String text =
            head
                + (reason.equals(lastReason) ? "" : " (" + reason + ")")
                + waitsFor;
        if (show(head + "|" + waitsFor + "|" + reason, text)) {
          lastReason = reason;
        }
      }
    }
  }

  /** {@code text} in lines of at most {@code width} columns (but for long words), indented. */
  static List<String> wrap(String text, int width, String indent) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder(indent);
    for (String word : text.split(" ")) {
      if (line.length() > indent.length() && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line = new StringBuilder(indent);
      }
      if (line.length() > indent.length()) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  /** "in about N s", N rounded up to a multiple of {@value #COUNTDOWN_STEP_SECONDS}. */
  static String countdown(Duration left) {
    long seconds = (long) Math.ceil(left.toMillis() / 1000.0);
    if (seconds <= 0) {
      return "any moment now";
    }
    long rounded =
        (seconds + COUNTDOWN_STEP_SECONDS - 1) / COUNTDOWN_STEP_SECONDS * COUNTDOWN_STEP_SECONDS;
    return "in about " + rounded + " s";
  }

  private static boolean allUp(EngineStatus status) {
    return !status.providers().isEmpty()
        && status.providers().stream().allMatch(p -> p.state() == ProviderState.UP);
  }

  private static String states(EngineStatus status) {
    return status.providers().stream()
        .map(p -> p.id() + " " + p.state())
        .collect(Collectors.joining(", "));
  }

  /** The default routes as {@code isp1@100 isp2@101 ...}, flagged {@code (linkdown)}. */
  private static String describe(NamespaceLab lab, List<KernelRoutes.DefaultRoute> routes) {
    if (routes.isEmpty()) {
      return "none";
    }
    return routes.stream()
        .map(
            r ->
                providerOf(lab, r.device())
                    + "@"
                    + r.metric()
                    + (r.linkDown() ? " (linkdown)" : "")
                    // Another program's, such as the DHCP client's route, demoted by failover.
                    + (ownRoute(r) ? "" : " (" + r.protocol() + "'s)"))
        .collect(Collectors.joining(", "));
  }

  private static boolean ownRoute(KernelRoutes.DefaultRoute route) {
    return route
        .protocol()
        .equals(String.valueOf(NetlinkRouteBackendSettings.DEFAULT_ROUTE_PROTOCOL));
  }

  private static String providerOf(NamespaceLab lab, String device) {
    return lab.isps().stream()
        .filter(isp -> isp.routerInterface().equals(device))
        .map(isp -> isp.provider().id())
        .findFirst()
        .orElse(device);
  }

  private static Duration nonNegative(Duration duration) {
    return duration.isNegative() ? Duration.ZERO : duration;
  }

  private static String plain(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private static Map<String, String> orderedMap(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }

  /** Copies the daemon's log lines into the transcript, on a daemon thread. */
  private static void forward(Process process, Transcript t) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  t.daemon(line);
                }
              } catch (IOException e) {
                // The daemon is gone; the steps report its exit.
              }
            },
            "failover-demo-log");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Stops the daemon, ping and {@code ip monitor}, removes the lab and the scratch folder;
   * idempotent, and safe from the shutdown hook's thread.
   */
  private synchronized void cleanUp() {
    Process process = daemon;
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    LanClient client = lan;
    if (client != null) {
      client.close();
    }
    LanFlows flows = calls;
    if (flows != null) {
      flows.close();
    }
    RouteWatch routes = watch;
    if (routes != null) {
      routes.close();
    }
    DhcpClient leasing = dhcpClient;
    if (leasing != null) {
      leasing.close();
    }
    DhcpServer leases = dhcpServer;
    if (leases != null) {
      leases.close();
    }
    NamespaceLab built = lab;
    if (built != null) {
      built.close();
    }
    Path scratch = folder;
    if (scratch != null) {
      deleteTree(scratch);
    }
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

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "Demo[%s, %s]", pace.label(), jar);
  }
}
