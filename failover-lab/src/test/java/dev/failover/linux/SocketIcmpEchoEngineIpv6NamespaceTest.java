package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.common.base.Ticker;
import dev.failover.api.TestResult;
import dev.failover.api.TestResult.Outcome;
import dev.failover.lab.NamespaceLab;
import dev.failover.lab.Netns;
import dev.failover.linux.IcmpSocket.Kind;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The socket ICMP engine's IPv6 checks against the real kernel, with both kinds of socket forced in
 * turn, in two namespaces of the test's own: a router and a far side (the provider and the internet
 * in one), joined by a veth pair that carries an IPv6 and an IPv4 subnet.
 *
 * <p>The router has no route at all to the targets in its main table: only its policy rules {@code
 * from 2001:db8:1::2 lookup 100} and {@code from 198.51.100.2 lookup 100}, and table 100's default
 * routes through the far side, carry a check, as a provider's rule and table do. The far side holds
 * the targets on its loopback, drops echo requests to {@link #DROPPED} (nftables, {@code ip6}
 * family), and answers for {@link #UNREACHABLE} with an ICMPv6 destination unreachable (forwarding
 * on, an {@code unreachable} route). Addresses are nodad and DAD is off, so nothing waits for
 * duplicate address detection. Both namespaces are deleted after each test, also on failure.
 */
class SocketIcmpEchoEngineIpv6NamespaceTest {
  private static final Duration LIMIT = Duration.ofMillis(800);
  private static final int TABLE = 100;
  private static final InetAddress SOURCE = address("2001:db8:1::2");
  private static final InetAddress TARGET = address("2001:db8:ff::1");
  private static final InetAddress DROPPED = address("2001:db8:ff::2");
  private static final InetAddress UNREACHABLE = address("2001:db8:ee::1");
  private static final InetAddress SOURCE_V4 = address("198.51.100.2");
  private static final InetAddress TARGET_V4 = address("192.0.2.1");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CommandRunner runner = new CommandRunner();
  private final List<String> created = new ArrayList<>();
  private String router;
  private String far;

  @BeforeAll
  static void needsRoot() {
    assumeTrue(
        NamespaceLab.unavailableReason().isEmpty(), NamespaceLab.unavailableReason().orElse(""));
  }

  @BeforeEach
  void createNamespaces() throws Exception {
    String suffix = HexFormat.of().formatHex(RANDOM.generateSeed(3));
    router = addNamespace("v6r-" + suffix);
    far = addNamespace("v6f-" + suffix);
    for (String ns : List.of(router, far)) {
      sysctl(ns, "net/ipv6/conf/all/disable_ipv6", "0");
      sysctl(ns, "net/ipv6/conf/default/disable_ipv6", "0");
      // Also the link-local addresses the veths get, which neighbour discovery uses, skip DAD.
      sysctl(ns, "net/ipv6/conf/all/accept_dad", "0");
      sysctl(ns, "net/ipv6/conf/default/accept_dad", "0");
      ip(ns, "link set lo up");
    }
    // Created inside the router namespace with its peer moved at once: the host never sees it.
    ip(router, "link add wan0 type veth peer name up0 netns " + far);
    // Both ends up first: an address added while its link waits for carrier stays tentative until
    // the carrier comes, nodad or not, and a first check sent then would be lost.
    ip(far, "link set up0 up");
    ip(router, "link set wan0 up");
    ip(router, "-6 addr add 2001:db8:1::2/64 dev wan0 nodad");
    ip(router, "-4 addr add 198.51.100.2/24 dev wan0");
    ip(router, "-6 rule add from 2001:db8:1::2 lookup " + TABLE);
    ip(router, "-4 rule add from 198.51.100.2 lookup " + TABLE);
    ip(router, "-6 route add default via 2001:db8:1::1 dev wan0 table " + TABLE);
    ip(router, "-4 route add default via 198.51.100.1 dev wan0 table " + TABLE);

    ip(far, "-6 addr add 2001:db8:1::1/64 dev up0 nodad");
    ip(far, "-4 addr add 198.51.100.1/24 dev up0");
    ip(far, "-6 addr add 2001:db8:ff::1/128 dev lo nodad");
    ip(far, "-6 addr add 2001:db8:ff::2/128 dev lo nodad");
    ip(far, "-4 addr add 192.0.2.1/32 dev lo");
    // A router answers for a destination it has no route to; the rate limit would silence the
    // second answer within a second.
    sysctl(far, "net/ipv6/conf/all/forwarding", "1");
    sysctl(far, "net/ipv6/icmp/ratelimit", "0");
    ip(far, "-6 route add unreachable 2001:db8:ee::/64");
    must(far, "nft", "add", "table", "ip6", "v6probe");
    must(
        far,
        "nft",
        "add",
        "chain",
        "ip6",
        "v6probe",
        "in",
        "{ type filter hook input priority 0 ; policy accept ; }");
    nftRule(far, "in ip6 daddr 2001:db8:ff::2 icmpv6 type echo-request drop");
  }

  @AfterEach
  void deleteNamespaces() throws Exception {
    List<String> failures = new ArrayList<>();
    for (String ns : created) {
      CommandResult result = runner.run(List.of("ip", "netns", "del", ns));
      if (result.exitCode() != 0) {
        failures.add(ns + ": " + result.stderr().strip());
      }
    }
    created.clear();
    assertThat(failures).as("namespaces left behind").isEmpty();
  }

  private String addNamespace(String name) throws Exception {
    CommandResult result = runner.run(List.of("ip", "netns", "add", name));
    assertThat(result.exitCode()).as("ip netns add %s: %s", name, result.stderr()).isZero();
    created.add(name);
    return name;
  }

  /** Runs {@code command} in namespace {@code ns} and fails the test unless it succeeds. */
  private CommandResult must(String ns, String... command) throws Exception {
    CommandResult result = exec(ns, command);
    assertThat(result.exitCode())
        .as("%s in %s: %s", result.command(), ns, result.stderr())
        .isZero();
    return result;
  }

  /**
   * Runs {@code ip ARGS} in {@code ns}, {@code args} split at spaces, and fails unless it works.
   */
  private void ip(String ns, String args) throws Exception {
    must(ns, ("ip " + args).split(" "));
  }

  /** Adds rule {@code CHAIN RULE...} to the far side's {@code ip6 v6probe} table. */
  private void nftRule(String ns, String chainAndRule) throws Exception {
    must(ns, ("nft add rule ip6 v6probe " + chainAndRule).split(" "));
  }

  private CommandResult exec(String ns, String... command) throws Exception {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of(command));
    return runner.run(full);
  }

  /** Writes {@code value} to {@code /proc/sys/KEY} as seen from namespace {@code ns}. */
  private static void sysctl(String ns, String key, String value) throws Exception {
    in(ns, () -> Files.writeString(Path.of("/proc/sys", key), value, StandardCharsets.US_ASCII));
  }

  private static <T> T in(String ns, Callable<T> task) throws Exception {
    try {
      return Netns.call(ns, task);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  private static SocketIcmpEchoEngine engine(Kind kind) {
    return new SocketIcmpEchoEngine(Ticker.systemTicker(), List.of(kind));
  }

  /** Makes ping sockets possible in the router namespace (a new one has the range "1 0"). */
  private void openPingGroupRange(Kind kind) throws Exception {
    if (kind == Kind.DATAGRAM) {
      sysctl(router, "net/ipv4/ping_group_range", "0 2147483647");
    }
  }

  private TestResult echo(Kind kind, InetAddress source, InetAddress target) throws Exception {
    openPingGroupRange(kind);
    SocketIcmpEchoEngine engine = engine(kind);
    return in(router, () -> engine.echo(source, target, LIMIT));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void echo_throughTheSourcesRuleAndTable_succeedsWithALatency(Kind kind) throws Exception {
    TestResult result = echo(kind, SOURCE, TARGET);

    assertThat(result.outcome()).as("%s", result).isEqualTo(Outcome.SUCCESS);
    assertThat(result.latency()).isPositive().isLessThan(LIMIT);
  }

  /** Without the rule the router has no route at all, so the success above took the rule. */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void echo_policyRuleDeleted_failsAtOnceWithNoRoute(Kind kind) throws Exception {
    ip(router, "-6 rule del from 2001:db8:1::2 lookup " + TABLE);

    TestResult result = echo(kind, SOURCE, TARGET);

    assertThat(result.outcome()).isEqualTo(Outcome.FAILURE);
    assertThat(result.detail())
        .isEqualTo("no route from 2001:db8:1::2 to 2001:db8:ff::1: Network is unreachable");
    assertThat(result.latency()).isLessThan(LIMIT);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void echo_farSideDropsTheEchoRequest_timesOutAtTheLimit(Kind kind) throws Exception {
    long start = System.nanoTime();
    TestResult result = echo(kind, SOURCE, DROPPED);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(result).isEqualTo(TestResult.timeout(LIMIT));
    assertThat(elapsed).isGreaterThanOrEqualTo(LIMIT).isLessThan(LIMIT.plusSeconds(10));
  }

  /**
   * The far side's ICMPv6 "no route" reaches the check through IPV6_RECVERR: no wait for silence.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void echo_farSideAnswersDestinationUnreachable_failsFastWithTheReason(Kind kind)
      throws Exception {
    TestResult result = echo(kind, SOURCE, UNREACHABLE);

    assertThat(result.outcome()).as("%s", result).isEqualTo(Outcome.FAILURE);
    assertThat(result.detail()).isEqualTo("ICMP error: Network is unreachable");
    assertThat(result.latency()).isLessThan(LIMIT);
  }

  /**
   * The gateway's address is gone from the far side, so neighbour discovery fails (three
   * solicitations 100 ms apart, shortened from 1 s) and the router's own stack reports "address
   * unreachable" to the socket: a failure well before the limit, not a timeout.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void echo_gatewayDoesNotAnswerNeighbourSolicitation_failsWithAddressUnreachable(Kind kind)
      throws Exception {
    sysctl(router, "net/ipv6/neigh/wan0/retrans_time_ms", "100");
    ip(far, "-6 addr del 2001:db8:1::1/64 dev up0");
    openPingGroupRange(kind);
    SocketIcmpEchoEngine engine = engine(kind);
    Duration limit = Duration.ofSeconds(3);

    TestResult result = in(router, () -> engine.echo(SOURCE, TARGET, limit));

    assertThat(result.outcome()).as("%s", result).isEqualTo(Outcome.FAILURE);
    assertThat(result.detail()).isEqualTo("ICMP error: No route to host");
    assertThat(result.latency()).isLessThan(limit);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void echo_sourceAddressNotOnTheRouter_failsWithTheBindError(Kind kind) throws Exception {
    TestResult result = echo(kind, address("2001:db8:1::99"), TARGET);

    assertThat(result.outcome()).isEqualTo(Outcome.FAILURE);
    assertThat(result.detail())
        .isEqualTo("cannot bind to 2001:db8:1::99: Cannot assign requested address");
  }

  /**
   * IPv4 and IPv6 checks in flight at once in one engine, started from one thread: an IPv6 check
   * whose request is dropped is still waiting while an IPv4 and an IPv6 check get their replies,
   * then it times out; the executor meant for blocking checks is never used, and one reply thread
   * served them all.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void start_ipv4AndIpv6InFlightTogether_oneReplyLoopServesBoth(Kind kind) throws Exception {
    openPingGroupRange(kind);
    SocketIcmpEchoEngine engine = engine(kind);
    Executor refusing =
        task -> {
          throw new AssertionError("the socket engine must not need a thread per check");
        };
    Duration longLimit = Duration.ofSeconds(3);

    List<Future<TestResult>> checks =
        in(
            router,
            () ->
                List.of(
                    engine.start(SOURCE, DROPPED, longLimit, refusing),
                    engine.start(SOURCE_V4, TARGET_V4, LIMIT, refusing),
                    engine.start(SOURCE, TARGET, LIMIT, refusing)));
    TestResult v4 = checks.get(1).get(20, TimeUnit.SECONDS);
    TestResult v6 = checks.get(2).get(20, TimeUnit.SECONDS);
    boolean droppedStillWaiting = !checks.get(0).isDone();
    TestResult dropped = checks.get(0).get(20, TimeUnit.SECONDS);

    assertThat(v4.outcome()).as("IPv4: %s", v4).isEqualTo(Outcome.SUCCESS);
    assertThat(v6.outcome()).as("IPv6: %s", v6).isEqualTo(Outcome.SUCCESS);
    assertThat(droppedStillWaiting)
        .as("the dropped check waits while the others complete")
        .isTrue();
    assertThat(dropped).isEqualTo(TestResult.timeout(longLimit));
    assertThat(Thread.getAllStackTraces().keySet())
        .filteredOn(t -> t.getName().equals("failover-icmp-replies"))
        .hasSize(1);
  }

  /**
   * 32 checks in flight at once from the same source to the same target, with half of the echo
   * requests dropped at random by the far side: exactly as many checks succeed as the far side sent
   * echo replies (an nftables counter). A raw socket receives a copy of every reply between the two
   * addresses, so a check that took a sibling's reply would push the successes above the replies.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void start_32ChecksSameSourceAndTargetWithLoss_successesEqualRepliesSent(Kind kind)
      throws Exception {
    nftRule(
        far,
        "in ip6 daddr 2001:db8:ff::1 icmpv6 type echo-request numgen random mod 100 < 50 drop");
    must(
        far,
        "nft",
        "add",
        "chain",
        "ip6",
        "v6probe",
        "out",
        "{ type filter hook output priority 0 ; policy accept ; }");
    nftRule(far, "out ip6 daddr 2001:db8:1::2 icmpv6 type echo-reply counter");
    openPingGroupRange(kind);
    SocketIcmpEchoEngine engine = engine(kind);
    int checks = 32;
    Executor refusing =
        task -> {
          throw new AssertionError("the socket engine must not need a thread per check");
        };

    List<Future<TestResult>> futures =
        in(
            router,
            () -> {
              List<Future<TestResult>> started = new ArrayList<>();
              for (int i = 0; i < checks; i++) {
                started.add(engine.start(SOURCE, TARGET, Duration.ofSeconds(1), refusing));
              }
              return started;
            });
    int successes = 0;
    for (Future<TestResult> future : futures) {
      TestResult result = future.get(20, TimeUnit.SECONDS);
      assertThat(result.outcome()).as("%s", result).isIn(Outcome.SUCCESS, Outcome.TIMEOUT);
      successes += result.succeeded() ? 1 : 0;
    }

    String counter = must(far, "nft", "list", "chain", "ip6", "v6probe", "out").stdout();
    Matcher packets = Pattern.compile("counter packets (\\d+)").matcher(counter);
    assertThat(packets.find()).as(counter).isTrue();
    int replies = Integer.parseInt(packets.group(1));
    // Each request passes with p = 0.5: P(none or all of 32) < 1e-9.
    assertThat(replies).isBetween(1, checks - 1);
    assertThat(successes).isEqualTo(replies);
  }

  @Test
  void echo_pingSocketOnlyAndPingGroupRangeClosed_throwsNamingTheRange() throws Exception {
    sysctl(router, "net/ipv4/ping_group_range", "1 0");
    SocketIcmpEchoEngine engine = engine(Kind.DATAGRAM);

    Throwable thrown = catchThrowable(() -> in(router, () -> engine.echo(SOURCE, TARGET, LIMIT)));

    assertThat(thrown)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith(
            "cannot open an ICMP socket: ping socket: Permission denied"
                + " (net.ipv4.ping_group_range is '1 0', the process's group is 0)");
  }

  @Test
  void pingCommandEngine_ipv6_succeedsThroughTheRuleAndFailsOnUnreachable() throws Exception {
    assumeTrue(NamespaceLab.findOnPath("ping").isPresent(), "ping (iputils-ping) is not installed");
    PingCommandEngine engine = new PingCommandEngine("ping", runner, Ticker.systemTicker());

    TestResult reply = in(router, () -> engine.echo(SOURCE, TARGET, LIMIT));
    TestResult unreachable = in(router, () -> engine.echo(SOURCE, UNREACHABLE, LIMIT));

    assertThat(reply.outcome()).as("%s", reply).isEqualTo(Outcome.SUCCESS);
    assertThat(unreachable.outcome()).as("%s", unreachable).isEqualTo(Outcome.FAILURE);
    assertThat(unreachable.detail()).contains("Destination unreachable: No route");
  }

  /** Guards the setup: the IPv4 half of the shared link works on its own too. */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void echo_ipv4ThroughTheSameLink_succeeds(Kind kind) throws Exception {
    TestResult result = echo(kind, SOURCE_V4, TARGET_V4);

    assertThat(result.outcome()).as("%s", result).isEqualTo(Outcome.SUCCESS);
  }
}
