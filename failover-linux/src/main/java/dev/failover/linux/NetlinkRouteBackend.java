package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.AddressFamily;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.Ipv6;
import dev.failover.api.Provider;
import dev.failover.api.ProviderRoute;
import dev.failover.api.Providers;
import dev.failover.api.RouteBackend;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.linux.KernelState.Link;
import dev.failover.linux.netlink.NetlinkException;
import dev.failover.linux.netlink.Request;
import dev.failover.linux.netlink.Result;
import dev.failover.linux.netlink.RouteMessage;
import dev.failover.linux.netlink.RtNetlink;
import dev.failover.linux.netlink.RuleMessage;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RouteBackend} that maintains the routing layout of DESIGN.md section 2 over rtnetlink:
 * per provider a table holding its network route, its default route and an {@code unreachable}
 * last-resort default (so that a probe bound to the provider's address never leaks out through
 * another provider while the kernel has deleted its routes), a {@code from ADDR lookup TABLE} rule,
 * and a default route in the main table at the metric the routing state gives.
 *
 * <p>Everything the backend makes carries its own route (and rule) protocol number ({@link
 * NetlinkRouteBackendSettings#routeProtocol()}), so that it recognises its own routes after a
 * restart and tells them from foreign ones. {@link #apply} reads the kernel state ({@link
 * KernelState}: dumps the kernel filters, so that other tables are never read), computes what
 * differs, and changes only that, in two netlink transactions (each sent in one buffer, each
 * request acknowledged on its own):
 *
 * <ol>
 *   <li>tables, rules, the copies of demoted foreign routes, and every main-table default route
 *       with a replace at its metric ({@code NLM_F_CREATE | NLM_F_REPLACE}). The kernel keys a
 *       route by (table, dst, tos, metric), so a replace swaps the provider behind a metric in one
 *       step: a switch of the main provider never leaves a moment without a default route.
 *   <li>only once the first transaction's result has been read back, and only while at least one
 *       desired default route is in place: the deletion of our own routes and rules that are no
 *       longer desired and of the foreign routes that were demoted or are to be removed.
 * </ol>
 *
 * <p>A switch comes first: when the desired main route is missing, its provider usable and its
 * metric free of foreign routes, that one route is replaced before everything else, from a read of
 * the links, addresses and main default routes only (no rules, no tables); the full read and the
 * two transactions follow and find it in place.
 *
 * <p>It then reads the state back and verifies it. The same state applied twice sends no request
 * the second time; a new instance (a restarted daemon) finds its routes and rules by their protocol
 * and adds no duplicate.
 *
 * <p>A provider whose interface is missing, down, or without its address is skipped with a warning
 * (once per reason: an unplugged modem can stay away for days; its return is logged at INFO), the
 * others are applied, and the partial {@link ApplyOutcome} names it; since the engine retries, its
 * table, rule and routes come back on the first apply after the interface returns (the kernel
 * deletes the routes of an interface that goes down, silently). A request the kernel refuses is a
 * failure: the rest is applied, and {@link RouteBackendException} names the request, the errno and
 * the kernel's own message.
 *
 * <p><b>Address families.</b> A {@link RoutingState} covers one family, and so does everything an
 * apply reads, changes and verifies: the kernel keeps IPv4 and IPv6 routes and rules apart, and
 * every dump here is of the state's family ({@link KernelState} reads one), so applying an IPv6
 * state cannot delete or replace an IPv4 route or rule, nor the reverse. The layout is the same in
 * both: a provider's table (one table id for both families) holds its prefix route, its default
 * route and the unreachable last resort; the rule is {@code from ADDR/128 lookup TABLE} at the
 * same priority; the main table's IPv6 default routes are replaced at their metrics, which is
 * atomic as in IPv4 (the kernel keys an IPv6 route by table, destination and metric). Every IPv6
 * route names its device, so the usual link-local gateway {@code fe80::1}, the same on every
 * uplink, is told apart by its interface. The kernel's own IPv6 default routes from router
 * advertisements ({@code proto ra}, metric 1024 unless {@code accept_ra_defrtr_metric} says
 * otherwise) are foreign routes like a DHCP client's; they sit above the usual metrics of ours
 * and are then left alone whatever {@link ForeignRouteHandling} says, except {@code REMOVE}, which
 * deletes them; the kernel re-adds such a route with the next advertisement, and the next apply
 * deletes it again (docs/architecture.md: turn {@code accept_ra_defrtr} off on the uplinks to be
 * rid of them). Which family's state was applied last, which providers were skipped or refused,
 * and the providers' values in force are kept per family.
 *
 * <p>The providers given to the constructor (usually every configured one) always keep their tables
 * and rules, whether or not a routing state lists them, so that probes bound to their addresses
 * keep leaving through them; {@link #prepare} installs those tables and rules alone, before the
 * daemon's first round. Thread-safe: calls are serialised. The first call opens a netlink socket
 * (in the calling thread's network namespace, or as the given {@link RtNetlink.Opener} does) and
 * keeps it for the next calls, so that a switch pays for no new socket; a socket that failed is
 * closed and the next call opens another; {@link #close()} releases it. No process is started, and
 * interface names and addresses travel as the kernel's bytes, so no value can inject anything.
 */
public final class NetlinkRouteBackend implements RouteBackend, AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(NetlinkRouteBackend.class);

  /**
   * The metric of each table's unreachable default route: the highest, so it is the last resort.
   */
  static final long LEAK_GUARD_METRIC = RouteMessage.MAX_METRIC;

  private final NetlinkRouteBackendSettings settings;
  private final RtNetlink.Opener opener;

  /** The providers given to the constructor, by id, as configured (some values may be learned). */
  private final Map<String, Provider> configured = new LinkedHashMap<>();

  /**
   * Every provider this backend manages, by id, with the values in force: the configured ones,
   * each as the last routing state named it (a learned address or gateway), and any other a state
   * named. One whose address is still to be learned has no table routes and no rule. Per family:
   * an IPv6 state's providers carry their IPv6 values in force, not necessarily their IPv4 ones.
   */
  private final Map<AddressFamily, Map<String, Provider>> known =
      new EnumMap<>(AddressFamily.class);

  /** The state applied last per family, to tell a repair of drift from a change. */
  private final Map<AddressFamily, RoutingState> lastApplied = new EnumMap<>(AddressFamily.class);

  // Open between calls (see netlink()); guarded by this.
  private @Nullable RtNetlink netlink;

  /** The providers skipped by the last apply, with the reason, so that each is warned of once. */
  private final Map<AddressFamily, Map<String, String>> lastSkipped =
      new EnumMap<>(AddressFamily.class);

  /** The providers whose requests the kernel refused last, with what, so each is logged once. */
  private final Map<AddressFamily, Map<String, String>> lastRefused =
      new EnumMap<>(AddressFamily.class);

  /**
   * A backend for {@code providers} (usually every configured one; a routing state may name more)
   * that talks to the kernel of the calling thread's network namespace.
   */
  @Inject
  public NetlinkRouteBackend(NetlinkRouteBackendSettings settings, Providers providers) {
    this(settings, providers, () -> RtNetlink.open(settings.timeout()));
  }

  /**
   * A backend for {@code providers} that opens its netlink sockets with {@code opener}, such as one
   * that opens them inside a test's network namespace.
   */
  public NetlinkRouteBackend(
      NetlinkRouteBackendSettings settings, Providers providers, RtNetlink.Opener opener) {
    this(settings, opener, checkNotNull(providers, "providers"));
  }

  private NetlinkRouteBackend(
      NetlinkRouteBackendSettings settings, RtNetlink.Opener opener, Iterable<Provider> providers) {
    this.settings = checkNotNull(settings, "settings");
    this.opener = checkNotNull(opener, "opener");
    for (AddressFamily family : AddressFamily.values()) {
      known.put(family, new LinkedHashMap<>());
      lastSkipped.put(family, Map.of());
      lastRefused.put(family, Map.of());
    }
    for (Provider provider : providers) {
      configured.put(provider.id(), provider);
      for (AddressFamily family : AddressFamily.values()) {
        known(family).put(provider.id(), provider);
      }
    }
  }

  /**
   * A backend that knows no provider, only to {@link #removeAll} what a daemon left behind: the
   * routes and rules of the settings' protocol, in every table. For an uninstall that cannot read
   * the config that named the providers.
   */
  public static NetlinkRouteBackend forRemoval(NetlinkRouteBackendSettings settings) {
    checkNotNull(settings, "settings");
    return new NetlinkRouteBackend(
        settings, () -> RtNetlink.open(settings.timeout()), List.<Provider>of());
  }

  /** The settings this backend was built with. */
  public NetlinkRouteBackendSettings settings() {
    return settings;
  }

  @Override
  public synchronized ApplyOutcome apply(RoutingState desired) throws RouteBackendException {
    checkNotNull(desired, "desired");
    for (ProviderRoute route : desired.routes()) {
      Provider given = route.provider();
      @Nullable Provider asConfigured = configured.get(given.id());
      checkArgument(
          asConfigured == null || given.resolves(asConfigured),
          "provider '%s' differs from the configured one: %s, configured %s",
          given.id(),
          given,
          asConfigured);
    }
    // A learned provider follows its interface: the state carries its values in force, and one
    // the state no longer names (its lease was lost) is back to what was configured, so that its
    // old rule and table routes are removed. Each family keeps its own view: the providers of an
    // IPv6 state carry their IPv6 values in force, not necessarily their IPv4 ones.
    Family f = Family.of(desired.family());
    for (Provider provider : configured.values()) {
      if (provider.learnsFromInterface(f.api())) {
        known(f).put(provider.id(), provider);
      }
    }
    for (ProviderRoute route : desired.routes()) {
      Provider given = route.provider();
      if (configured.containsKey(given.id())) {
        known(f).put(given.id(), given);
      } else {
        known(f).putIfAbsent(given.id(), given);
      }
    }
    return applyToKernel(desired, f);
  }

  /**
   * Whether this backend applies states of {@code family}: both, IPv4 and IPv6. Each family's
   * routes and rules are read, changed and verified apart (the kernel keeps them apart too), so
   * applying a state of one family never touches the other's.
   */
  @Override
  public boolean supports(AddressFamily family) {
    checkNotNull(family, "family");
    return true;
  }

  private Map<String, Provider> known(Family f) {
    return known(f.api());
  }

  private Map<String, Provider> known(AddressFamily family) {
    return known.get(family);
  }

  /**
   * The managed providers whose address and network of {@code f} are known: those get tables and
   * rules of that family.
   */
  private List<Provider> routable(Family f) {
    return known(f).values().stream()
        .filter(p -> f.address(p) != null && f.network(p) != null)
        .toList();
  }

  private ApplyOutcome applyToKernel(RoutingState desired, Family f) throws RouteBackendException {
    if (!desired.equals(lastApplied.get(f.api()))) {
      switchMainFirst(desired, f);
    }
    KernelState before = read(f);

    Map<String, String> skipped = new LinkedHashMap<>();
    for (Provider provider : routable(f)) {
      unavailable(provider, before, f).ifPresent(reason -> skipped.put(provider.id(), reason));
    }
    logSkipped(skipped, f);
    List<ProviderRoute> wanted =
        desired.routes().stream().filter(r -> !skipped.containsKey(r.provider().id())).toList();
    long highestWanted = wanted.stream().mapToLong(ProviderRoute::metric).max().orElse(-1);

    // Transaction 1: add and replace; nothing is deleted.
    List<Planned> first = new ArrayList<>();
    for (Provider provider : unroutable(f)) {
      addLeakGuardRequest(provider, before, first, f);
    }
    for (Provider provider : routable(f)) {
      if (!skipped.containsKey(provider.id())) {
        addTableRequests(provider, before, first, f);
      }
    }
    for (Provider provider : routable(f)) {
      if (!hasOwnRule(provider, before, f)) {
        first.add(ruleRequest(provider, f));
      }
    }
    List<RouteMessage> toDemote = new ArrayList<>();
    if (!wanted.isEmpty()) {
      for (RouteMessage foreign : foreignDefaults(before)) {
        if (foreign.metric() <= highestWanted) {
          handleForeignFirst(foreign, before, highestWanted, first, toDemote, f);
        }
      }
    }
    for (ProviderRoute route : wanted) {
      if (findMain(route, before, f).isEmpty()) {
        first.add(planned(route.provider().id(), mainReplace(route, before, f), before));
      }
    }
    if (!first.isEmpty()) {
      if (desired.equals(lastApplied.get(f.api()))) {
        logger.warn(
            "drift: the kernel no longer holds the state applied last; repairing with {}",
            texts(first));
      } else {
        logger.info("applying {} route change(s): {}", first.size(), texts(first));
      }
    }
    List<Failure> failures = new ArrayList<>(transact(first));
    KernelState middle = first.isEmpty() ? before : read(f);

    // Transaction 2: deletions, only once a desired default route is in place.
    boolean oneWantedInPlace = wanted.stream().anyMatch(r -> findMain(r, middle, f).isPresent());
    List<Planned> second = new ArrayList<>();
    List<RouteMessage> defaultsToDelete = new ArrayList<>();
    for (RouteMessage route : middle.mainDefaults()) {
      if (route.protocol() == proto()) {
        if (desired.routes().stream().noneMatch(r -> matchesMain(route, r, middle, f))) {
          defaultsToDelete.add(route);
        }
      } else if (isHandleable(route) && oneWantedInPlace) {
        boolean demotedCopyInPlace =
            toDemote.stream().anyMatch(d -> sameRoute(d, route))
                && middle.mainDefaults().stream().anyMatch(c -> isCopyOf(c, route));
        boolean remove = settings.foreignRoutes() == ForeignRouteHandling.REMOVE;
        if (demotedCopyInPlace || remove) {
          logger.warn(
              "{} foreign default route {} (ours are in place)",
              remove ? "removing" : "demoted; deleting the original of",
              middle.describe(route));
          defaultsToDelete.add(route);
        }
      }
    }
    if (!defaultsToDelete.isEmpty()) {
      if (oneWantedInPlace) {
        for (RouteMessage route : defaultsToDelete) {
          String providerId = providerOf(route, middle, f).map(Provider::id).orElse(null);
          second.add(planned(providerId, Request.deleteRoute(deletion(route)), middle));
        }
      } else {
        logger.warn(
            "keeping default route(s) {}: none of the desired default routes is in place",
            describe(defaultsToDelete, middle));
      }
    }
    for (RouteMessage route : middle.tableRoutes()) {
      if (!isWantedTableRoute(route, middle, f)) {
        second.add(planned(null, Request.deleteRoute(deletion(route)), middle));
      }
    }
    for (RuleMessage rule : middle.rules()) {
      if (rule.protocol() == proto()
          && routable(f).stream().noneMatch(p -> isOwnRule(rule, p, f))) {
        second.add(planned(null, Request.deleteRule(deletion(rule)), middle));
      }
    }
    if (!second.isEmpty()) {
      logger.info("removing {} stale route(s)/rule(s): {}", second.size(), texts(second));
      failures.addAll(transact(second));
    }
    KernelState after = second.isEmpty() ? middle : read(f);

    List<String> mismatches = verify(desired, skipped.keySet(), highestWanted, after, f);
    if (failures.isEmpty() && mismatches.isEmpty() && skipped.isEmpty()) {
      lastApplied.put(f.api(), desired);
      return ApplyOutcome.complete();
    }
    lastApplied.remove(f.api());
    // The main route verified in place means traffic goes where it should, so the engine may
    // back off.
    boolean mainInPlace =
        !desired.routes().isEmpty()
            && !skipped.containsKey(desired.routes().get(0).provider().id())
            && findMain(desired.routes().get(0), after, f).isPresent();
    if (!failures.isEmpty() || !mismatches.isEmpty()) {
      Optional<Map<String, String>> refused =
          mainInPlace
              ? refusedForOthers(
                  failures, mismatches, desired.routes().get(0).provider().id(), f)
              : Optional.empty();
      if (refused.isEmpty()) {
        lastRefused.put(f.api(), Map.of());
        throw failure(failures, mismatches, skipped);
      }
      // Only other providers' requests were refused (a gateway the kernel will not take, say):
      // traffic goes where it should, so this is a partial outcome that the engine retries less
      // and less often, as an unusable interface is, not a failure retried on every tick.
      logRefused(refused.get(), f);
      refused.get().forEach(skipped::putIfAbsent);
    } else {
      lastRefused.put(f.api(), Map.of());
    }
    List<ApplyOutcome.Skipped> skippedProviders = new ArrayList<>();
    skipped.forEach(
        (id, reason) -> skippedProviders.add(new ApplyOutcome.Skipped(known(f).get(id), reason)));
    return ApplyOutcome.partial(skippedProviders, mainInPlace);
  }

  /**
   * A switch's fast path: when the desired main route is missing, its provider is usable and no
   * foreign route holds its metric, replaces that one route at once, from a read of the links,
   * addresses and main default routes only. The full apply that follows finds it in place and does
   * the rest. This spares the rules' and tables' dumps on the path that decides how long the LAN
   * is cut off. Whatever goes wrong here is left to the full apply, which reads, retries and
   * reports it.
   */
  private void switchMainFirst(RoutingState desired, Family f) {
    if (desired.routes().isEmpty()) {
      return;
    }
    ProviderRoute main = desired.routes().get(0);
    KernelState view;
    try {
      view = KernelState.readMainDefaults(netlink(), f.netlink());
    } catch (NetlinkException e) {
      closeNetlink();
      return;
    }
    boolean foreignAtMetric =
        view.mainDefaults().stream()
            .anyMatch(r -> r.metric() == main.metric() && r.protocol() != proto());
    if (foreignAtMetric
        || unavailable(main.provider(), view, f).isPresent()
        || findMain(main, view, f).isPresent()) {
      return;
    }
    Planned replace = planned(main.provider().id(), mainReplace(main, view, f), view);
    List<Failure> failures = transact(List.of(replace));
    if (failures.isEmpty()) {
      logger.info("switched the main route first: {}", replace.text());
    } else {
      logger.debug("the main route's fast switch failed, left to the full apply: {}", failures);
    }
  }

  /** The request that puts {@code route}'s default route in the main table at its metric. */
  private Request mainReplace(ProviderRoute route, KernelState state, Family f) {
    Provider p = route.provider();
    return Request.replaceRoute(
        defaultThrough(p, KernelState.MAIN_TABLE, state.index(p.interfaceName()), f)
            .withPreferredSource(f.address(p))
            .withMetric(route.metric()));
  }

  /**
   * A default route through {@code p} in {@code table}: via its gateway (flagged on-link when the
   * gateway lies outside the network, as the kernel then requires), or, on a point-to-point link
   * (no gateway), through the device alone, with link scope as {@code ip route} gives it.
   *
   * <p>An IPv6 default route names its device always, so that a link-local gateway (usually
   * {@code fe80::1}, the same on every uplink) is the one on that link; it needs no on-link flag
   * (the kernel takes a link-local gateway on the named device as it is) and keeps the universe
   * scope (the kernel ignores an IPv6 route's scope). In a provider's table it carries the metric
   * the kernel would give it anyway ({@link Family#tableMetric}), so that it reads back as sent.
   */
  private RouteMessage defaultThrough(Provider p, int table, int index, Family f) {
    InetAddress gateway = f.gateway(p);
    RouteMessage route =
        RouteMessage.unicast(f.netlink(), table, proto(), null, 0)
            .withNextHop(gateway, index)
            .withMetric(f.tableMetric());
    if (f.api() == AddressFamily.IPV6) {
      return route;
    }
    if (gateway == null) {
      return route.withScope(RouteMessage.SCOPE_LINK);
    }
    return p.onlink() ? route.withFlags(RouteMessage.FLAG_ONLINK) : route;
  }

  @Override
  public synchronized Optional<RoutingState> current() throws RouteBackendException {
    return current(AddressFamily.IPV4);
  }

  /**
   * Reads back the default routes of {@code family} this backend made in the main table, as a
   * routing state of that family: each matched to the provider it goes through (by interface and
   * gateway, so identical link-local gateways on several uplinks are told apart), in metric order.
   */
  @Override
  public synchronized Optional<RoutingState> current(AddressFamily family)
      throws RouteBackendException {
    Family f = Family.of(checkNotNull(family, "family"));
    KernelState state = read(f);
    List<ProviderRoute> routes = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    state.mainDefaults().stream()
        .filter(r -> r.protocol() == proto() && r.isUnicast())
        .sorted(Comparator.comparingLong(RouteMessage::metric))
        .forEach(
            route -> {
              Optional<Provider> provider = providerOf(route, state, f);
              if (provider.isEmpty()) {
                logger.warn(
                    "default route {} carries our protocol but matches no known provider",
                    state.describe(route));
              } else if (!seen.add(provider.get().id())) {
                logger.warn(
                    "provider '{}' has a second default route {}; ignored",
                    provider.get().id(),
                    state.describe(route));
              } else if (route.metric() <= Integer.MAX_VALUE) {
                routes.add(new ProviderRoute(provider.get(), (int) route.metric(), family));
              }
            });
    return Optional.of(new RoutingState(routes, family));
  }

  /**
   * Installs every provider's table and rule, and nothing in the main table, so that probes bound
   * to a provider's address leave through that provider from the daemon's first round on.
   *
   * <p>Without this, the first round runs before the first {@link #apply}: a probe bound to a
   * provider's address would follow the main table, leave through whatever uplink that names, and
   * might succeed for a provider that is down, so that the first decision would be wrong.
   *
   * <p>For each provider, in each family it has (IPv4 first; IPv6 only when a provider has IPv6,
   * so that an IPv4-only router's IPv6 is never read): its table's network route, default route
   * and unreachable last-resort default, then its {@code from ADDR lookup TABLE} rule ({@code
   * ADDR/32}, {@code ADDR/128}, the same table and priority in both), as {@link #apply} makes
   * them. A provider whose interface is missing, down or without its address of the family (for
   * IPv6: also one still tentative) gets only the unreachable default and the rule (neither needs
   * the interface), with a warning: its probes then fail instead of leaking through another
   * uplink, and the first apply after the interface returns adds the rest. Idempotent: what is in
   * place already is not touched, so a second call sends no request. Thread-safe, like every
   * method of this class.
   *
   * @return the requests that were sent, as {@code ip} would word them; empty if everything was in
   *     place
   * @throws RouteBackendException if the kernel state cannot be read or a request failed (the other
   *     requests, and the other family, were still carried out; the first apply retries)
   */
  public synchronized List<String> prepare() throws RouteBackendException {
    return prepare(List.of(), List.of());
  }

  /**
   * As {@link #prepare()}, with the IPv4 values in force of the providers that learn theirs from
   * the interface ({@code resolved}: a DHCP lease's address, say). A learned provider not among
   * them gets only its table's unreachable default: it has no address for a rule yet.
   *
   * @throws IllegalArgumentException if a provider of {@code resolved} contradicts its configured
   *     values
   */
  public synchronized List<String> prepare(List<Provider> resolved) throws RouteBackendException {
    return prepare(resolved, List.of());
  }

  /**
   * As {@link #prepare()}, with the values in force of the providers that learn theirs from the
   * interface, per family: {@code resolvedIpv4} carry their learned IPv4 values (a DHCP lease),
   * {@code resolvedIpv6} their learned IPv6 values (a SLAAC address, a router advertisement's
   * gateway), as the resolutions of each family name them. A learned provider not among those of
   * a family gets only its table's unreachable default of that family: it has no address for a
   * rule yet.
   *
   * @throws IllegalArgumentException if a provider of either list contradicts its configured
   *     values (checked before anything is read or sent)
   */
  public synchronized List<String> prepare(
      List<Provider> resolvedIpv4, List<Provider> resolvedIpv6) throws RouteBackendException {
    checkResolved(checkNotNull(resolvedIpv4, "resolvedIpv4"));
    checkResolved(checkNotNull(resolvedIpv6, "resolvedIpv6"));
    List<String> sent = new ArrayList<>();
    @Nullable RouteBackendException failed = null;
    try {
      sent.addAll(prepare(resolvedIpv4, Family.IPV4));
    } catch (RouteBackendException e) {
      failed = e;
    }
    boolean ipv6 =
        !resolvedIpv6.isEmpty()
            || configured.values().stream().anyMatch(p -> p.has(AddressFamily.IPV6));
    if (ipv6) {
      try {
        sent.addAll(prepare(resolvedIpv6, Family.IPV6));
      } catch (RouteBackendException e) {
        if (failed == null) {
          failed = e;
        } else {
          failed.addSuppressed(e);
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
    return sent;
  }

  private void checkResolved(List<Provider> resolved) {
    for (Provider given : resolved) {
      @Nullable Provider asConfigured = configured.get(given.id());
      checkArgument(
          asConfigured != null && given.resolves(asConfigured),
          "provider '%s' differs from the configured one: %s, configured %s",
          given.id(),
          given,
          asConfigured);
    }
  }

  /** {@link #prepare(List, List)} for one family, with that family's learned providers. */
  private List<String> prepare(List<Provider> resolved, Family f) throws RouteBackendException {
    for (Provider given : resolved) {
      known(f).put(given.id(), given);
    }
    KernelState state = read(f);
    List<Planned> requests = new ArrayList<>();
    for (Provider provider : unroutable(f)) {
      addLeakGuardRequest(provider, state, requests, f);
    }
    for (Provider provider : routable(f)) {
      Optional<String> reason = unavailable(provider, state, f);
      if (reason.isPresent()) {
        logger.warn(
            "provider '{}': {}; preparing only its {} rule and its table's unreachable default",
            provider.id(),
            reason.get(),
            f.api());
        addLeakGuardRequest(provider, state, requests, f);
      } else {
        addTableRequests(provider, state, requests, f);
      }
    }
    for (Provider provider : routable(f)) {
      if (!hasOwnRule(provider, state, f)) {
        requests.add(ruleRequest(provider, f));
      }
    }
    if (requests.isEmpty()) {
      return List.of();
    }
    logger.info(
        "preparing {} {} table route(s)/rule(s): {}", requests.size(), f.api(), texts(requests));
    List<Failure> failures = transact(requests);
    if (!failures.isEmpty()) {
      throw failure(failures, List.of(), Map.of());
    }
    return texts(requests);
  }

  /**
   * Removes what this backend made: its rules, its routes in every table but main (the kernel walks
   * every table and sends only routes of this backend's protocol), and its default routes in the
   * main table, for the {@code uninstall} command; of both families, IPv4 first.
   *
   * <p>The default routes of a family are removed only if another default route of that family
   * remains in the main table, or
   * when {@code evenLastDefaultRoute} is true: uninstalling over SSH must not cut the line by
   * accident.
   *
   * @return the requests that were sent, as {@code ip} would word them; empty if there was nothing
   *     to remove
   * @throws RouteBackendException if reading or a request failed
   */
  public synchronized List<String> removeAll(boolean evenLastDefaultRoute)
      throws RouteBackendException {
    List<String> sent = new ArrayList<>();
    for (Family f : List.of(Family.IPV4, Family.IPV6)) {
      sent.addAll(removeAll(evenLastDefaultRoute, f));
    }
    lastApplied.clear();
    return sent;
  }

  /** {@link #removeAll(boolean)} for one family: its last default route is judged on its own. */
  private List<String> removeAll(boolean evenLastDefaultRoute, Family f)
      throws RouteBackendException {
    KernelState state;
    try {
      state = KernelState.readEveryTable(netlink(), f.netlink(), proto());
    } catch (NetlinkException e) {
      closeNetlink();
      throw readFailure(e);
    }
    List<Planned> requests = new ArrayList<>();
    for (RuleMessage rule : state.rules()) {
      if (rule.protocol() == proto()) {
        requests.add(planned(null, Request.deleteRule(deletion(rule)), state));
      }
    }
    for (RouteMessage route : state.tableRoutes()) {
      requests.add(planned(null, Request.deleteRoute(deletion(route)), state));
    }
    List<RouteMessage> ours =
        state.mainDefaults().stream().filter(r -> r.protocol() == proto()).toList();
    boolean otherDefault =
        state.mainDefaults().stream().anyMatch(r -> r.protocol() != proto() && r.isUnicast());
    if (otherDefault || evenLastDefaultRoute) {
      for (RouteMessage route : ours) {
        requests.add(planned(null, Request.deleteRoute(deletion(route)), state));
      }
    } else if (!ours.isEmpty()) {
      logger.warn(
          "keeping our default route(s) {}: no other default route would remain",
          describe(ours, state));
    }
    List<Failure> failures = transact(requests);
    if (!failures.isEmpty()) {
      throw failure(failures, List.of(), Map.of());
    }
    return texts(requests);
  }

  // ---- reading

  private KernelState read(Family f) throws RouteBackendException {
    Set<Integer> tables = new HashSet<>();
    known(f).values().forEach(p -> tables.add(p.rtTableId()));
    try {
      return KernelState.read(netlink(), f.netlink(), proto(), tables);
    } catch (NetlinkException e) {
      closeNetlink();
      throw readFailure(e);
    }
  }

  private static RouteBackendException readFailure(NetlinkException e) {
    return new RouteBackendException(
        null, "could not read the kernel state: " + e.getMessage(), List.of(), null, "", e);
  }

  // ---- what is wanted

  private Optional<String> unavailable(Provider provider, KernelState state, Family f) {
    Optional<Link> link = state.link(provider.interfaceName());
    if (link.isEmpty()) {
      return Optional.of("interface " + provider.interfaceName() + " does not exist");
    }
    if (!link.get().up()) {
      return Optional.of("interface " + provider.interfaceName() + " is down");
    }
    if (!link.get().addresses().contains(f.address(provider))) {
      return Optional.of(
          "interface " + provider.interfaceName() + " does not hold address " + addr(provider, f));
    }
    return Optional.empty();
  }

  private void addTableRequests(Provider p, KernelState state, List<Planned> requests, Family f) {
    int table = p.rtTableId();
    int index = state.index(p.interfaceName());
    if (state.table(table).stream().noneMatch(r -> isNetworkRoute(r, p, state, f))) {
      Family.Network net = f.network(p);
      RouteMessage network =
          RouteMessage.unicast(f.netlink(), table, proto(), net.address(), net.prefixLength())
              .withNextHop(null, index)
              .withPreferredSource(f.address(p))
              .withMetric(f.tableMetric());
      if (f.api() == AddressFamily.IPV4) {
        network = network.withScope(RouteMessage.SCOPE_LINK);
      }
      requests.add(planned(p.id(), Request.replaceRoute(network), state));
    }
    if (state.table(table).stream().noneMatch(r -> isTableDefault(r, p, state, f))) {
      requests.add(
          planned(p.id(), Request.replaceRoute(defaultThrough(p, table, index, f)), state));
    }
    addLeakGuardRequest(p, state, requests, f);
  }

  /**
   * The managed providers that have {@code f} but whose address or network of it is still to be
   * learned: their tables get only the unreachable default, so that nothing bound to them leaks.
   */
  private List<Provider> unroutable(Family f) {
    return known(f).values().stream()
        .filter(p -> p.has(f.api()) && (f.address(p) == null || f.network(p) == null))
        .toList();
  }

  private void addLeakGuardRequest(
      Provider p, KernelState state, List<Planned> requests, Family f) {
    if (state.table(p.rtTableId()).stream().noneMatch(r -> isLeakGuard(r, p))) {
      requests.add(planned(p.id(), Request.replaceRoute(leakGuard(p, f)), state));
    }
  }

  /**
   * The last-resort route of a provider's table. When the kernel deletes the provider's routes (its
   * interface went down), a probe bound to its address must fail, not fall through to the main
   * table and leave, falsely successful, through another provider.
   */
  private RouteMessage leakGuard(Provider p, Family f) {
    return RouteMessage.unicast(f.netlink(), p.rtTableId(), proto(), null, 0)
        .withType(RouteMessage.TYPE_UNREACHABLE)
        .withMetric(LEAK_GUARD_METRIC);
  }

  private Planned ruleRequest(Provider p, Family f) {
    RuleMessage rule =
        RuleMessage.fromSource(
            f.address(p), f.hostLength(), p.rtTableId(), settings.rulePriority(), proto());
    return new Planned(p.id(), Request.addRule(rule), "rule add " + rule);
  }

  private boolean isLeakGuard(RouteMessage r, Provider p) {
    return r.table() == p.rtTableId()
        && r.type() == RouteMessage.TYPE_UNREACHABLE
        && r.isDefault()
        && r.metric() == LEAK_GUARD_METRIC
        && r.protocol() == proto();
  }

  private boolean isNetworkRoute(RouteMessage r, Provider p, KernelState state, Family f) {
    Family.Network net = f.network(p);
    return r.table() == p.rtTableId()
        && r.isUnicast()
        && r.dstLength() == net.prefixLength()
        && net.address().equals(r.dst())
        && r.gateway() == null
        && isOnInterface(r, p, state)
        && Objects.equals(f.address(p), r.preferredSource())
        && r.protocol() == proto()
        && r.metric() == f.tableMetric()
        && !r.complexNextHop();
  }

  private boolean isTableDefault(RouteMessage r, Provider p, KernelState state, Family f) {
    return r.table() == p.rtTableId()
        && r.isUnicast()
        && r.isDefault()
        && Objects.equals(f.gateway(p), r.gateway())
        && isOnInterface(r, p, state)
        && r.protocol() == proto()
        && r.metric() == f.tableMetric()
        && !r.complexNextHop();
  }

  /** Whether {@code r} leaves through {@code p}'s interface (which must exist). */
  private static boolean isOnInterface(RouteMessage r, Provider p, KernelState state) {
    int index = state.index(p.interfaceName());
    return index != 0 && r.outputInterface() == index;
  }

  private boolean isWantedTableRoute(RouteMessage r, KernelState state, Family f) {
    // Every provider keeps its leak guard, also one whose address is still to be learned: a flow
    // pinned to its table must fail there, not leak.
    return known(f).values().stream().anyMatch(p -> isLeakGuard(r, p))
        || routable(f).stream()
            .anyMatch(p -> isNetworkRoute(r, p, state, f) || isTableDefault(r, p, state, f));
  }

  private boolean hasOwnRule(Provider p, KernelState state, Family f) {
    return state.rules().stream().anyMatch(r -> isOwnRule(r, p, f));
  }

  private boolean isOwnRule(RuleMessage r, Provider p, Family f) {
    return r.priority() == settings.rulePriority()
        && Objects.equals(f.address(p), r.src())
        && r.srcLength() == f.hostLength()
        && r.table() == p.rtTableId()
        && r.protocol() == proto()
        && r.plain();
  }

  private Optional<RouteMessage> findMain(ProviderRoute wanted, KernelState state, Family f) {
    return state.mainDefaults().stream()
        .filter(r -> matchesMain(r, wanted, state, f))
        .findFirst();
  }

  private boolean matchesMain(RouteMessage r, ProviderRoute wanted, KernelState state, Family f) {
    Provider p = wanted.provider();
    return r.table() == KernelState.MAIN_TABLE
        && r.isDefault()
        && r.isUnicast()
        && !r.complexNextHop()
        && Objects.equals(f.gateway(p), r.gateway())
        && isOnInterface(r, p, state)
        && Objects.equals(f.address(p), r.preferredSource())
        && r.metric() == wanted.metric()
        && r.protocol() == proto();
  }

  /** The provider a default route goes through, matched by interface and gateway. */
  private Optional<Provider> providerOf(RouteMessage route, KernelState state, Family f) {
    return routable(f).stream()
        .filter(
            p -> isOnInterface(route, p, state) && Objects.equals(f.gateway(p), route.gateway()))
        .findFirst();
  }

  // ---- foreign default routes

  private List<RouteMessage> foreignDefaults(KernelState state) {
    return state.mainDefaults().stream()
        .filter(r -> r.protocol() != proto() && isHandleable(r))
        .toList();
  }

  /** Plain unicast routes only: kill-switch types and multipath routes are not ours to move. */
  private static boolean isHandleable(RouteMessage r) {
    return r.isUnicast() && !r.complexNextHop();
  }

  private void handleForeignFirst(
      RouteMessage foreign,
      KernelState state,
      long highestWanted,
      List<Planned> first,
      List<RouteMessage> toDemote,
      Family f) {
    switch (settings.foreignRoutes()) {
      case LEAVE ->
          logger.warn(
              "foreign default route {} takes precedence over some of ours (metric <= {}); left"
                  + " alone as configured",
              state.describe(foreign),
              highestWanted);
      case REMOVE -> {} // deleted in the second transaction, once ours are in place
      case DEMOTE -> {
        if (state.mainDefaults().stream()
            .anyMatch(c -> c.metric() > highestWanted && isCopyOf(c, foreign))) {
          // Already demoted once (a DHCP client re-adds its route at every renewal): the copy is
          // in place, so only the re-added original goes, in the second transaction.
          logger.warn(
              "foreign default route {} is back; its demoted copy is in place, deleting it",
              state.describe(foreign));
          toDemote.add(foreign);
          return;
        }
        Set<Long> used = new HashSet<>();
        state.mainDefaults().forEach(r -> used.add(r.metric()));
        first.stream().map(Planned::demotedMetric).filter(Objects::nonNull).forEach(used::add);
        long metric = highestWanted + 1;
        while (used.contains(metric)) {
          metric++;
        }
        // The same next hop, source, scope, protocol and onlink flag; the kernel refuses the
        // flags it sets itself (linkdown) in a request.
        RouteMessage copy =
            foreign.withMetric(metric).withFlags(foreign.flags() & RouteMessage.FLAG_ONLINK);
        logger.warn(
            "foreign default route {} would take traffic before ours; demoting it to metric {}",
            state.describe(foreign),
            metric);
        String providerId = providerOf(foreign, state, f).map(Provider::id).orElse(null);
        Request add = Request.addRoute(copy);
        first.add(new Planned(providerId, add, add.describe(state::name), metric));
        toDemote.add(foreign);
      }
    }
  }

  private static boolean sameRoute(RouteMessage a, RouteMessage b) {
    return a.metric() == b.metric()
        && a.protocol() == b.protocol()
        && Objects.equals(a.gateway(), b.gateway())
        && a.outputInterface() == b.outputInterface();
  }

  private static boolean isCopyOf(RouteMessage copy, RouteMessage original) {
    return copy.metric() != original.metric()
        && copy.protocol() == original.protocol()
        && Objects.equals(copy.gateway(), original.gateway())
        && copy.outputInterface() == original.outputInterface()
        && Objects.equals(copy.preferredSource(), original.preferredSource());
  }

  // ---- deleting

  /**
   * What a delete request for {@code route}, as it was read, carries: everything the kernel matches
   * on, so that exactly this route goes; no flags (the kernel sets some itself in what it sends);
   * for a route through a nexthop object only its id (the kernel refuses an id together with a
   * gateway); and no next hop for a multipath or otherwise complex one, which the request cannot
   * carry (the destination, metric, type, protocol and table then select it).
   */
  private static RouteMessage deletion(RouteMessage route) {
    RouteMessage plain = route.withFlags(0);
    if (route.multipath() || route.otherNextHop()) {
      return plain.withNextHop(null, 0);
    }
    return route.nextHopId() != 0 ? plain.withNextHopId(route.nextHopId()) : plain;
  }

  /**
   * What a delete request for {@code rule}, as it was read, carries: its priority, prefixes, tos,
   * table, action, protocol and inversion. A rule with other selectors cannot be sent back whole;
   * the fields it has select it.
   */
  private static RuleMessage deletion(RuleMessage rule) {
    return new RuleMessage(
        rule.family(),
        rule.srcLength(),
        rule.dstLength(),
        rule.tos(),
        rule.table(),
        rule.action(),
        rule.flags() & RuleMessage.FLAG_INVERT,
        rule.src(),
        rule.dst(),
        rule.priority(),
        rule.protocol(),
        false);
  }

  // ---- verification

  /** Warns of a skipped provider when it is new or its reason changed; says when one is back. */
  private void logSkipped(Map<String, String> skipped, Family f) {
    Map<String, String> lastSkipped = this.lastSkipped.get(f.api());
    for (Map.Entry<String, String> skip : skipped.entrySet()) {
      if (skip.getValue().equals(lastSkipped.get(skip.getKey()))) {
        logger.debug(
            "provider '{}': {}; still skipping its routes", skip.getKey(), skip.getValue());
      } else {
        logger.warn(
            "provider '{}': {}; skipping its routes until it is back",
            skip.getKey(),
            skip.getValue());
      }
    }
    for (String id : lastSkipped.keySet()) {
      if (!skipped.containsKey(id)) {
        logger.info("provider '{}': its interface is usable again; applying its routes", id);
      }
    }
    this.lastSkipped.put(f.api(), Map.copyOf(skipped));
  }

  /**
   * What went wrong, by provider, if every refused request and every mismatch concerns a known
   * provider other than {@code mainId}; empty if anything concerns the main provider or no
   * provider (a stale route, a foreign route), which only an exception reports truthfully.
   */
  private Optional<Map<String, String>> refusedForOthers(
      List<Failure> failures, List<String> mismatches, String mainId, Family family) {
    Map<String, String> byProvider = new LinkedHashMap<>();
    for (Failure f : failures) {
      if (f.providerId() == null || f.providerId().equals(mainId)) {
        return Optional.empty();
      }
      byProvider.merge(
          f.providerId(), "the kernel refused " + f.request() + ": " + f.error(), this::join);
    }
    for (String mismatch : mismatches) {
      Optional<String> id =
          known(family).keySet().stream()
              .filter(k -> mismatch.startsWith("provider '" + k + "': "))
              .findFirst();
      if (id.isEmpty() || id.get().equals(mainId)) {
        return Optional.empty();
      }
      byProvider.merge(
          id.get(), mismatch.substring(("provider '" + id.get() + "': ").length()), this::join);
    }
    return Optional.of(byProvider);
  }

  private String join(String first, String second) {
    return first + "; " + second;
  }

  /** Logs refused requests at ERROR when new or changed, then at DEBUG while they repeat. */
  private void logRefused(Map<String, String> refused, Family f) {
    Map<String, String> lastRefused = this.lastRefused.get(f.api());
    for (Map.Entry<String, String> entry : refused.entrySet()) {
      if (entry.getValue().equals(lastRefused.get(entry.getKey()))) {
        logger.debug("provider '{}': still: {}", entry.getKey(), entry.getValue());
      } else {
        logger.error(
            "provider '{}': {}; the main route and the other providers are in place",
            entry.getKey(),
            entry.getValue());
      }
    }
    this.lastRefused.put(f.api(), Map.copyOf(refused));
  }

  private List<String> verify(
      RoutingState desired,
      Set<String> skipped,
      long highestWanted,
      KernelState state,
      Family f) {
    List<String> problems = new ArrayList<>();
    for (Provider p : routable(f)) {
      String id = "provider '" + p.id() + "': ";
      if (!hasOwnRule(p, state, f)) {
        problems.add(id + "rule from " + addr(p, f) + " lookup " + p.rtTableId() + " missing");
      }
      if (skipped.contains(p.id())) {
        continue;
      }
      List<RouteMessage> table = state.table(p.rtTableId());
      if (table.stream().noneMatch(r -> isNetworkRoute(r, p, state, f))) {
        problems.add(id + "route " + f.network(p) + " in table " + p.rtTableId() + " missing");
      }
      if (table.stream().noneMatch(r -> isTableDefault(r, p, state, f))) {
        problems.add(id + "default route in table " + p.rtTableId() + " missing");
      }
      if (table.stream().noneMatch(r -> isLeakGuard(r, p))) {
        problems.add(id + "unreachable default route in table " + p.rtTableId() + " missing");
      }
    }
    for (ProviderRoute route : desired.routes()) {
      if (!skipped.contains(route.provider().id()) && findMain(route, state, f).isEmpty()) {
        problems.add(
            "provider '"
                + route.provider().id()
                + "': main default route at metric "
                + route.metric()
                + " missing");
      }
    }
    for (RouteMessage route : state.mainDefaults()) {
      if (route.protocol() == proto()
          && desired.routes().stream().noneMatch(r -> matchesMain(route, r, state, f))) {
        problems.add("stale default route " + state.describe(route) + " still present");
      } else if (route.protocol() != proto() && isHandleable(route) && highestWanted >= 0) {
        boolean bad =
            switch (settings.foreignRoutes()) {
              case LEAVE -> false;
              case DEMOTE -> route.metric() <= highestWanted;
              case REMOVE -> true;
            };
        if (bad) {
          problems.add("foreign default route " + state.describe(route) + " still present");
        }
      }
    }
    return problems;
  }

  // ---- sending

  /** One request, the provider it concerns if any, and its text for logs and messages. */
  private record Planned(
      @Nullable String providerId, Request request, String text, @Nullable Long demotedMetric) {
    Planned(@Nullable String providerId, Request request, String text) {
      this(providerId, request, text, null);
    }
  }

  private static Planned planned(@Nullable String providerId, Request request, KernelState state) {
    return new Planned(providerId, request, request.describe(state::name));
  }

  /** A request the kernel refused, or a transaction that could not be carried out at all. */
  private record Failure(
      @Nullable String providerId, String request, String error, @Nullable Throwable cause) {}

  /**
   * The backend's netlink client: the one kept open since an earlier call, else a new one (on
   * first use, and after a failed operation closed the last). It stays open between calls, so
   * that a switch does not pay for a new socket and its 64 KiB direct receive buffer (which only a
   * garbage collection frees).
   */
  private RtNetlink netlink() throws NetlinkException {
    if (netlink == null) {
      netlink = opener.open();
    }
    return netlink;
  }

  /**
   * Closes the netlink socket this backend keeps open between calls. The backend stays usable: a
   * later call opens a new one. Idempotent.
   */
  @Override
  public synchronized void close() {
    closeNetlink();
  }

  /** Closes a client that failed (it may hold part of an answer); the next use opens another. */
  private void closeNetlink() {
    if (netlink != null) {
      netlink.close();
      netlink = null;
    }
  }

  private List<Failure> transact(List<Planned> planned) {
    if (planned.isEmpty()) {
      return List.of();
    }
    List<Result> results;
    try {
      results = netlink().transact(planned.stream().map(Planned::request).toList());
    } catch (NetlinkException e) {
      closeNetlink();
      // Which requests were carried out is unknown; the read-back that follows tells.
      return List.of(
          new Failure(
              null, "netlink transaction of " + planned.size() + " request(s)", e.getMessage(), e));
    }
    List<Failure> failures = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      Result result = results.get(i);
      if (!result.succeeded()) {
        Planned request = planned.get(i);
        failures.add(new Failure(request.providerId(), request.text(), result.describe(), null));
      }
    }
    return failures;
  }

  private static RouteBackendException failure(
      List<Failure> failures, List<String> mismatches, Map<String, String> skipped) {
    List<String> parts = new ArrayList<>();
    skipped.forEach((id, reason) -> parts.add("provider '" + id + "' skipped: " + reason));
    for (Failure f : failures) {
      parts.add("failed: " + f.request() + ": " + f.error());
    }
    parts.addAll(mismatches);
    Set<String> providers = new HashSet<>(skipped.keySet());
    failures.forEach(
        f -> {
          if (f.providerId() != null) {
            providers.add(f.providerId());
          }
        });
    String providerId = providers.size() == 1 ? providers.iterator().next() : null;
    String message = "routing state not applied whole: " + String.join("; ", parts);
    if (failures.isEmpty()) {
      return new RouteBackendException(providerId, message, List.of(), null, "", null);
    }
    Failure first = failures.get(0);
    // No command runs: the refused request stands where a command would, the error text (errno
    // and the kernel's message) where its standard error would.
    return new RouteBackendException(
        providerId, message, List.of(first.request()), null, first.error(), first.cause());
  }

  // ---- small helpers

  private int proto() {
    return settings.routeProtocol();
  }

  private static String addr(Provider p, Family f) {
    InetAddress address = f.address(p);
    return address == null ? "(none)" : text(address);
  }

  /** An address as {@code ip} prints it (RFC 5952 for IPv6: {@code 2001:db8:1::100}). */
  private static String text(InetAddress address) {
    return address instanceof Inet6Address v6 ? Ipv6.toText(v6) : address.getHostAddress();
  }

  private static List<String> texts(List<Planned> planned) {
    return planned.stream().map(Planned::text).toList();
  }

  private static String describe(List<RouteMessage> routes, KernelState state) {
    return routes.stream().map(state::describe).collect(Collectors.joining(", ", "[", "]"));
  }

  @Override
  public String toString() {
    return "NetlinkRouteBackend[" + settings + ", providers " + configured.keySet() + "]";
  }

  /**
   * One address family's reading of a provider and of the kernel: the provider's address, network
   * and gateway of that family, the family's netlink number, its host prefix length (a rule {@code
   * from ADDR} is {@code ADDR/32} or {@code ADDR/128}), and the metric the kernel gives a route
   * sent without one (0 for IPv4; IPv6 turns 0 into 1024, so the tables' routes carry 1024 to read
   * back as sent). Everything else in the layout is the same for both families, which is why the
   * backend is one class run per family rather than two.
   */
  record Family(
      AddressFamily api,
      dev.failover.linux.netlink.AddressFamily netlink,
      int hostLength,
      long tableMetric) {
    static final Family IPV4 =
        new Family(AddressFamily.IPV4, dev.failover.linux.netlink.AddressFamily.INET, 32, 0);
    static final Family IPV6 =
        new Family(AddressFamily.IPV6, dev.failover.linux.netlink.AddressFamily.INET6, 128, 1024);

    static Family of(AddressFamily family) {
      return family == AddressFamily.IPV6 ? IPV6 : IPV4;
    }

    /** A network of either family: its first address and its prefix length. */
    record Network(InetAddress address, int prefixLength) {
      @Override
      public String toString() {
        return text(address) + "/" + prefixLength;
      }
    }

    @Nullable InetAddress address(Provider p) {
      return p.address(api).orElse(null);
    }

    @Nullable InetAddress gateway(Provider p) {
      return p.gateway(api).orElse(null);
    }

    /** The provider's network of this family, or null while it is still to be learned. */
    @Nullable Network network(Provider p) {
      if (api == AddressFamily.IPV6) {
        return p.ipv6Prefix() == null
            ? null
            : new Network(p.ipv6Prefix().address(), p.ipv6Prefix().prefixLength());
      }
      return p.network() == null
          ? null
          : new Network(p.network().address(), p.network().prefixLength());
    }
  }
}
