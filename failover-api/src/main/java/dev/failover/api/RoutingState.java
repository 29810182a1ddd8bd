package dev.failover.api;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The complete routing state a {@link RouteBackend} must make true: a default route per provider in
 * the main table, ordered by metric, the main provider first.
 *
 * <p>Each provider also implies its own policy table and rule (DESIGN.md section 2), which the
 * backend keeps in place for every provider listed here, so that traffic bound to a provider's
 * source address leaves through it whatever its metric.
 *
 * @param routes one route per provider, in strictly increasing metric order
 */
public record RoutingState(List<ProviderRoute> routes) {

  /**
   * @throws IllegalArgumentException if a provider appears twice, two providers share an interface
   *     or table, or the metrics are not strictly increasing
   */
  public RoutingState {
    routes = List.copyOf(Checks.checkNotNull(routes, "routes"));
    Set<String> ids = new HashSet<>();
    Set<String> interfaces = new HashSet<>();
    Set<Integer> tables = new HashSet<>();
    for (int i = 0; i < routes.size(); i++) {
      Provider provider = routes.get(i).provider();
      Checks.checkArgument(ids.add(provider.id()), "routes name %s twice", provider);
      Checks.checkArgument(
          interfaces.add(provider.interfaceName()),
          "routes name interface %s twice (second time for %s)",
          provider.interfaceName(),
          provider);
      Checks.checkArgument(
          tables.add(provider.rtTableId()),
          "routes name table %s twice (second time for %s)",
          provider.rtTableId(),
          provider);
      if (i > 0) {
        Checks.checkArgument(
            routes.get(i).metric() > routes.get(i - 1).metric(),
            "route metrics must increase strictly, but %s has %s after %s",
            provider,
            routes.get(i).metric(),
            routes.get(i - 1).metric());
      }
    }
  }

  /**
   * The state with {@code ranked} providers at metrics {@code startMetric}, {@code startMetric +
   * 1}, ... in that order.
   */
  public static RoutingState ranked(List<Provider> ranked, int startMetric) {
    Checks.checkArgument(startMetric >= 0, "startMetric must be >= 0, was %s", startMetric);
    ProviderRoute[] routes = new ProviderRoute[ranked.size()];
    for (int i = 0; i < routes.length; i++) {
      routes[i] = new ProviderRoute(ranked.get(i), startMetric + i);
    }
    return new RoutingState(List.of(routes));
  }

  /** The provider whose route has the lowest metric, if any. */
  public Optional<Provider> main() {
    return routes.isEmpty() ? Optional.empty() : Optional.of(routes.get(0).provider());
  }
}
