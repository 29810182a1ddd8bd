package dev.failover.launcher;

import dev.failover.api.Provider;
import java.util.List;

/**
 * Prepares the kernel for the daemon's first round: the launcher's seam in front of
 * failover-linux's {@code NetlinkRouteBackend.prepare()}, so that the component test can use a
 * fake.
 *
 * <p>The first round's probes are bound to the providers' addresses; until each provider's table
 * and {@code from ADDR} rule exist, such a probe follows the main table and may leave (and succeed)
 * through another uplink, so that the first decision would be wrong.
 */
interface RoutePreparation {

  /**
   * Installs every provider's table and rule, and no main-table default route. Never throws: a
   * failure is logged, and the first apply of the engine retries what is missing.
   *
   * @param resolved the providers whose values were learned from their interfaces so far, with
   *     those values (empty when every provider's values are configured)
   */
  void prepare(List<Provider> resolved);
}
