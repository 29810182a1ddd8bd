package dev.failover.api;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The complete routing state of one address family that a {@link RouteBackend} must make true: a
 * default route per provider in the family's main table, ordered by metric, the main provider
 * first.
 *
 * <p>Each provider also implies its own policy table and rule (DESIGN.md section 2), which the
 * backend keeps in place for every provider listed here, so that traffic bound to a provider's
 * source address leaves through it whatever its metric.
 *
 * <p><b>Per family.</b> The kernel keeps IPv4 and IPv6 routes and rules apart, and failover
 * switches each family's main route on its own verdicts, so a state covers one family: applying an
 * IPv6 state leaves every IPv4 route alone, and the other way round. An empty state still names its
 * family: it means "no default route of ours in this family". IPv4 is the default (the one-value
 * constructor, {@link #ranked(List, int)}), as every state was before IPv6.
 *
 * @param routes one route per provider, in strictly increasing metric order, each of {@code family}
 * @param family the address family every route is of
 */
public record RoutingState(List<ProviderRoute> routes, AddressFamily family) {

  /**
   * @throws IllegalArgumentException if a provider appears twice, two providers share an interface
   *     or table, the metrics are not strictly increasing, or a route is of another family
   */
  public RoutingState {
    routes = List.copyOf(Checks.checkNotNull(routes, "routes"));
    Checks.checkNotNull(family, "family");
    Set<String> ids = new HashSet<>();
    Set<String> interfaces = new HashSet<>();
    Set<Integer> tables = new HashSet<>();
    for (int i = 0; i < routes.size(); i++) {
      Provider provider = routes.get(i).provider();
      Checks.checkArgument(
          routes.get(i).family() == family,
          "an %s routing state holds only %s routes, but the route through %s is %s",
          family,
          family,
          provider,
          routes.get(i).family());
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
   * An IPv4 state.
   *
   * @throws IllegalArgumentException as the canonical constructor
   */
  public RoutingState(List<ProviderRoute> routes) {
    this(routes, AddressFamily.IPV4);
  }

  /**
   * The IPv4 state with {@code ranked} providers at metrics {@code startMetric}, {@code startMetric
   * + 1}, ... in that order.
   */
  public static RoutingState ranked(List<Provider> ranked, int startMetric) {
    return ranked(AddressFamily.IPV4, ranked, startMetric);
  }

  /**
   * The state of {@code family} with {@code ranked} providers at metrics {@code startMetric},
   * {@code startMetric + 1}, ... in that order.
   *
   * @throws IllegalArgumentException if {@code startMetric} is negative, or a provider is not
   *     resolved for {@code family}
   */
  public static RoutingState ranked(AddressFamily family, List<Provider> ranked, int startMetric) {
    Checks.checkNotNull(family, "family");
    Checks.checkArgument(startMetric >= 0, "startMetric must be >= 0, was %s", startMetric);
    ProviderRoute[] routes = new ProviderRoute[ranked.size()];
    for (int i = 0; i < routes.length; i++) {
      routes[i] = new ProviderRoute(ranked.get(i), startMetric + i, family);
    }
    return new RoutingState(List.of(routes), family);
  }

  /** The provider whose route has the lowest metric, if any. */
  public Optional<Provider> main() {
    return routes.isEmpty() ? Optional.empty() : Optional.of(routes.get(0).provider());
  }
}
