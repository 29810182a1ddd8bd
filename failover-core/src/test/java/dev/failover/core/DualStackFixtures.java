package dev.failover.core;

import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import java.util.List;

/**
 * Dual-stack providers for the core's tests of address families: every IPv6 gateway is {@code
 * fe80::1}, as on most real uplinks.
 */
public final class DualStackFixtures {
  private DualStackFixtures() {}

  /**
   * {@link Fixtures#provider(int)} with IPv6 too: {@code 2001:db8:<i>::2/64} via {@code fe80::1}.
   */
  public static Provider dual(int i) {
    return Fixtures.provider(i)
        .withIpv6(
            Ipv6.parse("2001:db8:" + i + "::2"),
            Ipv6Network.parse("2001:db8:" + i + "::/64"),
            Ipv6.parse("fe80::1"));
  }

  /** {@link #dual(int)} without IPv4. */
  public static Provider ipv6Only(int i) {
    return new Provider(
        "isp" + i,
        "eth" + i,
        null,
        null,
        null,
        "isp" + i,
        100 + i,
        false,
        true,
        Ipv6.parse("2001:db8:" + i + "::2"),
        Ipv6Network.parse("2001:db8:" + i + "::/64"),
        Ipv6.parse("fe80::1"));
  }

  /**
   * isp1 and isp2 dual-stack, isp3 IPv6 only, isp4 IPv4 only: each engine has three providers, two
   * of them shared.
   */
  public static List<Provider> mixed() {
    return List.of(dual(1), dual(2), ipv6Only(3), Fixtures.provider(4));
  }

  /** The settings of {@link TestEngines}, for {@code family}. */
  public static EngineSettings settings(AddressFamily family) {
    return new EngineSettings(
            java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(4), 100, 50, 3)
        .withFamily(family);
  }
}
