package dev.failover.testkit;

import dev.failover.api.Provider;
import java.util.ArrayList;
import java.util.List;

/**
 * Valid {@link Provider}s for tests, in priority order.
 *
 * <p>Provider {@code i} (from 1) is {@code isp<i>} on interface {@code eth<i>}, with routing table
 * {@code isp<i>} numbered {@code 100 + i}. The addresses come from private space that never
 * leaves a test: see each factory. The lists are immutable and equal from call to call.
 */
public final class TestProviders {
  /** The most providers a factory makes: table ids stay below the kernel's reserved 252. */
  public static final int MAX = 150;

  private TestProviders() {}

  /**
   * {@code n} providers on distinct networks: {@code isp<i>} has address {@code 10.0.<i>.2} on
   * {@code 10.0.<i>.0/24} with gateway {@code 10.0.<i>.1}.
   *
   * @throws IllegalArgumentException if {@code n} is not between 1 and {@link #MAX}
   */
  public static List<Provider> of(int n) {
    checkCount(n);
    List<Provider> providers = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      providers.add(
          Provider.of(
              "isp" + i,
              "eth" + i,
              "10.0." + i + ".2",
              "10.0." + i + ".0/24",
              "10.0." + i + ".1",
              "isp" + i,
              100 + i));
    }
    return List.copyOf(providers);
  }

  /**
   * {@code n} providers whose modems all sit at {@code 192.168.1.1} on {@code 192.168.1.0/24}, the
   * common case of identical ISP boxes: {@code isp<i>} has address {@code 192.168.1.<100 + i>},
   * and only its interface tells it apart.
   *
   * @throws IllegalArgumentException if {@code n} is not between 1 and {@link #MAX}
   */
  public static List<Provider> withSharedGateway(int n) {
    checkCount(n);
    List<Provider> providers = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      providers.add(
          Provider.of(
              "isp" + i,
              "eth" + i,
              "192.168.1." + (100 + i),
              "192.168.1.0/24",
              "192.168.1.1",
              "isp" + i,
              100 + i));
    }
    return List.copyOf(providers);
  }

  private static void checkCount(int n) {
    if (n < 1 || n > MAX) {
      throw new IllegalArgumentException("n must be between 1 and " + MAX + ", was " + n);
    }
  }
}
