package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import org.jspecify.annotations.Nullable;

/**
 * What the IPv6 side of an uplink is right now: resolved into its values ({@link Ipv6Uplink}), or
 * unconfigured with the reason, as {@link Ipv6UplinkResolver} found it.
 *
 * @param interfaceName the uplink's interface
 * @param uplink the values in force; null when unconfigured
 * @param reason why it is unconfigured ("interface missing", "no global IPv6 address yet", "no IPv6
 *     gateway learned", ...); empty when resolved
 */
public record Ipv6UplinkResolution(
    String interfaceName, @Nullable Ipv6Uplink uplink, String reason) {

  /**
   * @throws IllegalArgumentException if the uplink is on another interface, or an unconfigured one
   *     has no reason
   */
  public Ipv6UplinkResolution {
    checkNotNull(interfaceName, "interfaceName");
    checkNotNull(reason, "reason");
    checkArgument(
        uplink == null || uplink.interfaceName().equals(interfaceName),
        "uplink must be on interface %s, was %s",
        interfaceName,
        uplink);
    checkArgument(
        uplink != null || !reason.isBlank(),
        "an unconfigured uplink needs a reason (%s)",
        interfaceName);
    if (uplink != null) {
      reason = "";
    }
  }

  /** {@code uplink}, resolved. */
  public static Ipv6UplinkResolution resolved(Ipv6Uplink uplink) {
    return new Ipv6UplinkResolution(checkNotNull(uplink, "uplink").interfaceName(), uplink, "");
  }

  /**
   * The IPv6 side of the uplink on {@code interfaceName} cannot be used now, for {@code reason}.
   */
  public static Ipv6UplinkResolution unconfigured(String interfaceName, String reason) {
    return new Ipv6UplinkResolution(interfaceName, null, reason);
  }

  /** Whether the values are known, so that the uplink's IPv6 side can be probed and routed. */
  public boolean isResolved() {
    return uplink != null;
  }
}
