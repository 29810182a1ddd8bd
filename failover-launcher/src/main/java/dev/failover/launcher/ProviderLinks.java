package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.Providers;
import dev.failover.linux.InterfaceView;
import dev.failover.linux.Ipv6Uplink;
import dev.failover.linux.Ipv6UplinkConfig;
import dev.failover.linux.Ipv6UplinkResolution;
import dev.failover.linux.Ipv6UplinkResolver;
import dev.failover.linux.LinkListener;
import dev.failover.linux.LinkStatus;
import dev.failover.linux.UplinkResolver;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a {@code LinkMonitor} reports (interfaces usable or not, IPv4 addresses coming and
 * going, and each interface's whole picture) into one usable flag per provider interface and
 * address family, and, for the providers that learn values of a family from their interface, a
 * {@link ProviderResolution} of that family.
 *
 * <p><b>Usable</b>, per family the provider has: the link is usable <em>and</em> holds the
 * provider's configured address of that family ({@code ipv4_address}; {@code ipv6_address}, not
 * tentative and not failed duplicate address detection, as the interface's view shows it): without
 * its address a provider can neither send its probes of that family nor carry its routes ({@code
 * src ADDR}), whatever the link says. The flag is per family so that a dual-stack provider that
 * loses only its IPv4 address (or only its IPv6 one) is dropped only by that family's engine; an
 * IPv6-only provider is never judged by an IPv4 address. For a family whose address is learned, the
 * flag is the link's alone: its address coming and going is its resolution (unconfigured without
 * one). A link that goes down or up changes every family's flag at once, and each is reported, back
 * to back. Without a view of the interface yet (the monitor could not start), the IPv6 flag is the
 * link's alone, and the probes judge.
 *
 * <p><b>Learned values</b> ({@link UplinkResolver} for IPv4, {@link Ipv6UplinkResolver} for IPv6):
 * a provider that omits its address, network or gateway of a family is resolved in that family from
 * its interface's view each time the view changes (a lease renewed with a new address, a gateway
 * learned from the DHCP client's default route, a SLAAC address, a router advertisement's default
 * route, an interface created, deleted or created again), and every change of its resolution is
 * passed on; configured values win over the interface's. Two providers cannot share a learned
 * address (their rules would clash): in IPv4 the second in priority order is unconfigured while the
 * first holds it; in IPv6 likewise, and a learned IPv6 address that is another provider's
 * configured {@code ipv6_address} is never taken. Each resolver note (several addresses, an on-link
 * gateway, a configured value the interface lacks) is logged once, when it first appears. When a
 * foreign default route through a provider's interface is added (a DHCP client re-adds its own at
 * every renewal; the kernel re-adds a router advertisement's {@code proto ra} route that was
 * removed), the sink is asked to apply the routes again, so that {@code foreign_default_routes}
 * handles it at once; a route that went, or an advertisement that only refreshed a route's lifetime
 * (the views do not carry expiries), asks for nothing.
 *
 * <p>Until {@link #reportInitial} nothing is passed on, so that the monitor's start-up report (an
 * interface's link first, its addresses next) never shows a provider as briefly unusable; then
 * every provider is reported once, and from then on each change. Interfaces no provider uses are
 * ignored. Thread-safe: the monitor's thread and the starting thread may call it at the same time;
 * calls to the sink are made under the lock, one at a time, so they arrive in order.
 */
final class ProviderLinks implements LinkListener {
  private static final Logger logger = LoggerFactory.getLogger(ProviderLinks.class);

  private final Providers providers;
  private final Map<String, Provider> byInterface = new LinkedHashMap<>();
  private final LinkWatch.Sink sink;
  private final @Nullable UplinkResolver resolver;
  private final @Nullable Ipv6UplinkResolver ipv6Resolver;
  private final Map<String, Boolean> linkUsable = new HashMap<>();
  private final Map<String, Set<Inet4Address>> addresses = new HashMap<>();

  /** By interface: the flag last passed on for each family of its provider. */
  private final Map<String, Map<AddressFamily, Boolean>> reported = new HashMap<>();

  private final Map<String, InterfaceView> views = new HashMap<>();

  /** By provider id: the IPv4 resolution last passed on, for the providers that learn IPv4. */
  private final Map<String, ProviderResolution> resolutions = new LinkedHashMap<>();

  /** By provider id: the IPv6 resolution last passed on, for the providers that learn IPv6. */
  private final Map<String, ProviderResolution> ipv6Resolutions = new LinkedHashMap<>();

  /** By provider id: the IPv6 resolver's last answer, which it takes back as the previous one. */
  private final Map<String, Ipv6UplinkResolution> ipv6Uplinks = new HashMap<>();

  /** By family and provider id: the resolver's notes already logged. */
  private final Map<AddressFamily, Map<String, List<String>>> notes =
      new EnumMap<>(AddressFamily.class);

  private boolean initialDone;

  /** For providers whose values are all configured: no resolver is needed. */
  ProviderLinks(Providers providers, LinkWatch.Sink sink) {
    this(providers, sink, null, null);
  }

  /**
   * For providers that learn IPv4 values only.
   *
   * @param resolver learns the omitted IPv4 values of the providers that omit any; null when none
   *     does
   */
  ProviderLinks(Providers providers, LinkWatch.Sink sink, @Nullable UplinkResolver resolver) {
    this(providers, sink, resolver, null);
  }

  /**
   * @param resolver learns the omitted IPv4 values of the providers that omit any; null when none
   *     does
   * @param ipv6Resolver learns the omitted IPv6 values of the providers that omit any; null when
   *     none does
   */
  ProviderLinks(
      Providers providers,
      LinkWatch.Sink sink,
      @Nullable UplinkResolver resolver,
      @Nullable Ipv6UplinkResolver ipv6Resolver) {
    this.providers = checkNotNull(providers, "providers");
    for (Provider provider : providers) {
      byInterface.put(provider.interfaceName(), provider);
      reported.put(provider.interfaceName(), new EnumMap<>(AddressFamily.class));
    }
    this.sink = checkNotNull(sink, "sink");
    this.resolver = resolver;
    this.ipv6Resolver = ipv6Resolver;
    for (AddressFamily family : AddressFamily.values()) {
      notes.put(family, new HashMap<>());
    }
  }

  @Override
  public synchronized void onLinkChanged(String interfaceName, boolean usable) {
    if (!byInterface.containsKey(interfaceName)) {
      return;
    }
    linkUsable.put(interfaceName, usable);
    reportIfChanged(interfaceName);
  }

  @Override
  public synchronized void onAddressChanged(
      String interfaceName, Inet4Address address, boolean present) {
    if (!byInterface.containsKey(interfaceName)) {
      return;
    }
    Set<Inet4Address> known = addresses.computeIfAbsent(interfaceName, name -> new HashSet<>());
    if (present) {
      known.add(address);
    } else {
      known.remove(address);
    }
    reportIfChanged(interfaceName);
  }

  @Override
  public synchronized void onInterfaceChanged(InterfaceView view) {
    Provider provider = byInterface.get(view.name());
    if (provider == null) {
      return;
    }
    @Nullable InterfaceView before = views.put(view.name(), view);
    if (!initialDone) {
      return;
    }
    if (provider.learnsFromInterface()) {
      resolveAll();
    }
    // The view holds the IPv6 addresses: a configured one that came, went or finished duplicate
    // address detection changes the IPv6 flag.
    reportIfChanged(view.name());
    // The view's default routes are other programs' (the monitor leaves failover's own out).
    if (before != null
        && (!before.defaultRoutes().containsAll(view.defaultRoutes())
            || !before.ipv6DefaultRoutes().containsAll(view.ipv6DefaultRoutes()))) {
      // A DHCP client re-added its default route (at every renewal), or the kernel re-added a
      // router advertisement's: let the backend handle it now, as foreign_default_routes says,
      // not at the next re-assertion. One that went needs nothing. An advertisement that only
      // refreshes a route's lifetime leaves the view as it was (it carries no expiry).
      sink.resynced();
    }
  }

  /**
   * Reports every provider once: first the resolution of each that learns values (IPv4, then IPv6),
   * then each link, in every family its provider has. An interface the monitor has not reported
   * (absent, or the monitor could not start) is read with {@code read}; if that is empty too (the
   * read failed), the link counts as usable, as the engine assumes until told otherwise, and the
   * probes judge it.
   *
   * @throws IllegalStateException if called twice
   */
  synchronized void reportInitial(Function<String, Optional<LinkStatus>> read) {
    checkState(!initialDone, "the initial link states were reported already");
    initialDone = true;
    resolveAll();
    List<String> summary = new ArrayList<>();
    for (Map.Entry<String, Provider> entry : byInterface.entrySet()) {
      String name = entry.getKey();
      Provider provider = entry.getValue();
      if (!linkUsable.containsKey(name)) {
        Optional<LinkStatus> status = read.apply(name);
        if (status.isPresent()) {
          linkUsable.put(name, status.get().usable());
          addresses.put(name, new HashSet<>(status.get().addresses()));
        }
      }
      for (AddressFamily family : provider.families()) {
        boolean usable = usable(name, family).orElse(true);
        reported.get(name).put(family, usable);
        sink.linkChanged(name, family, usable);
      }
      summary.add(describe(provider, provider.families()));
    }
    logger.info("links at start: {}", String.join(", ", summary));
  }

  private void resolveAll() {
    resolveIpv4();
    resolveIpv6();
  }

  /**
   * Resolves every provider that learns IPv4 values, in priority order (so that a learned address
   * two providers show goes to the first), and passes on each resolution that changed.
   */
  private void resolveIpv4() {
    if (resolver == null) {
      return;
    }
    Map<Inet4Address, String> taken = new HashMap<>();
    for (Provider provider : providers) {
      if (!provider.learnsFromInterface(AddressFamily.IPV4)) {
        if (provider.ipv4Address() != null) {
          taken.putIfAbsent(provider.ipv4Address(), provider.id());
        }
        continue;
      }
      List<String> found = new ArrayList<>();
      ProviderResolution resolution =
          resolver.resolve(provider, viewOf(provider), resolutions.get(provider.id()), found);
      if (resolution.provider() != null) {
        Inet4Address address = resolution.provider().ipv4Address();
        String holder = taken.putIfAbsent(address, provider.id());
        if (holder != null) {
          resolution =
              ProviderResolution.unconfigured(
                  provider.id(),
                  "learned address "
                      + address.getHostAddress()
                      + " is also provider '"
                      + holder
                      + "''s; a rule cannot tell the two apart");
        }
      }
      passOn(provider, resolution, found, resolutions);
    }
  }

  /**
   * Resolves every provider that learns IPv6 values, in priority order, and passes on each
   * resolution that changed. Every configured {@code ipv6_address} is taken first, so that a
   * learned address never clashes with a configured one; of two providers that learn the same
   * address, the first holds it.
   */
  private void resolveIpv6() {
    if (ipv6Resolver == null) {
      return;
    }
    Map<Inet6Address, String> taken = new HashMap<>();
    for (Provider provider : providers) {
      if (provider.ipv6Address() != null) {
        taken.putIfAbsent(provider.ipv6Address(), provider.id());
      }
    }
    for (Provider provider : providers) {
      if (!provider.learnsFromInterface(AddressFamily.IPV6)) {
        continue;
      }
      List<String> found = new ArrayList<>();
      Ipv6UplinkResolution uplink =
          ipv6Resolver.resolve(
              ipv6Config(provider), viewOf(provider), ipv6Uplinks.get(provider.id()), found);
      ipv6Uplinks.put(provider.id(), uplink);
      ProviderResolution resolution = ipv6Resolution(provider, uplink);
      if (resolution.provider() != null && provider.ipv6Address() == null) {
        Inet6Address address = resolution.provider().ipv6Address();
        String holder = taken.putIfAbsent(address, provider.id());
        if (holder != null) {
          resolution =
              ProviderResolution.unconfigured(
                  provider.id(),
                  AddressFamily.IPV6,
                  "learned IPv6 address "
                      + Ipv6.toText(address)
                      + " is also provider '"
                      + holder
                      + "''s; a rule cannot tell the two apart");
        }
      }
      passOn(provider, resolution, found, ipv6Resolutions);
    }
  }

  /** The IPv6 side of {@code provider} as configured, for the resolver. */
  private static Ipv6UplinkConfig ipv6Config(Provider provider) {
    return new Ipv6UplinkConfig(
        provider.interfaceName(),
        provider.ipv6Address(),
        provider.ipv6Prefix() == null ? null : provider.ipv6Prefix().prefixLength(),
        provider.ipv6Gateway());
  }

  /**
   * {@code provider} with the IPv6 values of {@code uplink}: the configured prefix if there is one
   * (the learned address must lie in it), else the learned address's own; its IPv4 values stay as
   * configured. Unconfigured, with the reason, if the resolver found no values or the provider
   * refuses the learned ones.
   */
  private static ProviderResolution ipv6Resolution(Provider provider, Ipv6UplinkResolution uplink) {
    @Nullable Ipv6Uplink values = uplink.uplink();
    if (values == null) {
      return ProviderResolution.unconfigured(provider.id(), AddressFamily.IPV6, uplink.reason());
    }
    try {
      Ipv6Network prefix =
          provider.ipv6Prefix() != null
              ? provider.ipv6Prefix()
              : Ipv6Network.containing(values.address(), values.prefixLength());
      return ProviderResolution.resolved(
          provider.withIpv6(values.address(), prefix, values.gateway()), AddressFamily.IPV6);
    } catch (IllegalArgumentException e) {
      return ProviderResolution.unconfigured(
          provider.id(),
          AddressFamily.IPV6,
          "learned IPv6 values " + values + " refused: " + e.getMessage());
    }
  }

  private InterfaceView viewOf(Provider provider) {
    return views.getOrDefault(
        provider.interfaceName(), InterfaceView.missing(provider.interfaceName()));
  }

  /** Logs the notes not logged yet, and passes {@code resolution} on if it changed. */
  private void passOn(
      Provider provider,
      ProviderResolution resolution,
      List<String> found,
      Map<String, ProviderResolution> last) {
    Map<String, List<String>> logged = notes.get(resolution.family());
    for (String note : found) {
      if (!logged.getOrDefault(provider.id(), List.of()).contains(note)) {
        logger.warn("{}: {}", provider, note);
      }
    }
    logged.put(provider.id(), found);
    if (!resolution.equals(last.get(provider.id()))) {
      last.put(provider.id(), resolution);
      sink.providerResolved(resolution);
    }
  }

  /**
   * Whether {@code interfaceName}'s link is usable for {@code family} and has its provider's
   * configured address of it, if the link's state is known.
   */
  private Optional<Boolean> usable(String interfaceName, AddressFamily family) {
    @Nullable Boolean link = linkUsable.get(interfaceName);
    if (link == null) {
      return Optional.empty();
    }
    Provider provider = byInterface.get(interfaceName);
    if (family == AddressFamily.IPV4) {
      if (provider.ipv4Address() == null) {
        // A learned address: its coming and going is the provider's resolution (unconfigured
        // without one), so the flag is the link's alone, and a new lease is no link flap.
        return Optional.of(link);
      }
      return Optional.of(
          link && addresses.getOrDefault(interfaceName, Set.of()).contains(provider.ipv4Address()));
    }
    @Nullable InterfaceView view = views.get(interfaceName);
    if (provider.ipv6Address() == null || view == null) {
      // Learned (as above), or no view to tell: the probes judge.
      return Optional.of(link);
    }
    return Optional.of(link && ipv6Held(view, provider.ipv6Address()));
  }

  /**
   * Whether {@code view} holds {@code address} usably: neither still tentative (unless optimistic)
   * nor failed duplicate address detection, since the kernel refuses such an address as a source.
   */
  private static boolean ipv6Held(InterfaceView view, Inet6Address address) {
    return view.ipv6Addresses().stream()
        .anyMatch(
            a ->
                a.interfaceAddress().equals(address)
                    && (a.flags() & InterfaceView.IFA_F_DADFAILED) == 0
                    && ((a.flags() & InterfaceView.IFA_F_TENTATIVE) == 0
                        || (a.flags() & InterfaceView.IFA_F_OPTIMISTIC) != 0));
  }

  /** The provider's address of {@code family}: the configured one, or the one it last learned. */
  private @Nullable InetAddress addressInForce(Provider provider, AddressFamily family) {
    Optional<InetAddress> configured = provider.address(family);
    if (configured.isPresent()) {
      return configured.get();
    }
    @Nullable ProviderResolution resolution =
        (family == AddressFamily.IPV4 ? resolutions : ipv6Resolutions).get(provider.id());
    return resolution == null || resolution.provider() == null
        ? null
        : resolution.provider().address(family).orElse(null);
  }

  /**
   * The monitor missed changes and read every link again: passes it on once the initial states are
   * out, so that the routes a hidden down-and-up deleted are applied again.
   */
  @Override
  public synchronized void onResynced() {
    if (initialDone) {
      logger.info("link changes may have been missed; asking for the routes to be applied again");
      sink.resynced();
    }
  }

  private void reportIfChanged(String interfaceName) {
    if (!initialDone) {
      return;
    }
    Provider provider = byInterface.get(interfaceName);
    Map<AddressFamily, Boolean> last = reported.get(interfaceName);
    Set<AddressFamily> changed = EnumSet.noneOf(AddressFamily.class);
    for (AddressFamily family : provider.families()) {
      Optional<Boolean> now = usable(interfaceName, family);
      if (now.isEmpty() || now.get().equals(last.get(family))) {
        continue;
      }
      last.put(family, now.get());
      changed.add(family);
      // The sink may decide (and switch) on this thread: the line follows, so the switch does
      // not wait for it.
      sink.linkChanged(interfaceName, family, now.get());
    }
    if (!changed.isEmpty()) {
      logger.info("{}", describe(provider, changed));
    }
  }

  /**
   * One line on the flags of {@code families} of {@code provider}: without the family when they are
   * all of its families and alike (a single-family provider, a link down), else per family.
   */
  private String describe(Provider provider, Set<AddressFamily> families) {
    List<String> states = new ArrayList<>();
    for (AddressFamily family : families) {
      states.add(state(provider, family));
    }
    String line = "provider '" + provider.id() + "' link " + provider.interfaceName() + " ";
    if (families.equals(provider.families()) && states.stream().distinct().count() == 1) {
      return line + states.get(0);
    }
    List<String> each = new ArrayList<>();
    int i = 0;
    for (AddressFamily family : families) {
      each.add(family + " " + states.get(i++));
    }
    return line + String.join(", ", each);
  }

  private String state(Provider provider, AddressFamily family) {
    String name = provider.interfaceName();
    if (reported.get(name).getOrDefault(family, false)) {
      return "usable";
    }
    if (!linkUsable.getOrDefault(name, false)) {
      return "not usable (interface missing, down or without carrier)";
    }
    @Nullable InetAddress address = addressInForce(provider, family);
    if (address == null) {
      return "not usable (no address learned yet)";
    }
    return "not usable (address "
        + AddressFamily.text(address)
        + " is not on it"
        + (family == AddressFamily.IPV6 ? " or not usable yet" : "")
        + ")";
  }
}
