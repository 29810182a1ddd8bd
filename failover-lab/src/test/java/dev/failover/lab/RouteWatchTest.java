package dev.failover.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** The model of {@link RouteWatch}, fed {@code ip -ts monitor route link} lines by hand. */
class RouteWatchTest {
  private final RouteWatch watch = new RouteWatch("fx-test-rt", null);
  private final Instant now = Instant.parse("2026-01-01T10:00:00Z");

  private void line(String text) {
    watch.accept(text, now);
  }

  @Test
  void accept_replaceOfTheMainMetric_movesTheMainRouteWithoutAGap() {
    watch.armGaps();
    line("default via 192.168.1.1 dev wan1 proto 201 src 192.168.1.11 metric 100");
    line("default via 192.168.1.1 dev wan2 proto 201 src 192.168.1.12 metric 101");

    line("default via 192.168.1.1 dev wan2 proto 201 src 192.168.1.12 metric 100");

    assertThat(watch.main()).hasValueSatisfying(r -> assertThat(r.dev()).isEqualTo("wan2"));
    assertThat(watch.changesSince(now))
        .extracting(c -> c.dev().orElse("none"))
        .containsExactly("wan1", "wan2");
    assertThat(watch.gaps()).isEmpty();
  }

  @Test
  void accept_deleteOfTheLastDefaultRoute_isAGap() {
    watch.armGaps();
    line("default via 192.168.1.1 dev wan1 proto 201 metric 100");

    line("Deleted default via 192.168.1.1 dev wan1 proto 201 metric 100");
    line("default via 192.168.1.1 dev wan2 proto 201 metric 100");

    assertThat(watch.gaps()).hasSize(1);
    assertThat(watch.gaps().get(0).end()).isNotNull();
  }

  @Test
  void accept_interfaceSetDown_dropsItsRoutesAsTheKernelDoesSilently() {
    line("default via 192.168.1.1 dev wan1 proto 201 metric 100");
    line("default via 192.168.1.1 dev wan2 proto 201 metric 101");

    line("5: wan1@if4: <BROADCAST,MULTICAST> mtu 1500 qdisc noqueue state DOWN group default");

    assertThat(watch.routes()).containsOnlyKeys(101L);
  }

  @Test
  void accept_ipv6Watch_followsIpv6DefaultsAndIgnoresTheKernelsRouterAdvertisementRoutes() {
    RouteWatch v6 = new RouteWatch("fx-test-rt", null, true);
    v6.armGaps();
    v6.accept("default via fe80::1 dev wan2 proto ra metric 1024 expires 1790sec pref medium",
        now);
    v6.accept("default via fe80::1 dev wan1 proto 201 src 2001:db8:1::2 metric 100 pref medium",
        now);

    v6.accept(
        "Deleted default via fe80::1 dev wan1 proto 201 src 2001:db8:1::2 metric 100 pref medium",
        now);
    v6.accept("default via fe80::1 dev wan2 proto 201 src 2001:db8:2::2 metric 100 pref medium",
        now);

    assertThat(v6.routes()).containsOnlyKeys(100L);
    assertThat(v6.main()).hasValueSatisfying(r -> assertThat(r.dev()).isEqualTo("wan2"));
    assertThat(v6.gaps()).as("the RA route does not hide the gap").hasSize(1);
  }

  @Test
  void accept_ipv4Watch_ignoresIpv6Routes() {
    line("default via fe80::1 dev wan1 proto 201 metric 100 pref medium");

    assertThat(watch.routes()).isEmpty();
  }

  @Test
  void firstLinkLossSince_carrierLostThenBack_isTheLossStampedByIp() {
    // ip -ts stamps local time, which the watch reads in the system's zone.
    Instant lost =
        LocalDateTime.parse("2026-01-01T10:00:02.250").atZone(ZoneId.systemDefault()).toInstant();
    line("[2026-01-01T10:00:01.000000] 5: wan1@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500"
        + " state UP");
    line("[2026-01-01T10:00:02.250000] 5: wan1@if4: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500"
        + " state DOWN");
    line("[2026-01-01T10:00:03.000000] 5: wan1@if4: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500"
        + " state UP");

    assertThat(watch.firstLinkLossSince(Instant.EPOCH, "wan1"))
        .hasValueSatisfying(e -> assertThat(e.at()).isEqualTo(lost));
    assertThat(watch.firstLinkLossSince(lost.plusMillis(1), "wan1")).isEmpty();
    assertThat(watch.firstLinkLossSince(Instant.EPOCH, "wan2")).isEmpty();
  }

  @Test
  void accept_otherTablesAndTimestamps_areHandled() {
    line("[2026-01-01T10:00:01.250000] default via 192.168.1.1 dev wan1 table isp1 proto 201");
    assertThat(watch.routes()).isEmpty();

    line("[2026-01-01T10:00:01.500000] default via 192.168.1.1 dev wan1 proto 201 metric 100");

    assertThat(watch.changesSince(Instant.EPOCH)).hasSize(1);
  }
}
