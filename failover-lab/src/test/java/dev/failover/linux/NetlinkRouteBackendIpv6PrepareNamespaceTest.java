package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.lab.NamespaceLab;
import java.net.Inet6Address;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NetlinkRouteBackend#prepare(List, List)} with IPv6 against the real kernel, in a fresh
 * dual-stack namespace lab per test: each ISP's radvd advertises its prefix, and the router takes a
 * SLAAC address on each uplink; the providers' IPv4 values are configured and their IPv6 values
 * learned, as the launcher's link watch resolves them. {@code ip} is the independent oracle.
 */
class NetlinkRouteBackendIpv6PrepareNamespaceTest {
  /** How long SLAAC may take: radvd answers the router's solicitation within a second or so. */
  private static final Duration LEARN = Duration.ofSeconds(10);

  private NamespaceLab lab;
  private RouterShell router;
  private final List<Provider> learning = new ArrayList<>();
  private NetlinkRouteBackend backend;

  @BeforeAll
  static void needsRootAndRadvd() {
    assumeTrue(
        NamespaceLab.ipv6UnavailableReason().isEmpty(),
        NamespaceLab.ipv6UnavailableReason().orElse(""));
  }

  @BeforeEach
  void startLab() throws Exception {
    lab = NamespaceLab.builder("fp").isps(2).lanClient(false).ipv6(true).build();
    router = new RouterShell(lab);
    for (Provider provider : lab.providers()) {
      learning.add(provider.withIpv6(null, null, null));
    }
    backend =
        new NetlinkRouteBackend(
            NetlinkRouteBackendSettings.defaults(), Providers.of(learning), LabNetlink.router(lab));
  }

  @AfterEach
  void closeLab() {
    if (backend != null) {
      backend.close();
    }
    if (lab != null) {
      lab.close();
    }
  }

  /** The router's SLAAC address on uplink {@code i}, once it has one (not tentative). */
  private Inet6Address slaacAddress(int i) throws Exception {
    Optional<Inet6Address> address = lab.awaitRouterIpv6Address(i, LEARN);
    assertThat(address)
        .as("SLAAC address on uplink %s: %s", i, router.ip("-6", "addr"))
        .isPresent();
    return address.get();
  }

  /** Provider {@code i} with its learned IPv6 values, as its IPv6 resolution carries them. */
  private Provider resolved(int i, Inet6Address address) {
    return learning
        .get(i - 1)
        .withIpv6(address, Ipv6Network.containing(address, 64), NamespaceLab.MODEM_LINK_LOCAL);
  }

  /** The advertisements' default routes, without their expiry (each advertisement resets it). */
  private List<String> raDefaults() throws Exception {
    return router.ip("-6", "route", "show", "table", "main", "default", "proto", "ra").stream()
        .map(route -> route.replaceAll(" expires \\d+sec", ""))
        .toList();
  }

  @Test
  void prepare_learnedSlaacAddresses_installsIpv6RulesAndTableRoutes() throws Exception {
    Inet6Address a1 = slaacAddress(1);
    Inet6Address a2 = slaacAddress(2);
    String s1 = Ipv6.toText(a1);
    String s2 = Ipv6.toText(a2);
    List<String> raBefore = raDefaults();

    List<String> sent = backend.prepare(List.of(), List.of(resolved(1, a1), resolved(2, a2)));

    assertThat(sent).isNotEmpty();
    int t1 = learning.get(0).rtTableId();
    int t2 = learning.get(1).rtTableId();
    assertThat(router.ip("-6", "rule", "show"))
        .containsExactly(
            "0:\tfrom all lookup local",
            "30000:\tfrom " + s1 + " lookup " + t1 + " proto 201",
            "30000:\tfrom " + s2 + " lookup " + t2 + " proto 201",
            "32766:\tfrom all lookup main");
    assertThat(router.ip("-6", "route", "show", "table", Integer.toString(t2)))
        .containsExactlyInAnyOrder(
            "2001:db8:2::/64 dev wan2 proto 201 src " + s2 + " metric 1024 pref medium",
            "default via fe80::1 dev wan2 proto 201 metric 1024 pref medium",
            "unreachable default dev lo proto 201 metric 4294967295 pref medium");
    // The same table id serves IPv4: its rule and routes are prepared too, from the config.
    assertThat(router.ip("-4", "rule", "show"))
        .filteredOn(l -> l.startsWith("30000:"))
        .containsExactly(
            "30000:\tfrom "
                + lab.isp(1).routerAddress().getHostAddress()
                + " lookup "
                + t1
                + " proto 201",
            "30000:\tfrom "
                + lab.isp(2).routerAddress().getHostAddress()
                + " lookup "
                + t2
                + " proto 201");
    // Nothing in the main table: no default route of ours, the advertisements' left alone.
    assertThat(router.ip("-6", "route", "show", "table", "main", "default", "proto", "201"))
        .isEmpty();
    assertThat(raDefaults()).containsAll(raBefore);
    // A probe bound to an uplink's IPv6 source leaves through that uplink.
    String target = Ipv6.toText(NamespaceLab.TARGETS_V6.get(0));
    assertThat(router.ip("-6", "route", "get", target, "from", s2))
        .first()
        .asString()
        .contains("dev wan2")
        .contains("table " + t2);
    assertThat(backend.prepare(List.of(), List.of(resolved(1, a1), resolved(2, a2)))).isEmpty();
  }

  @Test
  void prepare_ipv6NotLearnedYet_preparesOnlyTheIpv6UnreachableDefault() throws Exception {
    List<String> sent = backend.prepare();

    assertThat(sent).isNotEmpty();
    assertThat(router.ip("-6", "rule", "show"))
        .containsExactly("0:\tfrom all lookup local", "32766:\tfrom all lookup main");
    for (Provider provider : learning) {
      assertThat(router.ip("-6", "route", "show", "table", Integer.toString(provider.rtTableId())))
          .containsExactly("unreachable default dev lo proto 201 metric 4294967295 pref medium");
    }
  }
}
