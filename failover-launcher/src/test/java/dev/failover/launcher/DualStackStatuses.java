package dev.failover.launcher;

import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.core.FailoverEngine;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.TestCaseConfig;
import dev.failover.launcher.status.StatusDocument;
import dev.failover.testkit.FakeTestScenario;
import dev.failover.testkit.TestProviders;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Status documents of a real dual-stack daemon (built with fakes), for the tests of the status
 * file, the {@code status} command and the status page: isp1 and isp2 have IPv4 and IPv6 ({@code
 * 2001:db8:<i>::2/64} via {@code fe80::1}), isp3 IPv4 only.
 */
public final class DualStackStatuses {
  private DualStackStatuses() {}

  /** isp1 and isp2 with IPv6, isp3 without. */
  public static List<Provider> providers() {
    List<Provider> ipv4 = TestProviders.withSharedGateway(3);
    return List.of(withIpv6(ipv4.get(0), 1), withIpv6(ipv4.get(1), 2), ipv4.get(2));
  }

  private static Provider withIpv6(Provider provider, int i) {
    return provider.withIpv6(
        Ipv6.parse("2001:db8:" + i + "::2"),
        Ipv6Network.parse("2001:db8:" + i + "::/64"),
        Ipv6.parse("fe80::1"));
  }

  /** A dual-stack config with scratch files in {@code folder} and the listener given. */
  public static FailoverConfig config(Path folder, String httpListen) {
    return FailoverConfig.builder()
        .providers(providers())
        .testCases(List.of(new TestCaseConfig("fake", Map.of())))
        .statusFile(folder.resolve("status.json"))
        .stickyProviderFilename(folder.resolve("sticky.provider"))
        .hooksDir(folder.resolve("hooks.d"))
        .httpListen(httpListen)
        .build();
  }

  /** The most ticks a switch may take; the damped policy needs 3 failed rounds. */
  static final int MAX_TICKS_TO_SWITCH = 20;

  /**
   * A started dual-stack daemon whose isp1, main in both families at first, then fails over IPv6
   * only, until the IPv6 engine moved its main to isp2 (bounded).
   *
   * @throws AssertionError if the IPv6 main did not move within {@value #MAX_TICKS_TO_SWITCH} ticks
   */
  public static TestFailoverComponent ipv6OutageOfIsp1(Path folder, String httpListen) {
    FakeTestScenario v4 = new FakeTestScenario("fake");
    FakeTestScenario v6 = new FakeTestScenario("fake6", AddressFamily.IPV6);
    v4.always("isp1", TestResult.success(Duration.ofMillis(12)));
    v6.always("isp1", TestResult.success(Duration.ofMillis(20)));
    v6.always("isp2", TestResult.success(Duration.ofMillis(30)));
    TestFailoverComponent component =
        TestFailoverComponent.create(config(folder, httpListen), List.of(v4, v6));
    FailoverDaemon daemon = component.daemon();
    daemon.startAsync();
    component.scheduler().runDueTasks();
    FailoverEngine ipv6 = daemon.engine(AddressFamily.IPV6).orElseThrow();
    if (!ipv6.status().mainProvider().orElse("").equals("isp1")) {
      throw new AssertionError("isp1 is not the IPv6 main at first: " + ipv6.status());
    }
    v6.always("isp1", TestResult.failure(Duration.ofMillis(5), "no IPv6"));
    for (int i = 0; i < MAX_TICKS_TO_SWITCH; i++) {
      Duration next = daemon.engine().nextTickDelay();
      if (ipv6.nextTickDelay().compareTo(next) < 0) {
        next = ipv6.nextTickDelay();
      }
      component.scheduler().advance(next);
      if (ipv6.status().mainProvider().orElse("").equals("isp2")) {
        return component;
      }
    }
    throw new AssertionError(
        "no IPv6 switch within " + MAX_TICKS_TO_SWITCH + " ticks: " + ipv6.status());
  }

  /**
   * The document of a dual-stack daemon after an IPv6-only outage of isp1, the main of both
   * families before it: IPv4 main isp1, IPv6 main isp2.
   */
  public static StatusDocument afterIpv6OutageOfIsp1(Path folder, Instant writtenAt) {
    FailoverDaemon daemon = ipv6OutageOfIsp1(folder, "").daemon();
    return StatusDocument.of(
        daemon.engine().status(),
        daemon.engine(AddressFamily.IPV6).map(engine -> engine.status()),
        Duration.ofSeconds(5),
        folder.resolve("sticky.provider"),
        true,
        writtenAt);
  }
}
