package dev.failover.launcher.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.launcher.metrics.OpenMetricsParser.Family;
import java.util.Map;

/**
 * What {@code /metrics} must say after one switch from {@code from} to {@code to} of an IPv4-only
 * config (every per-provider and per-switch series with {@code family="ipv4"}), checked on the
 * exposition parsed by {@link OpenMetricsParser}; shared by the component test and the namespace
 * lab's jar test.
 */
public final class MetricsAssertions {
  /** The family label of the IPv4 engine's series, the only engine of an IPv4-only config. */
  static final String V4 = "ipv4";

  private MetricsAssertions() {}

  /**
   * Parses {@code openMetrics} strictly and checks the families, types, units and values of the
   * metrics after the switch.
   *
   * @return the families, for more checks
   */
  public static Map<String, ?> afterSwitch(
      String openMetrics, String from, String to, String reason) throws Exception {
    Map<String, Family> families = OpenMetricsParser.parse(openMetrics);

    assertThat(families.get("failover_provider_state").type()).isEqualTo("gauge");
    assertThat(families.get("failover_provider_main").type()).isEqualTo("gauge");
    assertThat(families.get("failover_provider_link_usable").type()).isEqualTo("gauge");
    assertThat(families.get("failover_provider").type()).isEqualTo("info");
    assertThat(families.get("failover_provider_rtt_seconds").type()).isEqualTo("histogram");
    assertThat(families.get("failover_provider_rtt_seconds").unit()).isEqualTo("seconds");
    assertThat(families.get("failover_provider_probes_sent").type()).isEqualTo("counter");
    assertThat(families.get("failover_provider_probes_lost").type()).isEqualTo("counter");
    assertThat(families.get("failover_provider_state_changes").type()).isEqualTo("counter");
    assertThat(families.get("failover_switches").type()).isEqualTo("counter");
    assertThat(families.get("failover_last_switch_timestamp_seconds").type()).isEqualTo("gauge");
    assertThat(families.get("failover_route_apply_failures").type()).isEqualTo("counter");
    // Families labelled by hook name have no sample (so no family) until a hook ran.
    for (String hooks : new String[] {"failover_hooks_run", "failover_hooks_failed"}) {
      if (families.containsKey(hooks)) {
        assertThat(families.get(hooks).type()).isEqualTo("counter");
      }
    }
    assertThat(families.get("failover_hook_events_dropped").type()).isEqualTo("counter");
    assertThat(families.get("failover_tick_duration_seconds").type()).isEqualTo("histogram");

    assertThat(v4(families, "failover_provider_main", "provider", from)).isEqualTo(0);
    assertThat(v4(families, "failover_provider_main", "provider", to)).isEqualTo(1);
    assertThat(v4(families, "failover_provider_state", "provider", from, "state", "DOWN"))
        .isEqualTo(1);
    assertThat(v4(families, "failover_provider_state", "provider", from, "state", "UP"))
        .isEqualTo(0);
    assertThat(v4(families, "failover_provider_state", "provider", to, "state", "UP")).isEqualTo(1);
    assertThat(v4(families, "failover_switches_total", "reason", reason)).isEqualTo(1);
    assertThat(v4(families, "failover_switches_total", "reason", "STARTUP")).isEqualTo(1);
    assertThat(v4(families, "failover_switches_total", "reason", "FAILBACK")).isEqualTo(0);
    assertThat(v4(families, "failover_last_switch_timestamp_seconds")).isPositive();
    double sent = v4(families, "failover_provider_probes_sent_total", "provider", from);
    double lost = v4(families, "failover_provider_probes_lost_total", "provider", from);
    assertThat(lost).isPositive().isLessThanOrEqualTo(sent);
    double answered = v4(families, "failover_provider_rtt_seconds_count", "provider", from);
    assertThat(answered).isEqualTo(sent - lost);
    assertThat(v4(families, "failover_provider_rtt_seconds_count", "provider", to))
        .isEqualTo(v4(families, "failover_provider_probes_sent_total", "provider", to));
    assertThat(v4(families, "failover_provider_state_changes_total", "provider", from))
        .isGreaterThanOrEqualTo(2); // INSUFFICIENT_DATA -> UP, ..., -> DOWN
    assertThat(value(families, "failover_tick_duration_seconds_count")).isPositive();
    assertThat(
            value(
                families,
                "failover_provider_info",
                "provider",
                from,
                "interface",
                "*",
                "rt_table",
                "*"))
        .isEqualTo(1);
    return families;
  }

  /**
   * The value of one sample of {@code openMetrics}, parsed strictly; a label value {@code *}
   * matches any value.
   *
   * @throws AssertionError if there is no such sample
   */
  public static double sample(String openMetrics, String name, String... labels) throws Exception {
    return value(OpenMetricsParser.parse(openMetrics), name, labels);
  }

  /** The value of a sample of the IPv4 engine ({@code family="ipv4"} added to {@code labels}). */
  static double v4(Map<String, Family> families, String name, String... labels) {
    String[] all = new String[labels.length + 2];
    all[0] = "family";
    all[1] = V4;
    System.arraycopy(labels, 0, all, 2, labels.length);
    return value(families, name, all);
  }

  /** The value of a sample; a label value {@code *} matches any value. */
  static double value(Map<String, Family> families, String name, String... labels) {
    for (Family family : families.values()) {
      for (OpenMetricsParser.Sample sample : family.samples()) {
        if (sample.name().equals(name) && matches(sample.labels(), labels)) {
          return sample.value();
        }
      }
    }
    throw new AssertionError("no sample " + name + " " + String.join(",", labels));
  }

  private static boolean matches(Map<String, String> actual, String... labels) {
    int wanted = 0;
    for (int i = 0; i + 1 < labels.length; i += 2) {
      String value = actual.get(labels[i]);
      if (value == null || !(labels[i + 1].equals("*") || labels[i + 1].equals(value))) {
        return false;
      }
      wanted++;
    }
    // Histogram buckets carry le as well; only the _bucket samples have more labels than asked.
    return actual.size() == wanted;
  }
}
