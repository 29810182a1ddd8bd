package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.Provider;
import dev.failover.api.ProviderRoute;
import dev.failover.api.Providers;
import dev.failover.api.RouteBackend;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import dev.failover.linux.KernelState.Link;
import dev.failover.linux.KernelState.Route;
import dev.failover.linux.KernelState.Rule;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RouteBackend} that maintains the routing layout of DESIGN.md section 2 with the {@code
 * ip} command: per provider a table holding its network route, its default route and an {@code
 * unreachable} last-resort default (so that a probe bound to the provider's address never leaks
 * out through another provider while the kernel has deleted its routes), a {@code from ADDR
 * lookup TABLE} rule, and a default route in the main table at the metric the routing state gives.
 *
 * <p>Everything the backend makes carries its own route (and rule) protocol number ({@link
 * IpRouteBackendSettings#routeProtocol()}), so that it recognises its own routes after a restart
 * and tells them from foreign ones. {@link #apply} reads the kernel state ({@code ip -json}),
 * computes what differs, and changes only that, in two {@code ip -batch} runs:
 *
 * <ol>
 *   <li>tables, rules, the copies of demoted foreign routes, and every main-table default route
 *       with {@code ip route replace} at its metric. The kernel keys a route by (table, dst, tos,
 *       metric), so a replace swaps the provider behind a metric in one step: a switch of the main
 *       provider never leaves a moment without a default route.
 *   <li>only once the first run's result has been read back, and only while at least one desired
 *       default route is in place: the deletion of our own routes and rules that are no longer
 *       desired and of the foreign routes that were demoted or are to be removed.
 * </ol>
 *
 * <p>It then reads the state back and verifies it. The same state applied twice runs no command
 * the second time; a new instance (a restarted daemon) finds its routes and rules by their
 * protocol and adds no duplicate.
 *
 * <p>A provider whose interface is missing, down, or without its address is skipped with a
 * warning (once per reason: an unplugged modem can stay away for days; its return is logged at
 * INFO), the others are applied, and the partial {@link ApplyOutcome} names it; since the
 * engine retries, its table, rule and routes come back on the first apply after the interface
 * returns (the kernel deletes the routes of an interface that goes down, silently).
 *
 * <p>The providers given to the constructor (usually every configured one) always keep their
 * tables and rules, whether or not a routing state lists them, so that probes bound to their
 * addresses keep leaving through them; {@link #prepare} installs those tables and rules alone,
 * before the daemon's first round. Thread-safe: calls are serialised. No shell is involved:
 * every command is an argument list or an {@code ip -batch} line built from validated values.
 */
public final class IpRouteBackend implements RouteBackend {
  private static final Logger logger = LoggerFactory.getLogger(IpRouteBackend.class);
  private static final Pattern FAILED_LINE = Pattern.compile("Command failed -:(\\d+)");
  /** The metric of each table's unreachable default route: the highest, so it is the last resort. */
  static final long LEAK_GUARD_METRIC = 4294967295L;
  private static final int UNREACHABLE = 7;

  private final IpRouteBackendSettings settings;
  private final CommandRunner runner;
  /** Every provider this backend manages, by id: the configured ones and any a state named. */
  private final Map<String, Provider> known = new LinkedHashMap<>();

  private @Nullable RoutingState lastApplied;
  /** The providers skipped by the last apply, with the reason, so that each is warned of once. */
  private Map<String, String> lastSkipped = Map.of();

  /** A backend for {@code providers} (usually every configured one; a routing state may name more). */
  @Inject
  public IpRouteBackend(
      IpRouteBackendSettings settings, Providers providers, CommandRunner runner) {
    this.settings = checkNotNull(settings, "settings");
    this.runner = checkNotNull(runner, "runner");
    for (Provider provider : checkNotNull(providers, "providers")) {
      known.put(provider.id(), provider);
    }
  }

  /** The settings this backend was built with. */
  public IpRouteBackendSettings settings() {
    return settings;
  }

  @Override
  public synchronized ApplyOutcome apply(RoutingState desired) throws RouteBackendException {
    checkNotNull(desired, "desired");
    for (ProviderRoute route : desired.routes()) {
      Provider previous = known.get(route.provider().id());
      checkArgument(
          previous == null || previous.equals(route.provider()),
          "provider '%s' differs from the configured one: %s, configured %s",
          route.provider().id(),
          route.provider(),
          previous);
      known.putIfAbsent(route.provider().id(), route.provider());
    }
    KernelState before = read();

    Map<String, String> skipped = new LinkedHashMap<>();
    for (Provider provider : known.values()) {
      unavailable(provider, before).ifPresent(reason -> skipped.put(provider.id(), reason));
    }
    logSkipped(skipped);
    List<ProviderRoute> wanted =
        desired.routes().stream().filter(r -> !skipped.containsKey(r.provider().id())).toList();
    long highestWanted = wanted.stream().mapToLong(ProviderRoute::metric).max().orElse(-1);

    // Run 1: add and replace; nothing is deleted.
    List<Line> first = new ArrayList<>();
    for (Provider provider : known.values()) {
      if (!skipped.containsKey(provider.id())) {
        addTableLines(provider, before, first);
      }
    }
    for (Provider provider : known.values()) {
      if (!hasOwnRule(provider, before)) {
        first.add(ruleLine(provider));
      }
    }
    List<Route> toDemote = new ArrayList<>();
    if (!wanted.isEmpty()) {
      for (Route foreign : foreignDefaults(before)) {
        if (foreign.metric() <= highestWanted) {
          handleForeignFirst(foreign, before, highestWanted, first, toDemote);
        }
      }
    }
    for (ProviderRoute route : wanted) {
      if (findMain(route, before).isEmpty()) {
        Provider p = route.provider();
        first.add(new Line(p.id(), "route replace default via " + gw(p) + " dev " + p.interfaceName()
            + " src " + addr(p) + " metric " + route.metric() + " table main proto " + proto()));
      }
    }
    if (!first.isEmpty()) {
      if (desired.equals(lastApplied)) {
        logger.warn("drift: the kernel no longer holds the state applied last; repairing with {}",
            texts(first));
      } else {
        logger.info("applying {} route change(s): {}", first.size(), texts(first));
      }
    }
    List<Failure> failures = new ArrayList<>(runBatch(first));
    KernelState middle = first.isEmpty() ? before : read();

    // Run 2: deletions, only once a desired default route is in place.
    boolean oneWantedInPlace = wanted.stream().anyMatch(r -> findMain(r, middle).isPresent());
    List<Line> second = new ArrayList<>();
    List<Route> defaultsToDelete = new ArrayList<>();
    for (Route route : middle.mainDefaults()) {
      if (route.protocol() == proto()) {
        if (desired.routes().stream().noneMatch(r -> matchesMain(route, r))) {
          defaultsToDelete.add(route);
        }
      } else if (isHandleable(route) && oneWantedInPlace) {
        boolean demotedCopyInPlace =
            toDemote.stream().anyMatch(d -> sameRoute(d, route))
                && middle.mainDefaults().stream().anyMatch(c -> isCopyOf(c, route));
        boolean remove = settings.foreignRoutes() == ForeignRouteHandling.REMOVE;
        if (demotedCopyInPlace || remove) {
          logger.warn("{} foreign default route {} (ours are in place)",
              remove ? "removing" : "demoted; deleting the original of", route);
          defaultsToDelete.add(route);
        }
      }
    }
    if (!defaultsToDelete.isEmpty()) {
      if (oneWantedInPlace) {
        for (Route route : defaultsToDelete) {
          second.add(new Line(providerOf(route).map(Provider::id).orElse(null),
              "route del " + String.join(" ", route.selectors())));
        }
      } else {
        logger.warn("keeping default route(s) {}: none of the desired default routes is in place",
            defaultsToDelete);
      }
    }
    for (Route route : middle.routes()) {
      if (route.protocol() == proto() && route.table() != KernelState.MAIN_TABLE && !isWantedTableRoute(route)) {
        second.add(new Line(null, "route del " + String.join(" ", route.selectors())));
      }
    }
    for (Rule rule : middle.rules()) {
      if (rule.protocol() == proto() && known.values().stream().noneMatch(p -> isOwnRule(rule, p))) {
        second.add(new Line(null, "rule del priority " + rule.priority() + " from " + rule.src() + "/"
            + rule.srcLength() + " table " + rule.table() + " protocol " + proto()));
      }
    }
    if (!second.isEmpty()) {
      logger.info("removing {} stale route(s)/rule(s): {}", second.size(), texts(second));
      failures.addAll(runBatch(second));
    }
    KernelState after = second.isEmpty() ? middle : read();

    List<String> mismatches = verify(desired, skipped.keySet(), highestWanted, after);
    if (failures.isEmpty() && mismatches.isEmpty() && skipped.isEmpty()) {
      lastApplied = desired;
      return ApplyOutcome.complete();
    }
    lastApplied = null;
    if (!failures.isEmpty() || !mismatches.isEmpty()) {
      throw failure(failures, mismatches, skipped);
    }
    // Only skipped providers: a normal, partial outcome. The main route verified in place means
    // traffic goes where it should, so the engine may back off.
    boolean mainInPlace = !desired.routes().isEmpty()
        && !skipped.containsKey(desired.routes().get(0).provider().id())
        && findMain(desired.routes().get(0), after).isPresent();
    List<ApplyOutcome.Skipped> skippedProviders = new ArrayList<>();
    skipped.forEach((id, reason) -> skippedProviders.add(new ApplyOutcome.Skipped(known.get(id), reason)));
    return ApplyOutcome.partial(skippedProviders, mainInPlace);
  }

  @Override
  public synchronized Optional<RoutingState> current() throws RouteBackendException {
    KernelState state = read();
    List<ProviderRoute> routes = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    state.mainDefaults().stream()
        .filter(r -> r.protocol() == proto() && r.isUnicast())
        .sorted(Comparator.comparingLong(Route::metric))
        .forEach(route -> {
          Optional<Provider> provider = providerOf(route);
          if (provider.isEmpty()) {
            logger.warn("default route {} carries our protocol but matches no known provider", route);
          } else if (!seen.add(provider.get().id())) {
            logger.warn("provider '{}' has a second default route {}; ignored", provider.get().id(), route);
          } else if (route.metric() <= Integer.MAX_VALUE) {
            routes.add(new ProviderRoute(provider.get(), (int) route.metric()));
          }
        });
    return Optional.of(new RoutingState(routes));
  }

  /**
   * Installs every provider's table and rule, and nothing in the main table, so that probes bound
   * to a provider's address leave through that provider from the daemon's first round on.
   *
   * <p>Without this, the first round runs before the first {@link #apply}: a probe bound to a
   * provider's address would follow the main table, leave through whatever uplink that names, and
   * might succeed for a provider that is down, so that the first decision would be wrong.
   *
   * <p>For each provider: its table's network route, default route and unreachable last-resort
   * default, then its {@code from ADDR lookup TABLE} rule, as {@link #apply} makes them. A
   * provider whose interface is missing, down or without its address gets only the unreachable
   * default and the rule (neither needs the interface), with a warning: its probes then fail
   * instead of leaking through another uplink, and the first apply after the interface returns
   * adds the rest. Idempotent: what is in place already is not touched, so a second call runs no
   * command. Thread-safe, like every method of this class.
   *
   * @return the {@code ip} batch lines that were run, empty if everything was in place
   * @throws RouteBackendException if the kernel state cannot be read or a command failed (the
   *     other lines still ran; the first apply retries)
   */
  public synchronized List<String> prepare() throws RouteBackendException {
    KernelState state = read();
    List<Line> lines = new ArrayList<>();
    for (Provider provider : known.values()) {
      Optional<String> reason = unavailable(provider, state);
      if (reason.isPresent()) {
        logger.warn("provider '{}': {}; preparing only its rule and its table's unreachable default",
            provider.id(), reason.get());
        addLeakGuardLine(provider, state, lines);
      } else {
        addTableLines(provider, state, lines);
      }
    }
    for (Provider provider : known.values()) {
      if (!hasOwnRule(provider, state)) {
        lines.add(ruleLine(provider));
      }
    }
    if (lines.isEmpty()) {
      return List.of();
    }
    logger.info("preparing {} table route(s)/rule(s): {}", lines.size(), texts(lines));
    List<Failure> failures = runBatch(lines);
    if (!failures.isEmpty()) {
      throw failure(failures, List.of(), Map.of());
    }
    return texts(lines);
  }

  /**
   * Removes what this backend made: its rules, the routes in the providers' tables, and its default
   * routes in the main table, for the {@code uninstall} command.
   *
   * <p>The default routes are removed only if another default route remains in the main table, or
   * when {@code evenLastDefaultRoute} is true: uninstalling over SSH must not cut the line by
   * accident.
   *
   * @return the {@code ip} batch lines that were run, empty if there was nothing to remove
   * @throws RouteBackendException if reading or a command failed
   */
  public synchronized List<String> removeAll(boolean evenLastDefaultRoute) throws RouteBackendException {
    KernelState state = read();
    List<Line> lines = new ArrayList<>();
    for (Rule rule : state.rules()) {
      if (rule.protocol() == proto()) {
        lines.add(new Line(null, "rule del priority " + rule.priority() + " from " + rule.src() + "/"
            + rule.srcLength() + " table " + rule.table() + " protocol " + proto()));
      }
    }
    for (Route route : state.routes()) {
      if (route.protocol() == proto() && route.table() != KernelState.MAIN_TABLE) {
        lines.add(new Line(null, "route del " + String.join(" ", route.selectors())));
      }
    }
    List<Route> ours = state.mainDefaults().stream().filter(r -> r.protocol() == proto()).toList();
    boolean otherDefault =
        state.mainDefaults().stream().anyMatch(r -> r.protocol() != proto() && r.isUnicast());
    if (otherDefault || evenLastDefaultRoute) {
      for (Route route : ours) {
        lines.add(new Line(null, "route del " + String.join(" ", route.selectors())));
      }
    } else if (!ours.isEmpty()) {
      logger.warn("keeping our default route(s) {}: no other default route would remain", ours);
    }
    List<Failure> failures = runBatch(lines);
    if (!failures.isEmpty()) {
      throw failure(failures, List.of(), Map.of());
    }
    lastApplied = null;
    return texts(lines);
  }

  // ---- reading

  private KernelState read() throws RouteBackendException {
    String routes = readJson("-4", "route", "show", "table", "all");
    String rules = readJson("-4", "rule", "show");
    String addrs = readJson("addr", "show");
    try {
      return KernelState.parse(routes, rules, addrs);
    } catch (IllegalArgumentException e) {
      throw new RouteBackendException(null, "could not parse the output of ip -json: " + e.getMessage());
    }
  }

  private String readJson(String... args) throws RouteBackendException {
    List<String> command = ImmutableList.<String>builder()
        .add(settings.ipCommand(), "-json", "-N").add(args).build();
    try {
      CommandResult result = runner.run(command, "", settings.commandTimeout());
      if (!result.succeeded()) {
        throw new RouteBackendException(null, "could not read the kernel state", result.command(),
            result.exitCode(), result.stderr(), null);
      }
      return result.stdout();
    } catch (CommandException e) {
      throw new RouteBackendException(null, "could not read the kernel state: " + e.getMessage(),
          e.command(), null, "", e);
    }
  }

  // ---- what is wanted

  private Optional<String> unavailable(Provider provider, KernelState state) {
    Optional<Link> link = state.link(provider.interfaceName());
    if (link.isEmpty()) {
      return Optional.of("interface " + provider.interfaceName() + " does not exist");
    }
    if (!link.get().up()) {
      return Optional.of("interface " + provider.interfaceName() + " is down");
    }
    if (!link.get().addresses().contains(addr(provider))) {
      return Optional.of("interface " + provider.interfaceName() + " does not hold address " + addr(provider));
    }
    return Optional.empty();
  }

  private void addTableLines(Provider p, KernelState state, List<Line> lines) {
    int table = p.rtTableId();
    if (state.table(table).stream().noneMatch(r -> isNetworkRoute(r, p))) {
      lines.add(new Line(p.id(), "route replace " + networkDst(p) + " dev " + p.interfaceName() + " src "
          + addr(p) + " table " + table + " proto " + proto()));
    }
    if (state.table(table).stream().noneMatch(r -> isTableDefault(r, p))) {
      lines.add(new Line(p.id(), "route replace default via " + gw(p) + " dev " + p.interfaceName()
          + " table " + table + " proto " + proto()));
    }
    addLeakGuardLine(p, state, lines);
  }

  private void addLeakGuardLine(Provider p, KernelState state, List<Line> lines) {
    int table = p.rtTableId();
    if (state.table(table).stream().noneMatch(r -> isLeakGuard(r, p))) {
      lines.add(new Line(p.id(), "route replace unreachable default metric " + LEAK_GUARD_METRIC
          + " table " + table + " proto " + proto()));
    }
  }

  private Line ruleLine(Provider p) {
    return new Line(p.id(), "rule add from " + addr(p) + "/32 table " + p.rtTableId() + " priority "
        + settings.rulePriority() + " protocol " + proto());
  }

  /**
   * The last-resort route of a provider's table. When the kernel deletes the provider's routes (its
   * interface went down), a probe bound to its address must fail, not fall through to the main
   * table and leave, falsely successful, through another provider.
   */
  private boolean isLeakGuard(Route r, Provider p) {
    return r.table() == p.rtTableId() && r.type() == UNREACHABLE && r.isDefault()
        && r.metric() == LEAK_GUARD_METRIC && r.protocol() == proto();
  }

  private boolean isNetworkRoute(Route r, Provider p) {
    return r.table() == p.rtTableId() && r.isUnicast() && r.dst().equals(networkDst(p)) && r.gateway() == null
        && p.interfaceName().equals(r.dev()) && addr(p).equals(r.prefsrc()) && r.protocol() == proto()
        && r.metric() == 0 && !r.complex();
  }

  private boolean isTableDefault(Route r, Provider p) {
    return r.table() == p.rtTableId() && r.isUnicast() && r.isDefault() && gw(p).equals(r.gateway())
        && p.interfaceName().equals(r.dev()) && r.protocol() == proto() && r.metric() == 0 && !r.complex();
  }

  private boolean isWantedTableRoute(Route r) {
    return known.values().stream()
        .anyMatch(p -> isNetworkRoute(r, p) || isTableDefault(r, p) || isLeakGuard(r, p));
  }

  private boolean hasOwnRule(Provider p, KernelState state) {
    return state.rules().stream().anyMatch(r -> isOwnRule(r, p));
  }

  private boolean isOwnRule(Rule r, Provider p) {
    return r.priority() == settings.rulePriority() && r.src().equals(addr(p)) && r.srcLength() == 32
        && r.table() == p.rtTableId() && r.protocol() == proto() && r.plain();
  }

  private Optional<Route> findMain(ProviderRoute wanted, KernelState state) {
    return state.mainDefaults().stream().filter(r -> matchesMain(r, wanted)).findFirst();
  }

  private boolean matchesMain(Route r, ProviderRoute wanted) {
    Provider p = wanted.provider();
    return r.table() == KernelState.MAIN_TABLE && r.isDefault() && r.isUnicast() && !r.complex()
        && gw(p).equals(r.gateway()) && p.interfaceName().equals(r.dev()) && addr(p).equals(r.prefsrc())
        && r.metric() == wanted.metric() && r.protocol() == proto();
  }

  /** The provider a default route goes through, matched by interface and gateway. */
  private Optional<Provider> providerOf(Route route) {
    return known.values().stream()
        .filter(p -> p.interfaceName().equals(route.dev()) && gw(p).equals(route.gateway()))
        .findFirst();
  }

  // ---- foreign default routes

  private List<Route> foreignDefaults(KernelState state) {
    return state.mainDefaults().stream().filter(r -> r.protocol() != proto() && isHandleable(r)).toList();
  }

  /** Plain unicast routes only: kill-switch types and multipath routes are not ours to move. */
  private static boolean isHandleable(Route r) {
    return r.isUnicast() && !r.complex();
  }

  private void handleForeignFirst(
      Route foreign, KernelState state, long highestWanted, List<Line> first, List<Route> toDemote) {
    switch (settings.foreignRoutes()) {
      case LEAVE -> logger.warn(
          "foreign default route {} takes precedence over some of ours (metric <= {}); left alone as"
              + " configured", foreign, highestWanted);
      case REMOVE -> { } // deleted in the second run, once ours are in place
      case DEMOTE -> {
        if (state.mainDefaults().stream()
            .anyMatch(c -> c.metric() > highestWanted && isCopyOf(c, foreign))) {
          // Already demoted once (a DHCP client re-adds its route at every renewal): the copy is
          // in place, so only the re-added original goes, in the second run.
          logger.warn("foreign default route {} is back; its demoted copy is in place, deleting it",
              foreign);
          toDemote.add(foreign);
          return;
        }
        Set<Long> used = new HashSet<>();
        state.mainDefaults().forEach(r -> used.add(r.metric()));
        first.stream().map(Line::demotedMetric).filter(Objects::nonNull).forEach(used::add);
        long metric = highestWanted + 1;
        while (used.contains(metric)) {
          metric++;
        }
        StringBuilder line = new StringBuilder("route add default");
        if (foreign.gateway() != null) {
          line.append(" via ").append(foreign.gateway());
        }
        if (foreign.dev() != null) {
          line.append(" dev ").append(foreign.dev());
        }
        if (foreign.prefsrc() != null) {
          line.append(" src ").append(foreign.prefsrc());
        }
        if (foreign.flags().contains("onlink")) {
          line.append(" onlink");
        }
        line.append(" metric ").append(metric).append(" table main proto ").append(foreign.protocol());
        logger.warn("foreign default route {} would take traffic before ours; demoting it to metric {}",
            foreign, metric);
        first.add(new Line(providerOf(foreign).map(Provider::id).orElse(null), line.toString(), metric));
        toDemote.add(foreign);
      }
    }
  }

  private static boolean sameRoute(Route a, Route b) {
    return a.metric() == b.metric() && a.protocol() == b.protocol() && Objects.equals(a.gateway(), b.gateway())
        && Objects.equals(a.dev(), b.dev());
  }

  private static boolean isCopyOf(Route copy, Route original) {
    return copy.metric() != original.metric() && copy.protocol() == original.protocol()
        && Objects.equals(copy.gateway(), original.gateway()) && Objects.equals(copy.dev(), original.dev())
        && Objects.equals(copy.prefsrc(), original.prefsrc());
  }

  // ---- verification

  /** Warns of a skipped provider when it is new or its reason changed; says when one is back. */
  private void logSkipped(Map<String, String> skipped) {
    for (Map.Entry<String, String> skip : skipped.entrySet()) {
      if (skip.getValue().equals(lastSkipped.get(skip.getKey()))) {
        logger.debug("provider '{}': {}; still skipping its routes", skip.getKey(), skip.getValue());
      } else {
        logger.warn("provider '{}': {}; skipping its routes until it is back", skip.getKey(), skip.getValue());
      }
    }
    for (String id : lastSkipped.keySet()) {
      if (!skipped.containsKey(id)) {
        logger.info("provider '{}': its interface is usable again; applying its routes", id);
      }
    }
    lastSkipped = Map.copyOf(skipped);
  }

  private List<String> verify(RoutingState desired, Set<String> skipped, long highestWanted, KernelState state) {
    List<String> problems = new ArrayList<>();
    for (Provider p : known.values()) {
      if (!hasOwnRule(p, state)) {
        problems.add("provider '" + p.id() + "': rule from " + addr(p) + " lookup " + p.rtTableId() + " missing");
      }
      if (skipped.contains(p.id())) {
        continue;
      }
      if (state.table(p.rtTableId()).stream().noneMatch(r -> isNetworkRoute(r, p))) {
        problems.add("provider '" + p.id() + "': route " + networkDst(p) + " in table " + p.rtTableId() + " missing");
      }
      if (state.table(p.rtTableId()).stream().noneMatch(r -> isTableDefault(r, p))) {
        problems.add("provider '" + p.id() + "': default route in table " + p.rtTableId() + " missing");
      }
      if (state.table(p.rtTableId()).stream().noneMatch(r -> isLeakGuard(r, p))) {
        problems.add("provider '" + p.id() + "': unreachable default route in table " + p.rtTableId() + " missing");
      }
    }
    for (ProviderRoute route : desired.routes()) {
      if (!skipped.contains(route.provider().id()) && findMain(route, state).isEmpty()) {
        problems.add("provider '" + route.provider().id() + "': main default route at metric "
            + route.metric() + " missing");
      }
    }
    for (Route route : state.mainDefaults()) {
      if (route.protocol() == proto() && desired.routes().stream().noneMatch(r -> matchesMain(route, r))) {
        problems.add("stale default route " + route + " still present");
      } else if (route.protocol() != proto() && isHandleable(route) && highestWanted >= 0) {
        boolean bad = switch (settings.foreignRoutes()) {
          case LEAVE -> false;
          case DEMOTE -> route.metric() <= highestWanted;
          case REMOVE -> true;
        };
        if (bad) {
          problems.add("foreign default route " + route + " still present");
        }
      }
    }
    return problems;
  }

  // ---- running

  /** One {@code ip -batch} line, and the provider it concerns if any. */
  private record Line(@Nullable String providerId, String text, @Nullable Long demotedMetric) {
    Line(@Nullable String providerId, String text) {
      this(providerId, text, null);
    }
  }

  /** A failed batch line, or a batch that did not run at all. */
  private record Failure(@Nullable String providerId, List<String> command, @Nullable Integer exitCode,
      String stderr, @Nullable Throwable cause) {}

  private List<Failure> runBatch(List<Line> lines) {
    if (lines.isEmpty()) {
      return List.of();
    }
    StringBuilder input = new StringBuilder();
    for (Line line : lines) {
      input.append(line.text()).append('\n');
    }
    // -force: one failing line (one provider) must not stop the others.
    List<String> command = List.of(settings.ipCommand(), "-force", "-batch", "-");
    CommandResult result;
    try {
      result = runner.run(command, input.toString(), settings.commandTimeout());
    } catch (CommandException e) {
      return List.of(new Failure(null, e.command(), null, e.getMessage(), e));
    }
    if (result.succeeded()) {
      return List.of();
    }
    List<Failure> failures = new ArrayList<>();
    Matcher matcher = FAILED_LINE.matcher(result.stderr());
    while (matcher.find()) {
      int index = Integer.parseInt(matcher.group(1)) - 1;
      if (index >= 0 && index < lines.size()) {
        Line line = lines.get(index);
        List<String> words = new ArrayList<>();
        words.add(settings.ipCommand());
        words.addAll(Arrays.asList(line.text().split(" ")));
        failures.add(new Failure(line.providerId(), words, result.exitCode(), result.stderr(), null));
      }
    }
    if (failures.isEmpty()) {
      failures.add(new Failure(null, result.command(), result.exitCode(), result.stderr(), null));
    }
    return failures;
  }

  private static RouteBackendException failure(
      List<Failure> failures, List<String> mismatches, Map<String, String> skipped) {
    List<String> parts = new ArrayList<>();
    skipped.forEach((id, reason) -> parts.add("provider '" + id + "' skipped: " + reason));
    for (Failure f : failures) {
      parts.add("failed: " + String.join(" ", f.command()));
    }
    parts.addAll(mismatches);
    Set<String> providers = new HashSet<>(skipped.keySet());
    failures.forEach(f -> {
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
    return new RouteBackendException(providerId, message, first.command(), first.exitCode(),
        first.stderr(), first.cause());
  }

  // ---- small helpers

  private int proto() {
    return settings.routeProtocol();
  }

  private static String addr(Provider p) {
    return p.ipv4Address().getHostAddress();
  }

  private static String gw(Provider p) {
    return p.gateway().getHostAddress();
  }

  /** The network as {@code ip} prints it: a /32 has no suffix. */
  private static String networkDst(Provider p) {
    return p.network().prefixLength() == 32 ? p.network().address().getHostAddress() : p.network().toString();
  }

  private static List<String> texts(List<Line> lines) {
    return lines.stream().map(Line::text).toList();
  }

  @Override
  public String toString() {
    return "IpRouteBackend[" + settings + ", providers " + known.keySet() + "]";
  }
}
