package dev.failover.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LanClient} and {@link RouteWatch} against the real kernel and the real ping. */
class LanClientNamespaceTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private NamespaceLab lab;

  @BeforeEach
  void startLab() throws Exception {
    assumeTrue(
        NamespaceLab.unavailableReason().isEmpty(), NamespaceLab.unavailableReason().orElse(""));
    assumeTrue(NamespaceLab.findOnPath("ping").isPresent(), "needs ping (iputils-ping); skipped");
    lab = NamespaceLab.builder("fc").isps(2).build();
  }

  @AfterEach
  void closeLab() {
    if (lab != null) {
      lab.close();
    }
  }

  /** A router without a default route answers with ICMP errors; ping must keep going. */
  @Test
  void count_noRouteThenARoute_keepsCountingThroughTheIcmpErrors() throws Exception {
    try (LanClient client =
        LanClient.start(lab.lanNamespace(), NamespaceLab.TARGETS.get(0), Duration.ofMillis(10),
            Duration.ofSeconds(60))) {
      Instant start = Instant.now();
      assertThat(client.awaitUntil(start.plusMillis(300), WAIT)).isTrue();
      lab.exec(lab.routerNamespace(), "ip", "route", "replace", "default", "via", "192.168.1.1",
          "dev", "wan1");
      Instant routed = Instant.now();
      assertThat(client.awaitUntil(routed.plusMillis(500), WAIT)).isTrue();

      LanClient.Count before = client.count(start, start.plusMillis(300));
      LanClient.Count after = client.count(routed.plusMillis(100), routed.plusMillis(500));
      assertThat(before.lost()).as("%s", before).isEqualTo(before.sent()).isPositive();
      assertThat(after.lost()).as("%s", after).isZero();
      assertThat(after.sent()).as("%s", after).isPositive();
      assertThat(client.running()).isTrue();
    }
  }

  @Test
  void count_blackholedUplink_countsEveryEchoAsLost() throws Exception {
    try (RouteWatch watch = RouteWatch.start(lab.routerNamespace())) {
      lab.exec(lab.routerNamespace(), "ip", "route", "replace", "default", "via", "192.168.1.1",
          "dev", "wan1", "metric", "100");
      assertThat(watch.await(routes -> !routes.isEmpty(), WAIT)).isTrue();
      try (LanClient client =
          LanClient.start(lab.lanNamespace(), NamespaceLab.TARGETS.get(0), Duration.ofMillis(10),
              Duration.ofSeconds(60))) {
        Instant start = Instant.now();
        Instant healthyEnd = start.plusMillis(500);
        assertThat(client.awaitUntil(healthyEnd, WAIT)).isTrue();

        lab.blackhole(1);
        Instant broke = Instant.now();
        Instant brokenEnd = broke.plusMillis(500);
        assertThat(client.awaitUntil(brokenEnd, WAIT)).isTrue();

        LanClient.Count healthy = client.count(start.plusMillis(100), healthyEnd);
        LanClient.Count broken = client.count(broke.plusMillis(50), brokenEnd);
        assertThat(healthy.sent()).as("%s", healthy).isGreaterThan(10);
        assertThat(healthy.lost()).as("%s", healthy).isZero();
        assertThat(broken.sent()).as("%s", broken).isGreaterThan(10);
        assertThat(broken.lost()).as("%s", broken).isEqualTo(broken.sent());
        assertThat(broken.silence()).isGreaterThan(Duration.ofMillis(300));
      }
      assertThat(watch.main()).hasValueSatisfying(r -> assertThat(r.dev()).isEqualTo("wan1"));
      assertThat(watch.changesSince(Instant.EPOCH)).hasSize(1);
    }
  }
}
