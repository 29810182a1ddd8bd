package dev.failover.api;

/**
 * One default route of the main table in one address family: through {@code provider}, at {@code
 * metric}. The lowest metric of the family carries the family's traffic that is not bound to a
 * provider.
 *
 * @param provider the uplink the route goes through (its gateway, interface and source address of
 *     {@code family}), {@linkplain Provider#resolvedFor(AddressFamily) resolved for} the family: a
 *     null IPv4 gateway means a point-to-point link
 * @param metric the route's metric (priority), lower wins; 0 to 2^31-1
 * @param family the route's address family; IPv4 unless given, as every route was before IPv6
 */
public record ProviderRoute(Provider provider, int metric, AddressFamily family) {

  /**
   * @throws IllegalArgumentException if {@code metric} is negative, or the provider is not resolved
   *     for {@code family}
   */
  public ProviderRoute {
    Checks.checkNotNull(provider, "provider");
    Checks.checkNotNull(family, "family");
    Checks.checkArgument(
        provider.resolvedFor(family),
        "a route needs a resolved provider (%s, its %s address and network known), was %s",
        family,
        family,
        provider);
    Checks.checkArgument(metric >= 0, "metric must be >= 0, was %s", metric);
  }

  /**
   * An IPv4 route.
   *
   * @throws IllegalArgumentException if {@code metric} is negative, or the provider is not resolved
   *     for IPv4
   */
  public ProviderRoute(Provider provider, int metric) {
    this(provider, metric, AddressFamily.IPV4);
  }
}
