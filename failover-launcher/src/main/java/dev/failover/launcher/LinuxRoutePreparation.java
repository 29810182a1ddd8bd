package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.RouteBackendException;
import dev.failover.linux.FlowPinning;
import dev.failover.linux.FlowPinningException;
import dev.failover.linux.NetlinkRouteBackend;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RoutePreparation} of the daemon: {@link NetlinkRouteBackend#prepare(List, List)} on
 * the engines' own backend, with the learned values of each family (the IPv4 tables and rules,
 * then the IPv6 ones where a provider has IPv6), a failure logged at WARN and otherwise ignored
 * (each engine's first apply installs the same tables and rules, and retries on every tick).
 * Thread-safe, as the backend is.
 *
 * <p>Then flow pinning's nftables table and {@code fwmark} rules are installed ({@link
 * FlowPinning#install()}, the one {@code nft} run of the daemon's life), so that every flow is
 * marked from the first packet on, and a restart keeps every pinned flow where it is; a failure is
 * logged at ERROR and the daemon runs without pinning.
 */
final class LinuxRoutePreparation implements RoutePreparation {
  private static final Logger logger = LoggerFactory.getLogger(LinuxRoutePreparation.class);

  private final NetlinkRouteBackend backend;
  private final @Nullable FlowPinning pinning;

  @Inject
  LinuxRoutePreparation(NetlinkRouteBackend backend, FlowPinning pinning) {
    this.backend = checkNotNull(backend, "backend");
    this.pinning = checkNotNull(pinning, "pinning");
  }

  /** Without flow pinning, for tests. */
  LinuxRoutePreparation(NetlinkRouteBackend backend) {
    this.backend = checkNotNull(backend, "backend");
    this.pinning = null;
  }

  @Override
  public void prepare(List<ProviderResolution> learned) {
    List<Provider> ipv4 = new ArrayList<>();
    List<Provider> ipv6 = new ArrayList<>();
    for (ProviderResolution resolution : learned) {
      Provider provider = resolution.provider();
      if (provider != null) {
        (resolution.family() == AddressFamily.IPV4 ? ipv4 : ipv6).add(provider);
      }
    }
    try {
      backend.prepare(ipv4, ipv6);
    } catch (RouteBackendException e) {
      logger.warn(
          "could not prepare the providers' tables and rules before the first round ({}); the"
              + " first apply retries",
          e.getMessage());
    }
    if (pinning != null) {
      try {
        pinning.install();
      } catch (FlowPinningException e) {
        logger.error(
            "could not install flow pinning ({}); flows follow the main route and are not"
                + " released on a switch",
            e.getMessage());
      }
    }
  }
}
