package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkState;
import static dev.failover.api.AddressFamily.IPV4;
import static dev.failover.api.AddressFamily.IPV6;

import dev.failover.api.Providers;
import dev.failover.linux.Ipv6UplinkResolver;
import dev.failover.linux.LinkMonitor;
import dev.failover.linux.LinkStatus;
import dev.failover.linux.NetlinkRouteBackendSettings;
import dev.failover.linux.UplinkResolver;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link LinkWatch} of the daemon: failover-linux's {@link LinkMonitor} (one rtnetlink socket
 * subscribed to the link and address notifications, and its thread) feeding a {@link
 * ProviderLinks}, with an {@link UplinkResolver} where a provider learns IPv4 values and an {@link
 * Ipv6UplinkResolver} where one learns IPv6 values. The monitor follows the default routes and the
 * IPv6 addresses where a provider learns values or has IPv6.
 *
 * <p>{@link #start} returns once every provider interface has been reported: the monitor's own
 * start-up report, and {@link LinkStatus#read} for an interface it did not report (missing). If the
 * monitor cannot start (the kernel refuses the socket), a warning is logged and the states read
 * once are all there is: the probes still notice a dead link. {@link #stop} ends the thread and
 * closes the socket. Thread-safe.
 */
final class LinuxLinkWatch implements LinkWatch {
  private static final Logger logger = LoggerFactory.getLogger(LinuxLinkWatch.class);

  private final Object lock = new Object();
  private @Nullable LinkMonitor monitor;
  private boolean started;
  private boolean stopped;

  private final int ownRouteProtocol;

  @Inject
  LinuxLinkWatch() {
    // The backend's protocol: its own default routes teach nothing.
    this.ownRouteProtocol = NetlinkRouteBackendSettings.defaults().routeProtocol();
  }

  @Override
  public void start(Providers providers, Sink sink) {
    boolean learnsIpv4 = providers.stream().anyMatch(p -> p.learnsFromInterface(IPV4));
    boolean learnsIpv6 = providers.stream().anyMatch(p -> p.learnsFromInterface(IPV6));
    ProviderLinks links =
        new ProviderLinks(
            providers,
            sink,
            learnsIpv4 ? new UplinkResolver(ownRouteProtocol) : null,
            learnsIpv6 ? new Ipv6UplinkResolver(ownRouteProtocol) : null);
    // Default routes are followed only where a provider learns its gateway from them, or has IPv6
    // (the IPv6 addresses, which its usable flag needs, come with them): a router that loads a
    // large table would otherwise only overrun the socket.
    LinkMonitor created =
        learnsIpv4 || providers.stream().anyMatch(p -> p.has(IPV6))
            ? LinkMonitor.followingDefaultRoutes(links, ownRouteProtocol)
            : new LinkMonitor(links);
    synchronized (lock) {
      checkState(!started, "the link watch was started already");
      started = true;
      if (stopped) {
        return;
      }
      monitor = created;
    }
    try {
      created.start();
    } catch (IllegalStateException e) {
      logger.warn(
          "cannot watch the links ({}); link changes are noticed by the probes only",
          e.getMessage());
    }
    links.reportInitial(this::read);
  }

  private Optional<LinkStatus> read(String interfaceName) {
    try {
      return Optional.of(LinkStatus.read(interfaceName));
    } catch (IOException e) {
      logger.warn(
          "cannot read interface '{}' ({}); it counts as usable until the probes say otherwise",
          interfaceName,
          e.getMessage());
      return Optional.empty();
    }
  }

  @Override
  public void stop() {
    LinkMonitor running;
    synchronized (lock) {
      stopped = true;
      running = monitor;
      monitor = null;
    }
    if (running != null) {
      running.close();
    }
  }
}
