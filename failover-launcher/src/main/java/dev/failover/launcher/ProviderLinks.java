package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.Providers;
import dev.failover.linux.InterfaceView;
import dev.failover.linux.LinkListener;
import dev.failover.linux.LinkStatus;
import dev.failover.linux.UplinkResolver;
import java.net.Inet4Address;
import java.util.ArrayList;
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
 * going, and each interface's whole picture) into one usable flag per provider interface and, for
 * the providers that learn values from their interface, a {@link ProviderResolution}.
 *
 * <p><b>Usable</b> means the link is usable <em>and</em> holds the provider's configured {@code
 * ipv4_address}: without its address a provider can neither send its probes nor carry its routes
 * ({@code src ADDR}), whatever the link says. For a provider that learns its address, the flag is
 * the link's alone: its address coming and going is its resolution (unconfigured without one).
 *
 * <p><b>Learned values</b> ({@link UplinkResolver}): a provider that omits its address, network or
 * gateway is resolved from its interface's view each time the view changes (a lease renewed with a
 * new address, a gateway learned from the DHCP client's default route, an interface created,
 * deleted or created again), and every change of its resolution is passed on. Two providers cannot
 * share a learned address (their rules would clash): the second in priority order is unconfigured
 * while the first holds it. Each resolver note (several addresses, an on-link gateway, a configured
 * value the interface lacks) is logged once, when it first appears. When the foreign default routes
 * through a provider's interface change (a DHCP client re-adds its own at every renewal), the sink
 * is asked to apply the routes again, so that {@code foreign_default_routes} handles them at once.
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
  private final Map<String, Boolean> linkUsable = new HashMap<>();
  private final Map<String, Set<Inet4Address>> addresses = new HashMap<>();
  private final Map<String, Boolean> reported = new HashMap<>();
  private final Map<String, InterfaceView> views = new HashMap<>();

  /** By provider id: the resolution last passed on, for the providers that learn. */
  private final Map<String, ProviderResolution> resolutions = new LinkedHashMap<>();

  /** By provider id: the resolver's notes already logged. */
  private final Map<String, List<String>> notes = new HashMap<>();

  private boolean initialDone;

  /** For providers whose values are all configured: no resolver is needed. */
  ProviderLinks(Providers providers, LinkWatch.Sink sink) {
    this(providers, sink, null);
  }

  /**
   * @param resolver learns the omitted values of the providers that omit any; null when none does
   */
  ProviderLinks(Providers providers, LinkWatch.Sink sink, @Nullable UplinkResolver resolver) {
    this.providers = checkNotNull(providers, "providers");
    for (Provider provider : providers) {
      byInterface.put(provider.interfaceName(), provider);
    }
    this.sink = checkNotNull(sink, "sink");
    this.resolver = resolver;
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
    if (provider == null || resolver == null) {
      return;
    }
    @Nullable InterfaceView before = views.put(view.name(), view);
    if (!initialDone) {
      return;
    }
    if (provider.learnsFromInterface()) {
      resolveAll();
      reportIfChanged(view.name());
    }
    // The view's default routes are other programs' (the monitor leaves failover's own out).
    if (before != null && !before.defaultRoutes().containsAll(view.defaultRoutes())) {
      // A DHCP client re-added its default route (at every renewal): let the backend handle it
      // now, as foreign_default_routes says, not at the next re-assertion. One that went needs
      // nothing.
      sink.resynced();
    }
  }

  /**
   * Reports every provider once: first the resolution of each that learns values, then each link.
   * An interface the monitor has not reported (absent, or the monitor could not start) is read with
   * {@code read}; if that is empty too (the read failed), the link counts as usable, as the engine
   * assumes until told otherwise, and the probes judge it.
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
      if (!linkUsable.containsKey(name)) {
        Optional<LinkStatus> status = read.apply(name);
        if (status.isPresent()) {
          linkUsable.put(name, status.get().usable());
          addresses.put(name, new HashSet<>(status.get().addresses()));
        }
      }
      boolean usable = usable(name).orElse(true);
      reported.put(name, usable);
      summary.add(describe(entry.getValue(), usable));
      sink.linkChanged(name, usable);
    }
    logger.info("links at start: {}", String.join(", ", summary));
  }

  /**
   * Resolves every provider that learns values, in priority order (so that a learned address two
   * providers show goes to the first), and passes on each resolution that changed.
   */
  private void resolveAll() {
    if (resolver == null) {
      return;
    }
    Map<Inet4Address, String> taken = new HashMap<>();
    for (Provider provider : providers) {
      if (!provider.learnsFromInterface()) {
        if (provider.ipv4Address() != null) {
          taken.putIfAbsent(provider.ipv4Address(), provider.id());
        }
        continue;
      }
      InterfaceView view =
          views.getOrDefault(
              provider.interfaceName(), InterfaceView.missing(provider.interfaceName()));
      List<String> found = new ArrayList<>();
      ProviderResolution resolution =
          resolver.resolve(provider, view, resolutions.get(provider.id()), found);
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
      List<String> logged = notes.getOrDefault(provider.id(), List.of());
      for (String note : found) {
        if (!logged.contains(note)) {
          logger.warn("{}: {}", provider, note);
        }
      }
      notes.put(provider.id(), found);
      if (!resolution.equals(resolutions.get(provider.id()))) {
        resolutions.put(provider.id(), resolution);
        sink.providerResolved(resolution);
      }
    }
  }

  /** Whether {@code interfaceName}'s link is usable and has its provider's address, if known. */
  private Optional<Boolean> usable(String interfaceName) {
    @Nullable Boolean link = linkUsable.get(interfaceName);
    if (link == null) {
      return Optional.empty();
    }
    Provider provider = byInterface.get(interfaceName);
    if (provider.ipv4Address() == null) {
      // A learned address: its coming and going is the provider's resolution (unconfigured
      // without one), so the flag is the link's alone, and a new lease is no link flap.
      return Optional.of(link);
    }
    return Optional.of(
        link && addresses.getOrDefault(interfaceName, Set.of()).contains(provider.ipv4Address()));
  }

  /** The provider's address: the configured one, or the one it last learned, if any. */
  private @Nullable Inet4Address addressInForce(Provider provider) {
    if (provider.ipv4Address() != null) {
      return provider.ipv4Address();
    }
    @Nullable ProviderResolution resolution = resolutions.get(provider.id());
    return resolution == null || resolution.provider() == null
        ? null
        : resolution.provider().ipv4Address();
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
    Optional<Boolean> now = usable(interfaceName);
    if (now.isEmpty() || now.get().equals(reported.get(interfaceName))) {
      return;
    }
    reported.put(interfaceName, now.get());
    // The sink may decide (and switch) on this thread: the line follows, so the switch does not
    // wait for it.
    sink.linkChanged(interfaceName, now.get());
    logger.info("{}", describe(byInterface.get(interfaceName), now.get()));
  }

  private String describe(Provider provider, boolean usable) {
    String name = provider.interfaceName();
    String state;
    @Nullable Inet4Address address = addressInForce(provider);
    if (usable) {
      state = "usable";
    } else if (!linkUsable.getOrDefault(name, false)) {
      state = "not usable (interface missing, down or without carrier)";
    } else if (address == null) {
      state = "not usable (no address learned yet)";
    } else {
      state = "not usable (address " + address.getHostAddress() + " is not on it)";
    }
    return "provider '" + provider.id() + "' link " + name + " " + state;
  }
}
