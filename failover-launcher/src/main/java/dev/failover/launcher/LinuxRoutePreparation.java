package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.RouteBackendException;
import dev.failover.linux.NetlinkRouteBackend;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RoutePreparation} of the daemon: {@link NetlinkRouteBackend#prepare()} on the engine's own
 * backend, with a failure logged at WARN and otherwise ignored (the engine's first apply installs
 * the same tables and rules, and retries on every tick). Thread-safe, as the backend is.
 */
final class LinuxRoutePreparation implements RoutePreparation {
  private static final Logger logger = LoggerFactory.getLogger(LinuxRoutePreparation.class);

  private final NetlinkRouteBackend backend;

  @Inject
  LinuxRoutePreparation(NetlinkRouteBackend backend) {
    this.backend = checkNotNull(backend, "backend");
  }

  @Override
  public void prepare() {
    try {
      backend.prepare();
    } catch (RouteBackendException e) {
      logger.warn(
          "could not prepare the providers' tables and rules before the first round ({}); the"
              + " first apply retries",
          e.getMessage());
    }
  }
}
