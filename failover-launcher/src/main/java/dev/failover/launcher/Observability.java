package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.failover.api.AddressFamily;
import dev.failover.core.FailoverEngine;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.hooks.HookEvent;
import dev.failover.launcher.hooks.HookRunner;
import dev.failover.launcher.http.EventTimeline;
import dev.failover.launcher.http.ProbeSamples;
import dev.failover.launcher.http.StatusPageJson;
import dev.failover.launcher.http.StatusServer;
import dev.failover.launcher.metrics.FailoverMetrics;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What tells the operator about the daemon, started and stopped with it: the event hooks, the
 * metrics and the HTTP listener ({@code /metrics}, the status page).
 *
 * <p>None of it may cost an outage. A listener that cannot bind {@code http_listen} (the port is
 * taken, the address is not the router's) is logged at ERROR and left off, and the daemon goes on
 * failing over. Hooks run on a thread of their own ({@link HookRunner}). At stop, the {@code
 * stopping} event's hooks get at most {@value #STOP_HOOKS_MILLIS} ms, so that SIGTERM still ends
 * the process well within systemd's {@code TimeoutStopSec}. Thread-safe.
 */
@Singleton
final class Observability {
  private static final Logger logger = LoggerFactory.getLogger(Observability.class);

  /** How long a stop waits for the hooks of the events still queued, {@code stopping} included. */
  static final long STOP_HOOKS_MILLIS = 3_000;

  private final Optional<InetSocketAddress> listen;
  private final HookRunner hooks;
  private final FailoverMetrics metrics;
  private final ProbeSamples samples;
  private final EventTimeline timeline;
  private final InstantSource clock;

  private @Nullable StatusServer server;
  private @Nullable InetSocketAddress bound;
  private boolean stopped;

  @Inject
  Observability(
      FailoverConfig config,
      HookRunner hooks,
      FailoverMetrics metrics,
      ProbeSamples samples,
      EventTimeline timeline,
      InstantSource clock) {
    this.listen = config.httpListenAddress();
    this.hooks = checkNotNull(hooks, "hooks");
    this.metrics = checkNotNull(metrics, "metrics");
    this.samples = checkNotNull(samples, "samples");
    this.timeline = checkNotNull(timeline, "timeline");
    this.clock = checkNotNull(clock, "clock");
  }

  /**
   * Starts listening and queues the {@code started} event; before the engines' first tick, so that
   * the hooks hear {@code started} before any change.
   *
   * @param engines the daemon's engine of each address family it runs (IPv4, and IPv6 when a
   *     provider has it), whose status the metrics show under their {@code family} label
   * @param statusDocument the status document as a JSON tree, as the status file holds it
   */
  synchronized void start(
      Map<AddressFamily, FailoverEngine> engines, Supplier<? extends JsonNode> statusDocument) {
    checkArgument(!engines.isEmpty(), "engines must not be empty");
    engines.forEach((family, engine) -> metrics.attach(family, engine::status));
    hooks.describe();
    hooks.submit(HookEvent.started(clock.instant(), startedReason(engines)));
    if (listen.isEmpty()) {
      logger.info("http_listen is empty: no /metrics and no status page");
      return;
    }
    StatusServer candidate =
        new StatusServer(
            listen.get(),
            metrics.registry(),
            new StatusPageJson(statusDocument, samples, timeline, clock));
    try {
      bound = candidate.start();
      server = candidate;
      logger.info(
          "status page http://{}/ and metrics http://{}/metrics",
          hostAndPort(bound),
          hostAndPort(bound));
    } catch (IOException | RuntimeException e) {
      candidate.stop();
      logger.error(
          "cannot listen on http_listen {} ({}); /metrics and the status page are off, failover"
              + " goes on",
          listen.get(),
          e.toString());
    }
  }

  /**
   * Closes the listener, queues the {@code stopping} event and waits (at most {@value
   * #STOP_HOOKS_MILLIS} ms) for the queued hooks; once.
   */
  synchronized void stop(String reason) {
    if (stopped) {
      return;
    }
    stopped = true;
    if (server != null) {
      server.stop();
    }
    hooks.submit(HookEvent.stopping(clock.instant(), reason));
    hooks.stop(Duration.ofMillis(STOP_HOOKS_MILLIS));
  }

  /** The address the listener is bound to; empty if it is off or could not bind. */
  synchronized Optional<InetSocketAddress> httpAddress() {
    return Optional.ofNullable(bound);
  }

  /**
   * {@code failover started with 3 providers (isp1, isp2, isp3), policy 'damped'}, and the IPv6
   * ones when a provider has IPv6: {@code ..., IPv6 through 2 (isp1, isp2), policy ...}.
   */
  static String startedReason(Map<AddressFamily, FailoverEngine> engines) {
    Set<String> ids = new LinkedHashSet<>();
    engines.values().forEach(engine -> ids.addAll(engine.providers().ids()));
    FailoverEngine any = engines.values().iterator().next();
    StringBuilder reason =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "failover started with %s providers (%s)",
                ids.size(),
                String.join(", ", ids)));
    FailoverEngine ipv6 = engines.get(AddressFamily.IPV6);
    if (ipv6 != null && engines.size() > 1) {
      reason.append(
          String.format(
              Locale.ROOT,
              ", IPv6 through %s (%s)",
              ipv6.providers().size(),
              String.join(", ", ipv6.providers().ids())));
    }
    return reason.append(", policy '").append(any.policyName()).append("'").toString();
  }

  private static String hostAndPort(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
