package dev.failover.launcher.metrics;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.FailoverListener;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.ProbeRound;
import dev.failover.api.Provider;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.Providers;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.api.SwitchReason;
import dev.failover.api.TestResult;
import dev.failover.core.EngineStatus;
import dev.failover.launcher.hooks.HookEvent;
import dev.failover.launcher.hooks.HookObserver;
import dev.failover.launcher.hooks.HookResult;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The daemon's metrics, in a registry of its own (not the client's static default one), served at
 * {@code /metrics}.
 *
 * <p>Names follow Prometheus's conventions: prefix {@code failover_}, base units (seconds), {@code
 * _total} on counters, {@code _info} on the constant metadata; labels hold bounded values only
 * (provider ids, states, reasons, hook names). The list, with example alerts, is in
 * docs/operations.md ("Metrics"):
 *
 * <ul>
 *   <li>per provider, from the engine's status at scrape time: {@code failover_provider_state} (1
 *       for the state it is in, 0 for the others), {@code failover_provider_main}, {@code
 *       failover_provider_link_usable}; and {@code failover_provider_info} (interface, table);
 *   <li>per provider, from the rounds: {@code failover_provider_rtt_seconds} (histogram of the
 *       successful checks' round-trip times), {@code failover_provider_probes_sent_total}, {@code
 *       failover_provider_probes_lost_total}; from the events: {@code
 *       failover_provider_state_changes_total};
 *   <li>for the daemon: {@code failover_switches_total} by reason, {@code
 *       failover_last_switch_timestamp_seconds}, {@code failover_route_apply_failures_total} by
 *       kind, {@code failover_hooks_run_total} and {@code failover_hooks_failed_total} by hook,
 *       {@code failover_hook_events_dropped_total}, and {@code failover_tick_duration_seconds}.
 * </ul>
 *
 * <p>Every labelled counter is created at zero for every value known in advance (each provider,
 * each switch reason), so that {@code increase()} sees the first event. Thread-safe: the engine's
 * thread and the hooks' thread update it, HTTP threads scrape it.
 */
public final class FailoverMetrics
    implements FailoverListener, TickObserver, HookObserver {

  /**
   * Round-trip buckets, in seconds: from a fibre's 1 ms to a satellite's second; the default {@code
   * probe_timeout} (0.2 s) falls on a bucket boundary.
   */
  static final double[] RTT_BUCKETS = {
    0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2.5
  };

  /** Tick buckets, in seconds: a tick is mostly its probe round, at most {@code probe_timeout}. */
  static final double[] TICK_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Providers providers;
  private final Histogram rtt;
  private final Counter probesSent;
  private final Counter probesLost;
  private final Counter stateChanges;
  private final Counter switches;
  private final Counter applyFailures;
  private final Counter hooksRun;
  private final Counter hooksFailed;
  private final Counter eventsDropped;
  private final Histogram tickDuration;

  private volatile @Nullable Supplier<EngineStatus> status;
  private volatile @Nullable Instant lastSwitch;

  /** Metrics for {@code providers}; the status-based ones appear once {@link #attach} is called. */
  public FailoverMetrics(Providers providers) {
    this.providers = checkNotNull(providers, "providers");
    Info info =
        Info.builder()
            .name("failover_provider_info")
            .help("A configured provider (uplink): its interface and routing table.")
            .labelNames("provider", "interface", "rt_table")
            .register(registry);
    for (Provider p : providers) {
      info.addLabelValues(p.id(), p.interfaceName(), p.rtTableName());
    }
    GaugeWithCallback.builder()
        .name("failover_provider_state")
        .help(
            "1 for the state the policy gives the provider (INSUFFICIENT_DATA, UP, SUSPECT, DOWN,"
                + " RECOVERING), 0 for the others.")
        .labelNames("provider", "state")
        .callback(
            callback ->
                withStatus(
                    s -> {
                      for (EngineStatus.ProviderReport report : s.providers()) {
                        for (ProviderState state : ProviderState.values()) {
                          callback.call(report.state() == state ? 1 : 0, report.id(), state.name());
                        }
                      }
                    }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("failover_provider_main")
        .help("1 for the main provider (lowest-metric default route), 0 for the others.")
        .labelNames("provider")
        .callback(
            callback ->
                withStatus(
                    s -> {
                      String main = s.mainProviderId();
                      for (EngineStatus.ProviderReport report : s.providers()) {
                        callback.call(report.id().equals(main) ? 1 : 0, report.id());
                      }
                    }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("failover_provider_link_usable")
        .help("1 if the provider's link is usable (interface up, carrier, its address), else 0.")
        .labelNames("provider")
        .callback(
            callback ->
                withStatus(
                    s -> {
                      for (EngineStatus.ProviderReport report : s.providers()) {
                        callback.call(report.linkUsable() ? 1 : 0, report.id());
                      }
                    }))
        .register(registry);
    rtt =
        Histogram.builder()
            .name("failover_provider_rtt_seconds")
            .unit(Unit.SECONDS)
            .help("Round-trip time of the successful health checks through the provider.")
            .labelNames("provider")
            .classicOnly()
            .classicUpperBounds(RTT_BUCKETS)
            .withoutExemplars()
            .register(registry);
    probesSent =
        counter(
            "failover_provider_probes_sent",
            "Health checks run through the provider (one per test case and round).",
            "provider");
    probesLost =
        counter(
            "failover_provider_probes_lost",
            "Health checks through the provider that did not succeed (failure or timeout).",
            "provider");
    stateChanges =
        counter(
            "failover_provider_state_changes",
            "Changes of the provider's state as the policy judges it.",
            "provider");
    switches =
        counter(
            "failover_switches",
            "Changes of the main provider, by reason (STARTUP is the first decision).",
            "reason");
    GaugeWithCallback.builder()
        .name("failover_last_switch_timestamp_seconds")
        .unit(Unit.SECONDS)
        .help("When the main provider last changed, in seconds since the epoch.")
        .callback(
            callback -> {
              Instant at = lastSwitch;
              if (at != null) {
                callback.call(at.toEpochMilli() / 1000.0);
              }
            })
        .register(registry);
    applyFailures =
        counter(
            "failover_route_apply_failures",
            "Routing states not applied: kind 'error' (the backend failed, retried next tick) or"
                + " 'partial' (some providers skipped, e.g. an interface missing).",
            "kind");
    hooksRun = counter("failover_hooks_run", "Hook runs started, by hook file name.", "hook");
    hooksFailed =
        counter(
            "failover_hooks_failed",
            "Hook runs that failed, by hook and cause: exit (non-zero status), timeout (killed),"
                + " not_started, refused (not owned by root, or writable by group or others).",
            "hook",
            "cause");
    eventsDropped =
        counter(
            "failover_hook_events_dropped",
            "Events not handed to the hooks because too many were waiting.");
    tickDuration =
        Histogram.builder()
            .name("failover_tick_duration_seconds")
            .unit(Unit.SECONDS)
            .help("Duration of a scheduled tick: probe round, policy, selection, apply, events.")
            .classicOnly()
            .classicUpperBounds(TICK_BUCKETS)
            .withoutExemplars()
            .register(registry);

    for (Provider p : providers) {
      rtt.labelValues(p.id());
      probesSent.labelValues(p.id());
      probesLost.labelValues(p.id());
      stateChanges.labelValues(p.id());
    }
    for (SwitchReason reason : SwitchReason.values()) {
      switches.labelValues(reason.name());
    }
    applyFailures.labelValues("error");
    applyFailures.labelValues("partial");
  }

  private Counter counter(String name, String help, String... labels) {
    return Counter.builder()
        .name(name)
        .help(help)
        .labelNames(labels)
        .withoutExemplars()
        .register(registry);
  }

  /** The registry to serve. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /**
   * Makes the per-provider state gauges read {@code engineStatus} at each scrape; before this they
   * have no samples.
   */
  public void attach(Supplier<EngineStatus> engineStatus) {
    this.status = checkNotNull(engineStatus, "engineStatus");
  }

  private void withStatus(java.util.function.Consumer<EngineStatus> use) {
    Supplier<EngineStatus> supplier = status;
    if (supplier != null) {
      use.accept(supplier.get());
    }
  }

  @Override
  public void onRoundRecorded(Provider provider, ProbeRound round) {
    String id = provider.id();
    for (TestResult result : round.results()) {
      probesSent.labelValues(id).inc();
      if (result.succeeded()) {
        rtt.labelValues(id).observe(seconds(result.latency()));
      } else {
        probesLost.labelValues(id).inc();
      }
    }
  }

  @Override
  public void tickCompleted(Duration took) {
    tickDuration.observe(seconds(took));
  }

  @Override
  public void onProviderStateChanged(ProviderStateChanged event) {
    stateChanges.labelValues(event.provider().id()).inc();
  }

  @Override
  public void onMainProviderSwitched(MainProviderSwitched event) {
    switches.labelValues(event.reason().name()).inc();
    lastSwitch = event.at();
  }

  @Override
  public void onRoutesApplied(RoutingState desired, ApplyOutcome outcome) {
    if (!outcome.isComplete()) {
      applyFailures.labelValues("partial").inc();
    }
  }

  @Override
  public void onApplyFailed(RoutingState desired, RouteBackendException failure) {
    applyFailures.labelValues("error").inc();
  }

  @Override
  public void hookStarted(String hook, HookEvent event) {
    hooksRun.labelValues(hook).inc();
  }

  @Override
  public void hookFinished(String hook, HookEvent event, HookResult.Outcome outcome) {
    String cause =
        switch (outcome) {
          case SUCCEEDED -> null;
          case FAILED -> "exit";
          case TIMED_OUT -> "timeout";
          case NOT_STARTED -> "not_started";
        };
    if (cause != null) {
      hooksFailed.labelValues(hook, cause).inc();
    }
  }

  @Override
  public void hookRefused(String hook, HookEvent event) {
    hooksFailed.labelValues(hook, "refused").inc();
  }

  @Override
  public void eventDropped(HookEvent event) {
    eventsDropped.inc();
  }

  private static double seconds(Duration duration) {
    return duration.toNanos() / 1e9;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "FailoverMetrics(%s providers)", providers.size());
  }
}
