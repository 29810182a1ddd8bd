package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.Service;
import com.google.common.util.concurrent.ServiceManager;
import com.google.common.util.concurrent.Uninterruptibles;
import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.Providers;
import dev.failover.api.RouteBackend;
import dev.failover.core.FailoverEngine;
import dev.failover.core.FailoverService;
import dev.failover.launcher.status.StatusDocument;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running daemon: the engine's {@link FailoverService}, which ticks on {@code check_interval}
 * (or {@code fast_check_interval} while a provider is in doubt), the writer of the status file,
 * the {@link LinkWatch} that reports the providers' links to the service, and the {@link
 * Observability} parts (hooks, metrics, the HTTP listener), started and stopped together.
 *
 * <p>Before anything else, the providers' routing tables and rules are prepared ({@link
 * RoutePreparation}), so that the first round's probes, bound to the providers' addresses, leave
 * through their own uplinks; a failure there is logged and the first apply retries. Then the link
 * watch starts, so that the first tick already knows which links are usable: every provider
 * interface is read once and reported through {@link FailoverService#linkChanged}, and each later
 * change too, which makes the engine re-decide at once without probing. Then the hooks hear
 * {@code started} and the HTTP listener opens (a listener that cannot bind is logged and left off),
 * and only then does the first tick run.
 *
 * <p>Stopping leaves the routes as they are, so the router keeps a working default route. A stop
 * waits for a tick in progress for at most {@value #TICK_GRACE_MILLIS} ms, then interrupts it (the
 * engine drops an interrupted tick without touching the routes), so that SIGTERM ends the process
 * within a second. Once stopped, the status file gets a last write that says so, the HTTP listener
 * closes, the {@code stopping} hooks run (for at most {@value Observability#STOP_HOOKS_MILLIS} ms),
 * the link watch stops (its process and thread end), the daemon's threads are shut down, and the
 * route backend's netlink socket is closed.
 *
 * <p><b>IPv6</b> (issue 16): when a provider has IPv6, a second engine judges and routes IPv6 in
 * a service of its own ({@link Ipv6Service}), started, stopped and watched for failure with the
 * IPv4 one, on a tick thread of its own ({@link DaemonExecutors}). Each hears the link flags and
 * resolutions of its family (a link that goes down is reported in both, so it takes both families
 * of its provider with it), and both hear every request to re-apply. The status file and page, the hooks, the metrics, flow
 * pinning and the track files follow both engines, each with its family (docs/architecture.md,
 * "IPv6 (dual stack)"). Thread-safe.
 */
@Singleton
public final class FailoverDaemon {
  private static final Logger logger = LoggerFactory.getLogger(FailoverDaemon.class);

  /** How long a stop lets a running tick finish before interrupting it. */
  static final long TICK_GRACE_MILLIS = 500;

  private final FailoverService service;
  private final Optional<FailoverService> ipv6Service;
  private final StatusPublisher publisher;
  private final DaemonExecutors executors;
  private final LinkWatch links;
  private final RoutePreparation preparation;
  private final Providers providers;
  private final Observability observability;
  private final UplinkTrackFiles trackFiles;
  private final RouteBackend backend;
  private final Supplier<JsonNode> statusDocument;
  private final ServiceManager services;
  private final AtomicBoolean failed = new AtomicBoolean();
  // Runs once; whoever comes second waits for it, so that the process does not end (after a
  // shutdown hook returned) while the stopping hooks still run on another thread.
  private final FutureTask<@Nullable Void> finishing = new FutureTask<>(this::release, null);

  @Inject
  FailoverDaemon(
      FailoverService service,
      @Ipv6Service Optional<FailoverService> ipv6Service,
      DaemonExecutors executors,
      @StatusFilePath Path statusFile,
      @CheckInterval Duration checkInterval,
      @StickyFile Path stickyFile,
      InstantSource clock,
      LinkWatch links,
      RoutePreparation preparation,
      Providers providers,
      Observability observability,
      UplinkTrackFiles trackFiles,
      RouteBackend backend) {
    this.service = checkNotNull(service, "service");
    this.ipv6Service = checkNotNull(ipv6Service, "ipv6Service");
    this.executors = checkNotNull(executors, "executors");
    this.links = checkNotNull(links, "links");
    this.preparation = checkNotNull(preparation, "preparation");
    this.providers = checkNotNull(providers, "providers");
    this.observability = checkNotNull(observability, "observability");
    this.trackFiles = checkNotNull(trackFiles, "trackFiles");
    this.backend = checkNotNull(backend, "backend");
    // The status writer reads the engines of these very services, both families in one file.
    Optional<FailoverEngine> ipv6Engine = ipv6Service.map(FailoverService::engine);
    this.publisher =
        new StatusPublisher(
            service.engine(),
            ipv6Engine,
            statusFile,
            checkInterval,
            stickyFile,
            clock,
            executors.tick());
    // The page's JSON holds the same document as the status file, made from the live engines.
    this.statusDocument =
        () ->
            StatusDocument.of(
                    service.engine().status(),
                    ipv6Engine.map(FailoverEngine::status),
                    checkInterval,
                    stickyFile,
                    true,
                    clock.instant())
                .toTree();
    List<Service> all = new ArrayList<>(List.of(service, publisher));
    ipv6Service.ifPresent(all::add);
    this.services = new ServiceManager(all);
    services.addListener(
        new ServiceManager.Listener() {
          @Override
          public void failure(Service failedService) {
            failed.set(true);
            logger.error("{} failed; stopping", failedService, failedService.failureCause());
            // The other service would keep the process alive, doing nothing useful.
            services.stopAsync();
          }

          @Override
          public void stopped() {
            finish();
          }
        },
        MoreExecutors.directExecutor());
  }

  /** The IPv4 engine, for its status and desired state. */
  public FailoverEngine engine() {
    return service.engine();
  }

  /**
   * The engine of {@code family}: empty for IPv6 when no provider has IPv6. The IPv4 engine is
   * always there (the config's rules refuse a config in which no provider has IPv4).
   */
  public Optional<FailoverEngine> engine(AddressFamily family) {
    return family == AddressFamily.IPV4
        ? Optional.of(service.engine())
        : ipv6Service.map(FailoverService::engine);
  }

  /** The services of both families: the IPv4 one, then the IPv6 one if there is one. */
  private List<FailoverService> familyServices() {
    List<FailoverService> all = new ArrayList<>(List.of(service));
    ipv6Service.ifPresent(all::add);
    return all;
  }

  /**
   * Prepares the providers' tables and rules, starts the link watch, then the engine's ticks and
   * the status writes. Returns once the link watch has reported every provider's link (normally
   * within milliseconds; the monitor waits at most 15 s for its first netlink snapshot), without
   * waiting for the first tick.
   *
   * @throws IllegalStateException if it was started before
   */
  public FailoverDaemon startAsync() {
    // The link watch first: it learns the values of the providers that omit some (a DHCP lease),
    // so that their tables and rules are prepared too.
    links.start(
        providers,
        new LinkWatch.Sink() {
          @Override
          public void linkChanged(String interfaceName, AddressFamily family, boolean usable) {
            // Per family: a dual-stack link that lost only its IPv4 address stays usable for
            // IPv6. A link down comes in both families, back to back: both engines re-decide.
            Optional<FailoverService> target =
                family == AddressFamily.IPV4 ? Optional.of(service) : ipv6Service;
            target.ifPresent(each -> each.linkChanged(interfaceName, usable));
          }

          @Override
          public void providerResolved(ProviderResolution resolution) {
            Optional<FailoverService> target =
                resolution.family() == AddressFamily.IPV4 ? Optional.of(service) : ipv6Service;
            if (target.isEmpty()) {
              logger.warn("{} is of a family no engine runs; ignored", resolution);
              return;
            }
            try {
              target.get().providerResolved(resolution);
            } catch (IllegalArgumentException e) {
              logger.error("{} resolved to values that cannot be used; ignored", resolution, e);
            }
          }

          @Override
          public void resynced() {
            // A decision always re-applies, and the backend reads the kernel afresh: the routes
            // a hidden down-and-up deleted come back at once instead of at the next re-assertion;
            // in both families.
            for (FailoverService each : familyServices()) {
              each.requestDecision();
            }
          }
        });
    // The learned values of both families, so that the first round's probes of each leave
    // through their own uplinks.
    List<ProviderResolution> learned = new ArrayList<>();
    for (FailoverService each : familyServices()) {
      for (ProviderResolution resolution : each.engine().resolutions().values()) {
        Provider provider = resolution.provider();
        if (provider != null
            && providers
                .byId(provider.id())
                .orElseThrow()
                .learnsFromInterface(resolution.family())) {
          learned.add(resolution);
        }
      }
    }
    preparation.prepare(learned);
    // Before the first tick, so that the hooks hear 'started' before any change.
    Map<AddressFamily, FailoverEngine> engines = new EnumMap<>(AddressFamily.class);
    for (AddressFamily family : AddressFamily.values()) {
      engine(family).ifPresent(engine -> engines.put(family, engine));
    }
    observability.start(engines, statusDocument);
    trackFiles.attach(engines);
    services.startAsync();
    return this;
  }

  /** Where the HTTP listener answers; empty if {@code http_listen} is empty or could not bind. */
  public Optional<InetSocketAddress> httpAddress() {
    return observability.httpAddress();
  }

  /**
   * Waits until every service runs (the engines' and the status writer).
   *
   * @throws IllegalStateException if one failed to start
   * @throws TimeoutException if they did not start within {@code limit}
   */
  public void awaitRunning(Duration limit) throws TimeoutException {
    services.awaitHealthy(limit);
  }

  /** Asks the daemon to stop; returns at once. */
  public FailoverDaemon stopAsync() {
    services.stopAsync();
    return this;
  }

  /**
   * Waits at most {@code limit} for the daemon to stop, interrupting a tick that is still running
   * after {@value #TICK_GRACE_MILLIS} ms.
   *
   * @return whether it stopped in time
   */
  public boolean awaitStopped(Duration limit) {
    Duration grace = Duration.ofMillis(Math.min(TICK_GRACE_MILLIS, limit.toMillis()));
    try {
      services.awaitStopped(grace);
      finish();
      return true;
    } catch (TimeoutException e) {
      logger.info("a tick is still running; interrupting it (the routes stay as they are)");
      executors.interruptTick();
    }
    try {
      services.awaitStopped(limit.minus(grace));
      finish();
      return true;
    } catch (TimeoutException e) {
      logger.warn("the daemon did not stop within {} ms", limit.toMillis());
      return false;
    }
  }

  /** Waits, without a limit, until the daemon stopped (by {@link #stopAsync()} or a failure). */
  public void awaitStopped() {
    services.awaitStopped();
    finish();
  }

  /** Whether a service of the daemon failed. */
  public boolean failed() {
    return failed.get()
        || service.state() == Service.State.FAILED
        || ipv6Service.map(six -> six.state() == Service.State.FAILED).orElse(false)
        || publisher.state() == Service.State.FAILED;
  }

  /**
   * Writes the last status, runs the {@code stopping} hooks and releases the threads, once; called
   * by whichever comes first (the manager's "stopped" event or a thread that waited for the stop),
   * and the others wait until it is done.
   */
  private void finish() {
    finishing.run();
    try {
      Uninterruptibles.getUninterruptibly(finishing);
    } catch (ExecutionException e) {
      logger.error("releasing the daemon's resources failed", e.getCause());
    }
  }

  private void release() {
    publisher.writeStopped();
    observability.stop(
        failed()
            ? "a service of the daemon failed; the routes stay as they are"
            : "the daemon is stopping; the routes stay as they are");
    links.stop();
    executors.shutdown();
    // The netlink backend keeps a socket between calls; a reload makes a new daemon and backend.
    if (backend instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        logger.warn("closing the route backend failed", e);
      }
    }
  }
}
