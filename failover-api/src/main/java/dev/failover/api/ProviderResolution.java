package dev.failover.api;

import org.jspecify.annotations.Nullable;

/**
 * What a configured provider is right now: {@linkplain #isResolved() resolved} into a provider
 * whose address and network are known (configured or learned from its interface), or
 * <em>unconfigured</em>, with the reason. An unconfigured provider is not probed, never main and
 * has no routes; the others carry on without it.
 *
 * <p>A provider whose config names every value is resolved as configured from the start; one that
 * leaves values to be learned (a DHCP uplink, a point-to-point link, an interface that comes and
 * goes) is resolved whenever its interface shows them (see failover-linux's {@code
 * UplinkResolver}).
 *
 * @param providerId the configured provider's id
 * @param provider the provider with the values in force now; null when unconfigured
 * @param reason why the provider is unconfigured ("interface missing", "no address yet", "no
 *     gateway learned"); empty when resolved
 */
public record ProviderResolution(String providerId, @Nullable Provider provider, String reason) {

  public ProviderResolution {
    Checks.checkNotNull(providerId, "providerId");
    Checks.checkNotNull(reason, "reason");
    Checks.checkArgument(
        provider == null || provider.id().equals(providerId),
        "provider must have id '%s', was %s",
        providerId,
        provider);
    Checks.checkArgument(
        provider != null || !reason.isBlank(),
        "an unconfigured provider needs a reason (%s)",
        providerId);
    Checks.checkArgument(
        provider == null || (provider.ipv4Address() != null && provider.network() != null),
        "a resolved provider needs its ipv4_address and network, was %s: %s/%s",
        providerId,
        provider == null ? null : provider.ipv4Address(),
        provider == null ? null : provider.network());
    if (provider != null) {
      reason = "";
    }
  }

  /** {@code provider}, resolved with the values it holds. */
  public static ProviderResolution resolved(Provider provider) {
    return new ProviderResolution(Checks.checkNotNull(provider, "provider").id(), provider, "");
  }

  /** The provider {@code providerId} cannot be used now, because of {@code reason}. */
  public static ProviderResolution unconfigured(String providerId, String reason) {
    return new ProviderResolution(providerId, null, reason);
  }

  /** Whether the provider's address and network are known, so that it can be probed and routed. */
  public boolean isResolved() {
    return provider != null;
  }
}
