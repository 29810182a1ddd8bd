package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.common.base.Ticker;
import dev.failover.api.Provider;
import dev.failover.api.RoutingState;
import dev.failover.api.TestResult;
import dev.failover.api.TestResult.Outcome;
import dev.failover.api.TestScenario;
import dev.failover.lab.NamespaceLab;
import dev.failover.lab.NamespaceLab.LinkSide;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each provider's probes succeed or fail with its own ISP only: ISP 2 is broken while 1 and 3 are
 * healthy, with ISP 2 as the main provider so that nothing can pass through it by accident. Runs
 * in three labs: identical gateways, identical gateways with masquerading on the router, and
 * distinct subnets.
 */
class ProbeNamespaceTest {
  private static final Duration LIMIT = Duration.ofMillis(800);
  private static final int PORT = 8443;

  enum Variant { IDENTICAL, IDENTICAL_ROUTER_MASQUERADE, DISTINCT }

  private NamespaceLab lab;

  @BeforeAll
  static void needsRoot() {
    assumeTrue(NamespaceLab.unavailableReason().isEmpty(), NamespaceLab.unavailableReason().orElse(""));
    assumeTrue(NamespaceLab.findOnPath("ping").isPresent(), "ping (iputils-ping) is not installed; skipped");
  }

  @AfterEach
  void closeLab() {
    if (lab != null) {
      lab.close();
    }
  }

  private void startLab(Variant variant) throws Exception {
    lab = NamespaceLab.builder("fl")
        .identicalGateways(variant != Variant.DISTINCT)
        .routerMasquerade(variant == Variant.IDENTICAL_ROUTER_MASQUERADE)
        .build();
    List<Provider> p = lab.providers();
    LabNetlink.applyOnce(lab, RoutingState.ranked(List.of(p.get(1), p.get(0), p.get(2)), 100));
  }

  private TestScenario ping() {
    PingCommandEngine engine =
        new PingCommandEngine("ping", lab.runnerIn(lab.routerNamespace()), Ticker.systemTicker());
    engine.checkUsable();
    return new PingScenario(NamespaceLab.TARGETS.get(0), Optional.empty(), engine);
  }

  private TestScenario tcp(int port) {
    return new TcpConnectScenario(NamespaceLab.TARGETS.get(1), port, Optional.empty(), Ticker.systemTicker());
  }

  /** The outcome of {@code scenario} for each ISP, run on a thread inside the router namespace. */
  private List<Outcome> outcomes(TestScenario scenario) throws Exception {
    return lab.callIn(lab.routerNamespace(), () -> {
      List<Outcome> outcomes = new ArrayList<>();
      for (Provider provider : lab.providers()) {
        TestResult result = scenario.check(provider, LIMIT);
        outcomes.add(result.outcome());
      }
      return outcomes;
    });
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void ping_ispTwoBlackholed_onlyIspTwoFails(Variant variant) throws Exception {
    startLab(variant);
    TestScenario ping = ping();
    assertThat(outcomes(ping)).containsExactly(Outcome.SUCCESS, Outcome.SUCCESS, Outcome.SUCCESS);

    lab.blackhole(2);
    assertThat(outcomes(ping)).containsExactly(Outcome.SUCCESS, Outcome.TIMEOUT, Outcome.SUCCESS);

    lab.restore(2);
    assertThat(outcomes(ping)).containsExactly(Outcome.SUCCESS, Outcome.SUCCESS, Outcome.SUCCESS);
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void tcp_ispTwoBlackholed_onlyIspTwoTimesOut(Variant variant) throws Exception {
    startLab(variant);
    try (ServerSocket server = lab.callIn(lab.internetNamespace(), () -> {
      ServerSocket socket = new ServerSocket();
      socket.bind(new InetSocketAddress(NamespaceLab.TARGETS.get(1), PORT));
      return socket;
    })) {
      Thread acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket accepted = server.accept()) {
            accepted.getOutputStream().flush();
          } catch (java.io.IOException e) {
            return; // closed at the end of the test
          }
        }
      }, "tcp-target");
      acceptor.setDaemon(true);
      acceptor.start();

      assertThat(outcomes(tcp(PORT))).containsExactly(Outcome.SUCCESS, Outcome.SUCCESS, Outcome.SUCCESS);

      lab.blackhole(2);
      assertThat(outcomes(tcp(PORT))).containsExactly(Outcome.SUCCESS, Outcome.TIMEOUT, Outcome.SUCCESS);
      // A closed port answers with a reset: refused is a failure, not a timeout.
      assertThat(outcomes(tcp(PORT + 1))).containsExactly(Outcome.FAILURE, Outcome.TIMEOUT, Outcome.FAILURE);
    }
  }

  @ParameterizedTest
  @EnumSource(LinkSide.class)
  void ping_ispTwoLinkDown_onlyIspTwoFailsAndNothingLeaksThroughAnother(LinkSide side) throws Exception {
    startLab(Variant.IDENTICAL);
    TestScenario ping = ping();

    lab.linkDown(2, side);

    List<Outcome> outcomes = outcomes(ping);
    assertThat(outcomes.get(0)).isEqualTo(Outcome.SUCCESS);
    assertThat(outcomes.get(1)).isIn(Outcome.FAILURE, Outcome.TIMEOUT);
    assertThat(outcomes.get(2)).isEqualTo(Outcome.SUCCESS);
  }

  @ParameterizedTest
  @EnumSource(Variant.class)
  void lanClient_mainProviderHealthy_reachesTheInternet(Variant variant) throws Exception {
    startLab(variant);

    CommandResult ping = lab.exec(lab.lanNamespace(), "ping", "-n", "-c", "1", "-W", "2", "192.0.2.1");

    assertThat(ping.exitCode()).as(ping.stdout() + ping.stderr()).isZero();
  }

  /**
   * The kernel deletes a downed interface's routes, and bringing it up does not restore them: until
   * the backend's next apply, the provider's table holds only its unreachable last-resort route, so
   * the probe fails rather than leaving through the main provider's route and falsely succeeding.
   */
  @org.junit.jupiter.api.Test
  void ping_interfaceFlappedBeforeReapply_failsInsteadOfLeakingThroughMain() throws Exception {
    startLab(Variant.IDENTICAL);
    List<Provider> p = lab.providers();
    LabNetlink.applyOnce(lab, RoutingState.ranked(List.of(p.get(0), p.get(1), p.get(2)), 100));
    TestScenario ping = ping();

    lab.linkDown(2, LinkSide.ROUTER);
    lab.linkUp(2, LinkSide.ROUTER);

    assertThat(new RouterShell(lab).ip("-4", "route", "show", "table", "102"))
        .containsExactly("unreachable default proto 201 metric 4294967295");
    // Without the unreachable route this probe leaves through wan1 and succeeds.
    List<Outcome> outcomes = outcomes(ping);
    assertThat(outcomes.get(0)).isEqualTo(Outcome.SUCCESS);
    assertThat(outcomes.get(1)).isIn(Outcome.FAILURE, Outcome.TIMEOUT);
    assertThat(outcomes.get(2)).isEqualTo(Outcome.SUCCESS);
  }
}
