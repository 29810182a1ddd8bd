package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.Provider;
import dev.failover.api.RouteBackendException;
import dev.failover.linux.FlowPinning;
import dev.failover.linux.FlowPinningException;
import dev.failover.linux.NetlinkRouteBackend;
import jakarta.inject.Inject;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RoutePreparation} of the daemon: {@link NetlinkRouteBackend#prepare()} on the engine's own
 * backend, with a failure logged at WARN and otherwise ignored (the engine's first apply installs
 * the same tables and rules, and retries on every tick). Thread-safe, as the backend is.
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
  public void prepare(List<Provider> resolved) {
    try {
      backend.prepare(resolved);
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
