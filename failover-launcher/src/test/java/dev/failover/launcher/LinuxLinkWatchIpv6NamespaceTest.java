package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.Providers;
import dev.failover.lab.NamespaceLab;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon's link watch ({@link LinuxLinkWatch}: the link monitor feeding {@link ProviderLinks})
 * against the real kernel, in a fresh dual-stack namespace lab: each ISP's radvd advertises its
 * prefix and {@code fe80::1} as the router, the router takes a SLAAC address on each uplink, and
 * the watch, started inside the router namespace, passes each provider's IPv6 resolution on.
 */
class LinuxLinkWatchIpv6NamespaceTest {
  /** How long SLAAC and the first advertisement may take (radvd answers a solicitation at once). */
  private static final Duration LEARN = Duration.ofSeconds(15);

  private NamespaceLab lab;
  private final LinuxLinkWatch watch = new LinuxLinkWatch();
  private final List<ProviderResolution> resolutions = new CopyOnWriteArrayList<>();

  /** Notified after each resolution the sink gets, so that a test waits on it, not on a clock. */
  private final Object resolutionAdded = new Object();

  private final Map<String, Boolean> links = new ConcurrentHashMap<>();

  private final LinkWatch.Sink sink =
      new LinkWatch.Sink() {
        @Override
        public void linkChanged(String interfaceName, AddressFamily family, boolean usable) {
          links.put(interfaceName + "/" + family.name(), usable);
        }

        @Override
        public void providerResolved(ProviderResolution resolution) {
          resolutions.add(resolution);
          synchronized (resolutionAdded) {
            resolutionAdded.notifyAll();
          }
        }
      };

  @BeforeAll
  static void needsRootAndRadvd() {
    assumeTrue(
        NamespaceLab.ipv6UnavailableReason().isEmpty(),
        NamespaceLab.ipv6UnavailableReason().orElse(""));
  }

  @BeforeEach
  void startLab() throws Exception {
    lab = NamespaceLab.builder("fw").isps(2).lanClient(false).ipv6(true).build();
  }

  @AfterEach
  void closeLab() {
    watch.stop();
    if (lab != null) {
      lab.close();
    }
  }

  /** The IPv6 resolution last passed on for {@code providerId}, if any. */
  private Optional<ProviderResolution> lastIpv6(String providerId) {
    List<ProviderResolution> all = new ArrayList<>(resolutions);
    for (int i = all.size() - 1; i >= 0; i--) {
      ProviderResolution resolution = all.get(i);
      if (resolution.family() == AddressFamily.IPV6 && resolution.providerId().equals(providerId)) {
        return Optional.of(resolution);
      }
    }
    return Optional.empty();
  }

  private boolean resolved(String providerId) {
    return lastIpv6(providerId).map(ProviderResolution::isResolved).orElse(false);
  }

  /**
   * Waits until every provider of {@code providerIds} has a resolved IPv6 resolution, or {@code
   * limit} has passed; woken by the sink, so it returns as soon as the last one comes.
   */
  private void awaitResolved(List<String> providerIds, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    synchronized (resolutionAdded) {
      while (!providerIds.stream().allMatch(this::resolved)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.timedWait(resolutionAdded, left);
      }
    }
  }

  @Test
  void start_slaacUplinks_passesEachProvidersLearnedIpv6ValuesOn() throws Exception {
    List<Provider> learning = new ArrayList<>();
    for (Provider provider : lab.providers()) {
      learning.add(provider.withIpv6(null, null, null));
    }

    lab.callIn(
        lab.routerNamespace(),
        () -> {
          watch.start(Providers.of(learning), sink);
          return null;
        });
    awaitResolved(List.of("isp1", "isp2"), LEARN);

    for (int i = 1; i <= 2; i++) {
      Provider configured = learning.get(i - 1);
      ProviderResolution resolution = lastIpv6(configured.id()).orElseThrow();
      assertThat(resolution.isResolved()).as("%s, after %s", resolution, resolutions).isTrue();
      Provider values = resolution.provider();
      Inet6Address address = values.ipv6Address();
      assertThat(lab.routerIpv6Address(i)).contains(address);
      assertThat(values.ipv6Prefix()).isEqualTo(Ipv6Network.parse("2001:db8:" + i + "::/64"));
      assertThat(values.ipv6Gateway()).isEqualTo(NamespaceLab.MODEM_LINK_LOCAL);
      assertThat(values.ipv4Address()).isEqualTo(configured.ipv4Address());
      assertThat(values.resolves(configured)).isTrue();
      String name = configured.interfaceName();
      assertThat(links).containsEntry(name + "/IPV4", true).containsEntry(name + "/IPV6", true);
    }
    // Learned IPv4 nothing: every IPv4 value is configured.
    assertThat(resolutions).allMatch(r -> r.family() == AddressFamily.IPV6);
  }
}
