package dev.failover.api;

/**
 * One default route of the main table: through {@code provider}, at {@code metric}. The lowest
 * metric carries the traffic that is not bound to a provider.
 *
 * @param provider the uplink the route goes through (its gateway, interface and source address),
 *     {@linkplain ProviderResolution resolved}: a null gateway means a point-to-point link
 * @param metric the route's metric (priority), lower wins; 0 to 2^31-1
 */
public record ProviderRoute(Provider provider, int metric) {

  /**
   * @throws IllegalArgumentException if {@code metric} is negative
   */
  public ProviderRoute {
    Checks.checkNotNull(provider, "provider");
    Checks.checkArgument(
        provider.ipv4Address() != null && provider.network() != null,
        "a route needs a resolved provider (address and network known), was %s",
        provider);
    Checks.checkArgument(metric >= 0, "metric must be >= 0, was %s", metric);
  }
}
