package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.ProviderRoute;
import dev.failover.api.RoutingState;
import dev.failover.core.EngineStatus;
import dev.failover.core.FailoverEngine;
import dev.failover.launcher.config.Durations;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.ProviderTestCases;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;

/**
 * {@code run --dry-run}: one round of the configured probes through every provider (a few back to
 * back if the first decision waits for a better-ranked provider's verdict), the policy's
 * verdicts, each provider's link, and the routing state the daemon would apply, printed; nothing in
 * the kernel changes.
 *
 * <p>The links are read once (as the daemon does at start), the probes are real (they send their
 * packets through each provider's source address) and the sticky file is read, but no route, rule
 * or table is written.
 *
 * <p>The engine's INFO log is written for a daemon whose backend changes the kernel ("applied
 * routing state ..."), and a dry run prints the same decisions itself; so the engine logs at WARN
 * and above here, unless {@code -D}{@value #ENGINE_LOG_LEVEL_PROPERTY} says otherwise. The
 * property takes effect only if the engine's class has not logged yet in this JVM, which holds
 * for {@code java -jar failover.jar run --dry-run}.
 */
public final class DryRun {
  /** The slf4j-simple property of the engine's log level. */
  static final String ENGINE_LOG_LEVEL_PROPERTY =
      "org.slf4j.simpleLogger.log.dev.failover.core.FailoverEngine";

  private DryRun() {}

  /**
   * Runs one round for {@code config} (or the few the first decision needs) and prints the outcome
   * to {@code out}.
   *
   * @return the state the daemon would apply
   * @throws IllegalArgumentException if a test case cannot be built
   */
  public static RoutingState run(FailoverConfig config, PrintWriter out) {
    checkNotNull(config, "config");
    if (System.getProperty(ENGINE_LOG_LEVEL_PROPERTY) == null) {
      System.setProperty(ENGINE_LOG_LEVEL_PROPERTY, "warn");
    }
    DryRunComponent component = DaggerDryRunComponent.factory().create(config);
    try {
      FailoverEngine engine = component.engine();
      // The daemon's start: every provider's link read once, so that the decision sees them.
      LinkWatch links = component.links();
      try {
        links.start(
            config.providers(),
            new LinkWatch.Sink() {
              @Override
              public void linkChanged(String interfaceName, AddressFamily family, boolean usable) {
                // The dry run decides for IPv4 only.
                if (family == AddressFamily.IPV4) {
                  engine.linkChanged(interfaceName, usable);
                }
              }

              @Override
              public void providerResolved(ProviderResolution resolution) {
                if (resolution.family() == AddressFamily.IPV4) {
                  engine.providerResolved(resolution);
                }
              }
            });
      } finally {
        links.stop();
      }
      EngineStatus status = engine.runOnce();
      int rounds = 1;
      // As in the daemon, the first decision waits while a better-ranked provider has no verdict.
      while (component.backend().last().or(engine::desiredState).isEmpty()
          && rounds <= FailoverEngine.MAX_STARTUP_HOLDS) {
        status = engine.runOnce();
        rounds++;
      }
      int roundsRun = rounds;
      RoutingState state =
          component
              .backend()
              .last()
              .or(engine::desiredState)
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "the engine decided nothing in " + roundsRun + " rounds"));
      print(config, engine.resolutions(), status, rounds, state, out);
      return state;
    } finally {
      component.executors().shutdown();
    }
  }

  private static void print(
      FailoverConfig config,
      Map<String, ProviderResolution> resolutions,
      EngineStatus status,
      int rounds,
      RoutingState state,
      PrintWriter out) {
    out.println(
        "dry run: "
            + (rounds == 1 ? "one round" : rounds + " rounds")
            + " of probes with policy '"
            + status.policy()
            + "'; no route, rule or table was changed");
    out.println(
        "interval in force: "
            + Durations.format(status.interval())
            + " (check_interval "
            + Durations.format(config.checkInterval())
            + ", fast_check_interval "
            + Durations.format(config.fastCheckInterval())
            + " while a provider is in doubt; probe_timeout "
            + Durations.format(config.probeTimeout())
            + (config.probeTimeouts().adaptive()
                ? ", then following the round trip between "
                    + Durations.format(config.probeTimeouts().min())
                    + " and "
                    + Durations.format(config.probeTimeouts().max())
                : "")
            + ")");
    out.println();
    for (EngineStatus.ProviderReport report : status.providers()) {
      out.printf(
          Locale.ROOT,
          "provider %-12s %-17s link: %-10s round: %-8s %s%n",
          report.id(),
          report.state(),
          report.linkUsable() ? "usable" : "NOT USABLE",
          report.recentOutcomes().isEmpty() ? "-" : report.recentOutcomes().get(0),
          report
              .averageLatency()
              .map(l -> String.format(Locale.ROOT, "(%.1f ms)", l.toNanos() / 1e6))
              .orElse(""));
      out.println("    " + report.reason());
      ProviderTestCases own = config.providerTestCases().get(report.id());
      if (own != null) {
        out.println("    test cases: " + own.summary());
      }
    }
    out.println();
    out.println(
        "main provider: "
            + status.mainProvider().orElse("none")
            + " ("
            + status.mainReason()
            + ": "
            + status.mainDetail()
            + ")");
    out.println("the daemon would set, in the main table:");
    for (ProviderRoute route : state.routes()) {
      Provider p = route.provider();
      out.printf(
          Locale.ROOT,
          "  ip route replace default %sdev %s src %s metric %d%n",
          via(p),
          p.interfaceName(),
          p.ipv4Address().getHostAddress(),
          route.metric());
    }
    out.println("and, for each provider, its table and rule:");
    for (Provider configured : config.providers()) {
      ProviderResolution resolution = resolutions.get(configured.id());
      Provider p = resolution == null ? configured : resolution.provider();
      if (p == null) {
        out.printf(
            Locale.ROOT,
            "  table %s (%d): none yet, provider %s is unconfigured: %s%n",
            configured.rtTableName(),
            configured.rtTableId(),
            configured.id(),
            resolution.reason());
        continue;
      }
      out.printf(
          Locale.ROOT,
          "  table %s (%d): %s dev %s src %s; default %sdev %s; rule from %s lookup %s%n",
          p.rtTableName(),
          p.rtTableId(),
          p.network(),
          p.interfaceName(),
          p.ipv4Address().getHostAddress(),
          via(p),
          p.interfaceName(),
          p.ipv4Address().getHostAddress(),
          p.rtTableName());
    }
    if (status.ticks() == 1 && status.providers().stream().noneMatch(r -> r.eligible())) {
      out.println();
      out.println(
          "note: after a single round no provider may be reliable yet (policy '"
              + status.policy()
              + "' may need a run of successes); the running daemon decides again every "
              + Durations.format(status.interval()));
    }
  }

  /** {@code "via GW "} ({@code "via GW onlink "} outside the network), or nothing on a point-to-point link. */
  private static String via(Provider p) {
    return p.gateway() == null
        ? ""
        : "via " + p.gateway().getHostAddress() + (p.onlink() ? " onlink " : " ");
  }
}
