package dev.failover.api;

import org.jspecify.annotations.Nullable;

/**
 * What a configured provider is right now in one address family: {@linkplain #isResolved()
 * resolved} into a provider whose address and network of that family are known (configured or
 * learned from its interface), or <em>unconfigured</em> in that family, with the reason. An
 * unconfigured provider is not probed, never main and has no routes in that family; the others
 * carry on without it.
 *
 * <p>A provider whose config names every value is resolved as configured from the start; one that
 * leaves values to be learned (a DHCP uplink, a point-to-point link, an interface that comes and
 * goes; for IPv6, an address from SLAAC or DHCPv6 and a gateway from router advertisements) is
 * resolved whenever its interface shows them (see failover-linux's {@code UplinkResolver}).
 *
 * <p><b>Per family.</b> A dual-stack provider has one resolution per family, because the families
 * come and go apart: an uplink may hold its DHCP lease while its IPv6 prefix is still to be
 * advertised. The family defaults to IPv4 (the three-value constructor, {@link
 * #resolved(Provider)}, {@link #unconfigured(String, String)}), as every resolution was before
 * IPv6.
 *
 * @param providerId the configured provider's id
 * @param provider the provider with the values in force now, {@linkplain
 *     Provider#resolvedFor(AddressFamily) resolved for} {@code family}; null when unconfigured
 * @param reason why the provider is unconfigured ("interface missing", "no address yet", "no
 *     gateway learned"); empty when resolved
 * @param family the address family this resolution is about
 */
public record ProviderResolution(
    String providerId, @Nullable Provider provider, String reason, AddressFamily family) {

  /**
   * @throws IllegalArgumentException if the provider has another id, an unconfigured provider has
   *     no reason, or a resolved one lacks the address or network of {@code family}
   */
  public ProviderResolution {
    Checks.checkNotNull(providerId, "providerId");
    Checks.checkNotNull(reason, "reason");
    Checks.checkNotNull(family, "family");
    Checks.checkArgument(
        provider == null || provider.id().equals(providerId),
        "provider must have id '%s', was %s",
        providerId,
        provider);
    Checks.checkArgument(
        provider != null || !reason.isBlank(),
        "an unconfigured provider needs a reason (%s)",
        providerId);
    if (provider != null) {
      Checks.checkArgument(
          provider.resolvedFor(family),
          "a resolved provider needs %s (resolved for %s), was %s: %s%s/%s",
          family == AddressFamily.IPV4
              ? "its ipv4_address and network"
              : "ipv6 turned on and its ipv6_address and ipv6_prefix",
          family,
          providerId,
          provider.has(family) ? "" : "no " + family + ", ",
          provider.address(family).map(AddressFamily::text).orElse(null),
          provider.networkText(family).orElse(null));
      reason = "";
    }
  }

  /** An IPv4 resolution, as every resolution was before IPv6. */
  public ProviderResolution(String providerId, @Nullable Provider provider, String reason) {
    this(providerId, provider, reason, AddressFamily.IPV4);
  }

  /** {@code provider}, resolved for IPv4 with the values it holds. */
  public static ProviderResolution resolved(Provider provider) {
    return resolved(provider, AddressFamily.IPV4);
  }

  /** {@code provider}, resolved for {@code family} with the values it holds. */
  public static ProviderResolution resolved(Provider provider, AddressFamily family) {
    return new ProviderResolution(
        Checks.checkNotNull(provider, "provider").id(), provider, "", family);
  }

  /** The provider {@code providerId} cannot be used for IPv4 now, because of {@code reason}. */
  public static ProviderResolution unconfigured(String providerId, String reason) {
    return unconfigured(providerId, AddressFamily.IPV4, reason);
  }

  /**
   * The provider {@code providerId} cannot be used for {@code family} now, because of {@code
   * reason}.
   */
  public static ProviderResolution unconfigured(
      String providerId, AddressFamily family, String reason) {
    return new ProviderResolution(providerId, null, reason, family);
  }

  /**
   * Whether the provider's address and network of the family are known, so that it can be probed
   * and routed in it.
   */
  public boolean isResolved() {
    return provider != null;
  }
}
