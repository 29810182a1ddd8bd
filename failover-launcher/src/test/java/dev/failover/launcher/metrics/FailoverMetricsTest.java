package dev.failover.launcher.metrics;

import static dev.failover.launcher.metrics.MetricsAssertions.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.ProviderStatus;
import dev.failover.api.Providers;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.api.SwitchReason;
import dev.failover.api.TestResult;
import dev.failover.launcher.metrics.OpenMetricsParser.Family;
import dev.failover.testkit.TestProviders;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link FailoverMetrics} fed by the events of two engines, one per address family (issue 16): each
 * family's series carry its {@code family} label, and what is not about a family has none.
 */
class FailoverMetricsTest {
  private static final Instant AT = Instant.parse("2026-01-01T10:00:00Z");

  /** isp1 with IPv4 and IPv6, isp2 IPv4 only. */
  private final List<Provider> dualStack =
      List.of(
          TestProviders.withSharedGateway(2)
              .get(0)
              .withIpv6(
                  Ipv6.parse("2001:db8:1::2"),
                  Ipv6Network.parse("2001:db8:1::/64"),
                  Ipv6.parse("fe80::1")),
          TestProviders.withSharedGateway(2).get(1));

  private static Map<String, Family> scrape(FailoverMetrics metrics) throws Exception {
    return OpenMetricsParser.parse(
        OpenMetricsTextFormatWriter.create().toDebugString(metrics.registry().scrape()));
  }

  private ProviderStateChanged down(Provider provider) {
    return new ProviderStateChanged(
        provider,
        ProviderStatus.of(ProviderState.UP, AT, "ok"),
        ProviderStatus.of(ProviderState.DOWN, AT, "down"),
        AT);
  }

  @Test
  void new_dualStackProviders_createsEachProvidersSeriesAtZeroForEachFamilyItHas()
      throws Exception {
    Map<String, Family> families = scrape(new FailoverMetrics(Providers.of(dualStack)));

    for (String family : List.of("ipv4", "ipv6")) {
      assertThat(
              value(
                  families,
                  "failover_provider_probes_sent_total",
                  "family",
                  family,
                  "provider",
                  "isp1"))
          .isZero();
      assertThat(value(families, "failover_switches_total", "family", family, "reason", "FAILOVER"))
          .isZero();
      assertThat(
              value(
                  families,
                  "failover_route_apply_failures_total",
                  "family",
                  family,
                  "kind",
                  "error"))
          .isZero();
    }
    assertThat(
            value(
                families,
                "failover_provider_probes_sent_total",
                "family",
                "ipv4",
                "provider",
                "isp2"))
        .isZero();
    // isp2 has no IPv6: no series of it under ipv6.
    assertThatThrownBy(
            () ->
                value(
                    families,
                    "failover_provider_probes_sent_total",
                    "family",
                    "ipv6",
                    "provider",
                    "isp2"))
        .isInstanceOf(AssertionError.class);
    // The info describes the provider, both families: one series, no family label.
    assertThat(
            value(
                families,
                "failover_provider_info",
                "provider",
                "isp1",
                "interface",
                "eth1",
                "rt_table",
                "*"))
        .isEqualTo(1);
  }

  @Test
  void new_ipv4OnlyProviders_labelsEverySeriesIpv4AndHasNoIpv6Series() throws Exception {
    Map<String, Family> families =
        scrape(new FailoverMetrics(Providers.of(TestProviders.withSharedGateway(2))));

    assertThat(value(families, "failover_switches_total", "family", "ipv4", "reason", "STARTUP"))
        .isZero();
    assertThatThrownBy(
            () -> value(families, "failover_switches_total", "family", "ipv6", "reason", "STARTUP"))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void events_ofTheIpv6Engine_moveTheIpv6SeriesOnly() throws Exception {
    FailoverMetrics metrics = new FailoverMetrics(Providers.of(dualStack));
    Provider isp1 = dualStack.get(0);
    Provider isp2 = dualStack.get(1);

    metrics
        .events(AddressFamily.IPV6)
        .onRoundRecorded(
            isp1,
            new ProbeRound(
                AT,
                List.of(
                    TestResult.success(Duration.ofMillis(12)),
                    TestResult.timeout(Duration.ofMillis(200)))));
    metrics.events(AddressFamily.IPV6).onProviderStateChanged(down(isp1));
    metrics
        .events(AddressFamily.IPV6)
        .onMainProviderSwitched(
            new MainProviderSwitched(isp1, isp2, SwitchReason.FAILOVER, "isp1 down", AT));
    metrics
        .events(AddressFamily.IPV6)
        .onApplyFailed(
            RoutingState.ranked(AddressFamily.IPV6, List.of(isp1), 100),
            new RouteBackendException("isp1", "no route"));
    Map<String, Family> families = scrape(metrics);

    assertThat(
            value(
                families,
                "failover_provider_probes_sent_total",
                "family",
                "ipv6",
                "provider",
                "isp1"))
        .isEqualTo(2);
    assertThat(
            value(
                families,
                "failover_provider_probes_lost_total",
                "family",
                "ipv6",
                "provider",
                "isp1"))
        .isEqualTo(1);
    assertThat(
            value(
                families,
                "failover_provider_rtt_seconds_count",
                "family",
                "ipv6",
                "provider",
                "isp1"))
        .isEqualTo(1);
    assertThat(
            value(
                families,
                "failover_provider_state_changes_total",
                "family",
                "ipv6",
                "provider",
                "isp1"))
        .isEqualTo(1);
    assertThat(value(families, "failover_switches_total", "family", "ipv6", "reason", "FAILOVER"))
        .isEqualTo(1);
    assertThat(
            value(
                families, "failover_route_apply_failures_total", "family", "ipv6", "kind", "error"))
        .isEqualTo(1);
    assertThat(value(families, "failover_last_switch_timestamp_seconds", "family", "ipv6"))
        .isEqualTo(AT.getEpochSecond());
    // IPv4's are untouched, and it has not switched yet.
    assertThat(
            value(
                families,
                "failover_provider_probes_sent_total",
                "family",
                "ipv4",
                "provider",
                "isp1"))
        .isZero();
    assertThat(
            value(
                families,
                "failover_provider_state_changes_total",
                "family",
                "ipv4",
                "provider",
                "isp1"))
        .isZero();
    assertThat(value(families, "failover_switches_total", "family", "ipv4", "reason", "FAILOVER"))
        .isZero();
    assertThatThrownBy(
            () -> value(families, "failover_last_switch_timestamp_seconds", "family", "ipv4"))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void events_ofBothEngines_countEachUnderItsOwnFamily() throws Exception {
    FailoverMetrics metrics = new FailoverMetrics(Providers.of(dualStack));
    Provider isp1 = dualStack.get(0);

    metrics.events(AddressFamily.IPV4).onProviderStateChanged(down(isp1));
    metrics.events(AddressFamily.IPV6).onProviderStateChanged(down(isp1));
    metrics.events(AddressFamily.IPV6).onProviderStateChanged(down(isp1));
    Map<String, Family> families = scrape(metrics);

    assertThat(
            value(
                families,
                "failover_provider_state_changes_total",
                "family",
                "ipv4",
                "provider",
                "isp1"))
        .isEqualTo(1);
    assertThat(
            value(
                families,
                "failover_provider_state_changes_total",
                "family",
                "ipv6",
                "provider",
                "isp1"))
        .isEqualTo(2);
  }

  @Test
  void hooksAndTicks_notAboutAFamily_haveNoFamilyLabel() throws Exception {
    FailoverMetrics metrics = new FailoverMetrics(Providers.of(dualStack));

    metrics.tickCompleted(Duration.ofMillis(3));
    metrics.hookRefused("10-mail", dev.failover.launcher.hooks.HookEvent.started(AT, "started"));
    Map<String, Family> families = scrape(metrics);

    assertThat(value(families, "failover_tick_duration_seconds_count")).isEqualTo(1);
    assertThat(
            value(families, "failover_hooks_failed_total", "hook", "10-mail", "cause", "refused"))
        .isEqualTo(1);
    assertThat(value(families, "failover_hook_events_dropped_total")).isZero();
  }

  @Test
  void attach_familyNoProviderHas_isRefused() {
    FailoverMetrics metrics = new FailoverMetrics(Providers.of(TestProviders.withSharedGateway(2)));

    assertThatThrownBy(() -> metrics.attach(AddressFamily.IPV6, () -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("IPv6");
  }
}
