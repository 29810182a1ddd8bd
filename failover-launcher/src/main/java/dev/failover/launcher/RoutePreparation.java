package dev.failover.launcher;

import dev.failover.api.ProviderResolution;
import java.util.List;

/**
 * Prepares the kernel for the daemon's first round: the launcher's seam in front of
 * failover-linux's {@code NetlinkRouteBackend.prepare()}, so that the component test can use a
 * fake.
 *
 * <p>The first round's probes are bound to the providers' addresses; until each provider's table
 * and {@code from ADDR} rule exist, such a probe follows the main table and may leave (and succeed)
 * through another uplink, so that the first decision would be wrong. This holds in each family: the
 * IPv6 tables and rules are prepared too, for the providers with IPv6.
 */
interface RoutePreparation {

  /**
   * Installs every provider's table and rule in each family it has, and no main-table default
   * route. Never throws: a failure is logged, and the first apply of the engine retries what is
   * missing.
   *
   * @param learned the resolutions, of either family, of the providers that learn values of that
   *     family from their interfaces and resolved so far (empty when every value is configured)
   */
  void prepare(List<ProviderResolution> learned);
}
