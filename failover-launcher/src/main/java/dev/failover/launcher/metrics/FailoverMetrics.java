package dev.failover.launcher.metrics;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.AddressFamily;
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
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The daemon's metrics, in a registry of its own (not the client's static default one), served at
 * {@code /metrics}.
 *
 * <p>Names follow Prometheus's conventions: prefix {@code failover_}, base units (seconds), {@code
 * _total} on counters, {@code _info} on the constant metadata; labels hold bounded values only
 * (address families, provider ids, states, reasons, hook names). The list, with example alerts, is
 * in docs/operations.md ("Metrics"):
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
 * <p><b>Address families</b> (issue 16): each family has an engine of its own, so every metric
 * about a provider's verdict, its probes or a switch carries a {@code family} label ({@code ipv4}
 * or {@code ipv6}); a config without IPv6 gives {@code family="ipv4"} on all of them, so that a
 * query by provider alone still finds its series. Each engine hears its family's view, {@link
 * #events(AddressFamily)}, and its status is {@linkplain #attach attached} per family. What is not
 * about a family stays without the label: {@code failover_provider_info} (the interface and table
 * serve both families, and one series per provider keeps joins on {@code provider} one-to-one), the
 * hooks' counters and the tick duration (both engines tick on the one thread).
 *
 * <p>Every labelled counter is created at zero for every value known in advance (each provider and
 * family it has, each switch reason of each family some provider has), so that {@code increase()}
 * sees the first event. Thread-safe: the engines' thread and the hooks' thread update it, HTTP
 * threads scrape it.
 */
public final class FailoverMetrics implements TickObserver, HookObserver {

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

  /** The families some provider has, in enum order: the ones with an engine. */
  private final List<AddressFamily> families;

  private final Map<AddressFamily, FailoverListener> events = new EnumMap<>(AddressFamily.class);
  private final Map<AddressFamily, Supplier<EngineStatus>> statuses = new ConcurrentHashMap<>();
  private final Map<AddressFamily, Instant> lastSwitches = new ConcurrentHashMap<>();

  /**
   * Metrics for {@code providers}; the status-based ones of a family appear once {@link #attach} is
   * called for it.
   */
  public FailoverMetrics(Providers providers) {
    this.providers = checkNotNull(providers, "providers");
    this.families =
        List.of(AddressFamily.values()).stream()
            .filter(family -> !providers.having(family).isEmpty())
            .toList();
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
        .labelNames("family", "provider", "state")
        .callback(
            callback ->
                withStatus(
                    (family, s) -> {
                      for (EngineStatus.ProviderReport report : s.providers()) {
                        for (ProviderState state : ProviderState.values()) {
                          callback.call(
                              report.state() == state ? 1 : 0, family, report.id(), state.name());
                        }
                      }
                    }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("failover_provider_main")
        .help("1 for the main provider (lowest-metric default route), 0 for the others.")
        .labelNames("family", "provider")
        .callback(
            callback ->
                withStatus(
                    (family, s) -> {
                      String main = s.mainProviderId();
                      for (EngineStatus.ProviderReport report : s.providers()) {
                        callback.call(report.id().equals(main) ? 1 : 0, family, report.id());
                      }
                    }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("failover_provider_link_usable")
        .help("1 if the provider's link is usable (interface up, carrier, its address), else 0.")
        .labelNames("family", "provider")
        .callback(
            callback ->
                withStatus(
                    (family, s) -> {
                      for (EngineStatus.ProviderReport report : s.providers()) {
                        callback.call(report.linkUsable() ? 1 : 0, family, report.id());
                      }
                    }))
        .register(registry);
    rtt =
        Histogram.builder()
            .name("failover_provider_rtt_seconds")
            .unit(Unit.SECONDS)
            .help("Round-trip time of the successful health checks through the provider.")
            .labelNames("family", "provider")
            .classicOnly()
            .classicUpperBounds(RTT_BUCKETS)
            .withoutExemplars()
            .register(registry);
    probesSent =
        counter(
            "failover_provider_probes_sent",
            "Health checks run through the provider (one per test case and round).",
            "family",
            "provider");
    probesLost =
        counter(
            "failover_provider_probes_lost",
            "Health checks through the provider that did not succeed (failure or timeout).",
            "family",
            "provider");
    stateChanges =
        counter(
            "failover_provider_state_changes",
            "Changes of the provider's state as the policy judges it.",
            "family",
            "provider");
    switches =
        counter(
            "failover_switches",
            "Changes of the main provider, by reason (STARTUP is the first decision).",
            "family",
            "reason");
    GaugeWithCallback.builder()
        .name("failover_last_switch_timestamp_seconds")
        .unit(Unit.SECONDS)
        .help("When the main provider last changed, in seconds since the epoch.")
        .labelNames("family")
        .callback(
            callback -> {
              for (AddressFamily family : families) {
                Instant at = lastSwitches.get(family);
                if (at != null) {
                  callback.call(at.toEpochMilli() / 1000.0, family.key());
                }
              }
            })
        .register(registry);
    applyFailures =
        counter(
            "failover_route_apply_failures",
            "Routing states not applied: kind 'error' (the backend failed, retried next tick) or"
                + " 'partial' (some providers skipped, e.g. an interface missing).",
            "family",
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

    for (AddressFamily family : families) {
      String label = family.key();
      for (Provider p : providers.having(family)) {
        rtt.labelValues(label, p.id());
        probesSent.labelValues(label, p.id());
        probesLost.labelValues(label, p.id());
        stateChanges.labelValues(label, p.id());
      }
      for (SwitchReason reason : SwitchReason.values()) {
        switches.labelValues(label, reason.name());
      }
      applyFailures.labelValues(label, "error");
      applyFailures.labelValues(label, "partial");
    }
    for (AddressFamily family : AddressFamily.values()) {
      events.put(family, new FamilyEvents(family));
    }
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
   * What the engine of {@code family} tells the metrics: its rounds, state changes, switches and
   * applies, counted under {@code family="ipv4"} or {@code "ipv6"}. The same instance at every
   * call. There is one for a family no provider has too (the graph builds the IPv6 engine's
   * listeners before it knows whether that engine runs); it never hears anything.
   */
  public FailoverListener events(AddressFamily family) {
    return events.get(checkNotNull(family, "family"));
  }

  /**
   * Makes the per-provider state gauges of {@code family} read {@code engineStatus}, the status of
   * that family's engine, at each scrape; before this they have no samples of that family.
   *
   * @throws IllegalArgumentException if no provider has {@code family}
   */
  public void attach(AddressFamily family, Supplier<EngineStatus> engineStatus) {
    checkArgument(
        families.contains(checkNotNull(family, "family")),
        "no provider has %s; its engine does not run",
        family);
    statuses.put(family, checkNotNull(engineStatus, "engineStatus"));
  }

  /** Hands each attached family's label and status to {@code use}, in family order. */
  private void withStatus(BiConsumer<String, EngineStatus> use) {
    for (AddressFamily family : families) {
      Supplier<EngineStatus> supplier = statuses.get(family);
      if (supplier != null) {
        use.accept(family.key(), supplier.get());
      }
    }
  }

  /** One family's engine events, counted under its {@code family} label. */
  private final class FamilyEvents implements FailoverListener {
    private final AddressFamily of;
    private final String family;

    FamilyEvents(AddressFamily of) {
      this.of = of;
      this.family = of.key();
    }

    @Override
    public void onRoundRecorded(Provider provider, ProbeRound round) {
      String id = provider.id();
      for (TestResult result : round.results()) {
        probesSent.labelValues(family, id).inc();
        if (result.succeeded()) {
          rtt.labelValues(family, id).observe(seconds(result.latency()));
        } else {
          probesLost.labelValues(family, id).inc();
        }
      }
    }

    @Override
    public void onProviderStateChanged(ProviderStateChanged event) {
      stateChanges.labelValues(family, event.provider().id()).inc();
    }

    @Override
    public void onMainProviderSwitched(MainProviderSwitched event) {
      switches.labelValues(family, event.reason().name()).inc();
      lastSwitches.put(of, event.at());
    }

    @Override
    public void onRoutesApplied(RoutingState desired, ApplyOutcome outcome) {
      if (!outcome.isComplete()) {
        applyFailures.labelValues(family, "partial").inc();
      }
    }

    @Override
    public void onApplyFailed(RoutingState desired, RouteBackendException failure) {
      applyFailures.labelValues(family, "error").inc();
    }

    @Override
    public String toString() {
      return "FailoverMetrics.events(" + family + ")";
    }
  }

  @Override
  public void tickCompleted(Duration took) {
    tickDuration.observe(seconds(took));
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
