package dev.failover.core;

import static dev.failover.core.Fixtures.fail;
import static dev.failover.core.Fixtures.ok;
import static dev.failover.core.Fixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.FailoverListener;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.Provider;
import dev.failover.api.ProviderState;
import dev.failover.api.RouteBackend;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.api.SwitchReason;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import dev.failover.testkit.FakeClock;
import dev.failover.testkit.FakeRouteBackend;
import dev.failover.testkit.FakeTestScenario;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Link events: a provider whose link is down is not selected, and the engine reacts at once. */
class FailoverEngineLinkTest {
  private final FakeClock clock = new FakeClock();
  private final FakeRouteBackend backend = new FakeRouteBackend();
  private final FakeTestScenario ping = new FakeTestScenario("ping");
  private final RecordingListener listener = new RecordingListener();
  private final SettableStickySource sticky = new SettableStickySource();

  private FailoverEngine engine() {
    return TestEngines.with(clock, backend)
        .scenario(ping)
        .listener(listener)
        .sticky(sticky)
        .build();
  }

  /** An engine after two healthy ticks: every provider UP, isp1 main. */
  private FailoverEngine healthy() {
    FailoverEngine engine = engine();
    tick(engine, 2);
    assertThat(engine.status().mainProviderId()).isEqualTo("isp1");
    return engine;
  }

  private EngineStatus tick(FailoverEngine engine, int n) {
    EngineStatus status = engine.status();
    for (int i = 0; i < n; i++) {
      status = engine.runOnce();
      clock.advance(engine.settings().checkInterval());
    }
    return status;
  }

  private int probeCalls() {
    return ping.calls("isp1") + ping.calls("isp2") + ping.calls("isp3");
  }

  private MainProviderSwitched lastSwitch() {
    return listener.switches.get(listener.switches.size() - 1);
  }

  private static RoutingState ranked(int... ids) {
    List<Provider> ranked = new ArrayList<>();
    for (int id : ids) {
      ranked.add(provider(id));
    }
    return RoutingState.ranked(ranked, 100);
  }

  @Test
  void decideNow_mainLinkDown_switchesAtOnceWithoutProbing() {
    FailoverEngine engine = healthy();
    int probes = probeCalls();
    int switches = listener.switches.size();
    int storedRounds = engine.status().provider("isp1").orElseThrow().storedRounds();

    assertThat(engine.linkChanged("eth1", false)).isTrue();
    assertThat(engine.linkChanged("eth1", false)).as("a repeated state").isFalse();
    EngineStatus status = engine.decideNow();

    assertThat(probeCalls()).isEqualTo(probes);
    assertThat(status.ticks()).isEqualTo(2);
    assertThat(status.mainProviderId()).isEqualTo("isp2");
    assertThat(status.mainReason()).isEqualTo(SwitchReason.FAILOVER);
    assertThat(status.ranking()).containsExactly("isp2", "isp3", "isp1");
    assertThat(backend.lastApplied()).contains(ranked(2, 3, 1));
    assertThat(listener.switches).hasSize(switches + 1);
    assertThat(lastSwitch().from()).isEqualTo(provider(1));
    assertThat(lastSwitch().to()).isEqualTo(provider(2));
    assertThat(lastSwitch().reason()).isEqualTo(SwitchReason.FAILOVER);
    assertThat(lastSwitch().detail()).startsWith("link of 'eth1' is down");
    // The policy's verdict and the history stay as they were; only the link is down.
    EngineStatus.ProviderReport isp1 = status.provider("isp1").orElseThrow();
    assertThat(isp1.state()).isEqualTo(ProviderState.UP);
    assertThat(isp1.eligible()).isTrue();
    assertThat(isp1.linkUsable()).isFalse();
    assertThat(isp1.selectable()).isFalse();
    assertThat(isp1.storedRounds()).isEqualTo(storedRounds);
    assertThat(listener.stateChanges).hasSize(6);
  }

  @Test
  void linkChanged_withoutDecision_onlyRecords() {
    FailoverEngine engine = healthy();
    int attempts = backend.attempts();

    engine.linkChanged("eth1", false);

    assertThat(engine.linkUsable("isp1")).isFalse();
    assertThat(engine.status().mainProviderId()).isEqualTo("isp1");
    assertThat(backend.attempts()).isEqualTo(attempts);
  }

  @Test
  void decideNow_linkBackWhilePolicyStillUp_failsBackAsThePolicySays() {
    FailoverEngine engine = healthy();
    engine.linkChanged("eth1", false);
    engine.decideNow();

    assertThat(engine.linkChanged("eth1", true)).isTrue();
    EngineStatus status = engine.decideNow();

    assertThat(status.mainProviderId()).isEqualTo("isp1");
    assertThat(status.mainReason()).isEqualTo(SwitchReason.FAILBACK);
    assertThat(status.provider("isp1").orElseThrow().linkUsable()).isTrue();
    assertThat(backend.lastApplied()).contains(ranked(1, 2, 3));
  }

  @Test
  void decideNow_linkBackAfterProbesFailed_waitsForThePolicy() {
    FailoverEngine engine = healthy();
    engine.linkChanged("eth1", false);
    engine.decideNow();
    ping.always("isp1", fail());
    tick(engine, 1);
    assertThat(engine.status().provider("isp1").orElseThrow().state())
        .isEqualTo(ProviderState.DOWN);

    engine.linkChanged("eth1", true);
    EngineStatus afterLinkUp = engine.decideNow();
    ping.always("isp1", ok());
    EngineStatus afterOneSuccess = tick(engine, 1);
    EngineStatus afterTwo = tick(engine, 1);

    assertThat(afterLinkUp.mainProviderId()).isEqualTo("isp2");
    assertThat(afterOneSuccess.mainProviderId()).isEqualTo("isp2");
    assertThat(afterTwo.mainProviderId()).isEqualTo("isp1");
    assertThat(afterTwo.mainReason()).isEqualTo(SwitchReason.FAILBACK);
  }

  @Test
  void linkChanged_unknownInterface_ignored() {
    FailoverEngine engine = healthy();
    int attempts = backend.attempts();

    assertThat(engine.linkChanged("wlan0", false)).isFalse();
    EngineStatus status = engine.decideNow();

    assertThat(status.mainProviderId()).isEqualTo("isp1");
    assertThat(status.providers()).allSatisfy(p -> assertThat(p.linkUsable()).isTrue());
    assertThat(backend.lastApplied()).contains(ranked(1, 2, 3));
    assertThat(backend.attempts()).isEqualTo(attempts + 1);
  }

  @Test
  void linkChanged_sameStateTwice_secondIsNoChange() {
    FailoverEngine engine = engine();

    assertThat(engine.linkChanged("eth2", true)).as("usable until told otherwise").isFalse();
    assertThat(engine.linkChanged("eth2", false)).isTrue();
    assertThat(engine.linkChanged("eth2", false)).isFalse();
    assertThat(engine.linkChanged("eth2", true)).isTrue();
  }

  @Test
  void linkChanged_nullInterface_throws() {
    FailoverEngine engine = engine();

    assertThatThrownBy(() -> engine.linkChanged(null, true))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("interfaceName");
  }

  @Test
  void runOnce_linkDown_providerStillProbedButNeverMain() {
    FailoverEngine engine = engine();
    engine.linkChanged("eth1", false);

    EngineStatus status = tick(engine, 3);

    assertThat(ping.calls("isp1")).isEqualTo(3);
    assertThat(status.provider("isp1").orElseThrow().state()).isEqualTo(ProviderState.UP);
    assertThat(status.mainProviderId()).isEqualTo("isp2");
    assertThat(status.ranking()).containsExactly("isp2", "isp3", "isp1");
  }

  @Test
  void decideNow_backupLinkDown_keepsMainAndRanksItLast() {
    FailoverEngine engine = healthy();
    int switches = listener.switches.size();

    engine.linkChanged("eth2", false);
    EngineStatus status = engine.decideNow();

    assertThat(status.mainProviderId()).isEqualTo("isp1");
    assertThat(status.ranking()).containsExactly("isp1", "isp3", "isp2");
    assertThat(listener.switches).hasSize(switches);
  }

  @Test
  void decideNow_linkDownRankedAfterUsableIneligible() {
    FailoverEngine engine = healthy();
    ping.always("isp3", fail());
    tick(engine, 1);

    engine.linkChanged("eth2", false);
    EngineStatus status = engine.decideNow();

    assertThat(status.ranking()).containsExactly("isp1", "isp3", "isp2");
  }

  @Test
  void decideNow_stateUnchanged_stillAppliesToRepairRoutes() {
    FailoverEngine engine = healthy();
    engine.linkChanged("eth3", false);
    engine.decideNow();
    int attempts = backend.attempts();

    // isp3 was last already; its link coming back changes nothing but the kernel's routes.
    engine.linkChanged("eth3", true);
    engine.decideNow();

    assertThat(backend.attempts()).isEqualTo(attempts + 1);
    assertThat(backend.lastApplied()).contains(ranked(1, 2, 3));
  }

  @Test
  void decideNow_everyLinkDown_keepsMain() {
    FailoverEngine engine = healthy();
    engine.linkChanged("eth1", false);
    engine.linkChanged("eth2", false);
    engine.linkChanged("eth3", false);

    EngineStatus status = engine.decideNow();

    assertThat(status.mainProviderId()).isEqualTo("isp1");
    assertThat(status.mainReason()).isEqualTo(SwitchReason.NONE_ELIGIBLE);
    assertThat(status.mainDetail()).contains("every link is down");
    assertThat(status.ranking()).containsExactly("isp1", "isp2", "isp3");
  }

  @Test
  void decideNow_stickyProviderLinkDown_ignoredUntilItIsBack() {
    sticky.force("isp2");
    FailoverEngine engine = engine();
    tick(engine, 2);
    assertThat(engine.status().mainProviderId()).isEqualTo("isp2");

    engine.linkChanged("eth2", false);
    EngineStatus down = engine.decideNow();
    MainProviderSwitched failover = lastSwitch();
    engine.linkChanged("eth2", true);
    EngineStatus up = engine.decideNow();

    assertThat(down.mainProviderId()).isEqualTo("isp1");
    assertThat(failover.reason()).isEqualTo(SwitchReason.FAILOVER);
    assertThat(failover.detail())
        .contains("sticky provider 'isp2' ignored: link of 'eth2' is down")
        .contains("link of 'eth2' is down (provider 'isp2' was main");
    assertThat(up.mainProviderId()).isEqualTo("isp2");
    assertThat(up.mainReason()).isEqualTo(SwitchReason.STICKY);
  }

  @Test
  void decideNow_beforeFirstTick_firstProviderWithUsableLinkIsMain() {
    FailoverEngine engine = engine();
    engine.linkChanged("eth1", false);

    EngineStatus status = engine.decideNow();

    assertThat(status.ticks()).isZero();
    assertThat(status.mainProviderId()).isEqualTo("isp2");
    assertThat(status.mainReason()).isEqualTo(SwitchReason.STARTUP);
    assertThat(probeCalls()).isZero();
    assertThat(backend.lastApplied()).contains(ranked(2, 3, 1));
  }

  @Test
  void decideNow_noneEligibleAndMainLinkDown_firstUsableTakesOverAsFailover() {
    FailoverEngine engine = engine();
    tick(engine, 1);
    // After one tick every provider is DOWN (one success is not enough): isp1 is main by fallback.
    assertThat(engine.status().mainReason()).isEqualTo(SwitchReason.STARTUP);

    engine.linkChanged("eth1", false);
    EngineStatus status = engine.decideNow();

    assertThat(status.mainProviderId()).isEqualTo("isp2");
    assertThat(status.mainReason()).isEqualTo(SwitchReason.FAILOVER);
    assertThat(lastSwitch().detail())
        .startsWith("link of 'eth1' is down")
        .contains("provider 'isp2' is the first provider with a usable link");
  }

  /** Link events come from another thread than the ticks; none of them may be lost. */
  @Test
  void linkChanged_concurrentCallers_noUpdateLost() throws Exception {
    List<Provider> providers = Fixtures.providers(8);
    FailoverEngine engine =
        TestEngines.with(clock, backend).providers(providers).scenario(ping).build();
    ExecutorService pool = Executors.newFixedThreadPool(providers.size());
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 1; i <= providers.size(); i++) {
        String iface = "eth" + i;
        // Odd interfaces end down, even ones up, after many flips each.
        int flips = 2_000 + (i % 2);
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int f = 0; f < flips; f++) {
                    engine.linkChanged(iface, f % 2 == 1);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    for (int i = 1; i <= providers.size(); i++) {
      assertThat(engine.linkUsable("isp" + i)).as("isp%s", i).isEqualTo(i % 2 == 0);
    }
    EngineStatus status = engine.decideNow();
    assertThat(status.providers())
        .allSatisfy(p -> assertThat(p.linkUsable()).isEqualTo(engine.linkUsable(p.id())));
    assertThat(status.mainProviderId()).isEqualTo("isp2");
  }

  @Test
  void tryDecideNow_whileATickWaitsForItsProbes_decidesAtOnce() throws Exception {
    BlockingScenario blocking = new BlockingScenario();
    FailoverEngine engine =
        TestEngines.with(clock, backend).scenario(blocking).listener(listener).build();
    blocking.release.countDown();
    tick(engine, 2);
    assertThat(engine.status().mainProviderId()).isEqualTo("isp1");
    CountDownLatch release = new CountDownLatch(1);
    blocking.block(release);
    ExecutorService tickThread = Executors.newSingleThreadExecutor();
    try {
      Future<EngineStatus> tick = tickThread.submit(engine::runOnce);
      assertThat(blocking.entered.await(10, TimeUnit.SECONDS)).as("tick probing").isTrue();

      engine.linkChanged("eth1", false);
      Optional<EngineStatus> decided = engine.tryDecideNow();

      assertThat(decided).as("not held back by the probing tick").isPresent();
      assertThat(decided.get().mainProviderId()).isEqualTo("isp2");
      assertThat(backend.lastApplied().orElseThrow().main()).contains(provider(2));
      assertThat(tick.isDone()).isFalse();
      release.countDown();
      assertThat(tick.get(10, TimeUnit.SECONDS).mainProviderId()).isEqualTo("isp2");
    } finally {
      release.countDown();
      tickThread.shutdownNow();
    }
  }

  @Test
  void tryDecideNow_whileADecisionRuns_emptyWithoutWaiting() throws Exception {
    BlockingBackend blocking = new BlockingBackend(backend);
    FailoverEngine engine = TestEngines.with(clock, blocking).scenario(ping).build();
    tick(engine, 2);
    CountDownLatch release = new CountDownLatch(1);
    blocking.block(release);
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      Future<EngineStatus> running = other.submit(engine::decideNow);
      assertThat(blocking.applying.await(10, TimeUnit.SECONDS)).as("decision applying").isTrue();

      assertThat(engine.tryDecideNow()).isEmpty();

      release.countDown();
      running.get(10, TimeUnit.SECONDS);
      assertThat(engine.tryDecideNow()).isPresent();
    } finally {
      release.countDown();
      other.shutdownNow();
    }
  }

  @Test
  void tryDecideNow_fromAListenerDuringADecision_emptyRatherThanNested() {
    List<Optional<EngineStatus>> nested = new ArrayList<>();
    FailoverEngine[] engine = new FailoverEngine[1];
    engine[0] =
        TestEngines.with(clock, backend)
            .scenario(ping)
            .listener(
                new FailoverListener() {
                  @Override
                  public void onRoutesApplied(
                      RoutingState applied, ApplyOutcome outcome) {
                    nested.add(engine[0].tryDecideNow());
                  }
                })
            .build();

    engine[0].runOnce();

    assertThat(nested).isNotEmpty().allSatisfy(result -> assertThat(result).isEmpty());
  }

  @Test
  void runOnce_firstMainInPlace_warmingTheFailoverPathChangesNothing() {
    FailoverEngine engine = engine();

    EngineStatus first = engine.runOnce();

    assertThat(first.mainProviderId()).isEqualTo("isp1");
    assertThat(listener.switches).hasSize(1);
    assertThat(backend.applied()).containsExactly(ranked(1, 2, 3));
    assertThat(engine.linkUsable("isp1")).isTrue();
    assertThat(engine.decideNow().mainProviderId()).isEqualTo("isp1");
  }

  @Test
  void decideNow_switch_listenersHearOfItOnceTheRoutesAreApplied() {
    List<Integer> attemptsWhenHeard = new ArrayList<>();
    FailoverEngine watched =
        TestEngines.with(clock, backend)
            .scenario(ping)
            .listener(
                new FailoverListener() {
                  @Override
                  public void onMainProviderSwitched(MainProviderSwitched event) {
                    attemptsWhenHeard.add(backend.attempts());
                  }
                })
            .build();
    tick(watched, 2);
    int before = backend.attempts();

    watched.linkChanged("eth1", false);
    watched.decideNow();

    assertThat(attemptsWhenHeard).last().isEqualTo(before + 1);
    assertThat(watched.status().mainProviderId()).isEqualTo("isp2");
  }

  /** A scenario that answers at once, or waits for a latch once told to block. */
  private static final class BlockingScenario implements TestScenario {
    final CountDownLatch entered = new CountDownLatch(1);
    volatile CountDownLatch release = new CountDownLatch(1);

    void block(CountDownLatch latch) {
      release = latch;
    }

    @Override
    public String name() {
      return "blocking";
    }

    @Override
    public TestResult check(Provider provider, Duration timeout) {
      CountDownLatch latch = release;
      if (latch.getCount() > 0) {
        entered.countDown();
        try {
          if (!latch.await(10, TimeUnit.SECONDS)) {
            return TestResult.timeout(timeout);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return TestResult.timeout(timeout);
        }
      }
      return ok();
    }
  }

  /** A backend that, once told to block, signals when an apply starts and holds it until released. */
  private static final class BlockingBackend implements RouteBackend {
    final CountDownLatch applying = new CountDownLatch(1);
    private final FakeRouteBackend delegate;
    private volatile CountDownLatch release = new CountDownLatch(0);

    BlockingBackend(FakeRouteBackend delegate) {
      this.delegate = delegate;
    }

    void block(CountDownLatch latch) {
      release = latch;
    }

    @Override
    public ApplyOutcome apply(RoutingState desired) throws RouteBackendException {
      CountDownLatch latch = release;
      if (latch.getCount() > 0) {
        applying.countDown();
        try {
          latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return delegate.apply(desired);
    }

    @Override
    public Optional<RoutingState> current() {
      return delegate.current();
    }
  }
}
