package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.linux.LinkListener;
import dev.failover.linux.LinkStatus;
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
 * going) into one usable flag per provider interface: the link is usable <em>and</em> holds the
 * provider's {@code ipv4_address}. Without its address a provider can neither send its probes nor
 * carry its routes ({@code src ADDR}), whatever the link says.
 *
 * <p>Until {@link #reportInitial} nothing is passed on, so that the monitor's start-up report (an
 * interface's link first, its addresses next) never shows a provider as briefly unusable; then
 * every provider interface is reported once, and from then on each change of the combined flag.
 * Interfaces no provider uses are ignored. Thread-safe: the monitor's thread and the starting
 * thread may call it at the same time; calls to the sink are made under the lock, one at a time,
 * so they arrive in order.
 */
final class ProviderLinks implements LinkListener {
  private static final Logger logger = LoggerFactory.getLogger(ProviderLinks.class);

  private final Map<String, Provider> byInterface = new LinkedHashMap<>();
  private final LinkWatch.Sink sink;
  private final Map<String, Boolean> linkUsable = new HashMap<>();
  private final Map<String, Set<Inet4Address>> addresses = new HashMap<>();
  private final Map<String, Boolean> reported = new HashMap<>();
  private boolean initialDone;

  ProviderLinks(Providers providers, LinkWatch.Sink sink) {
    for (Provider provider : checkNotNull(providers, "providers")) {
      byInterface.put(provider.interfaceName(), provider);
    }
    this.sink = checkNotNull(sink, "sink");
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

  /**
   * Reports every provider interface once. An interface the monitor has not reported (absent, or
   * the monitor could not start) is read with {@code read}; if that is empty too (the read
   * failed), the link counts as usable, as the engine assumes until told otherwise, and the probes
   * judge it.
   *
   * @throws IllegalStateException if called twice
   */
  synchronized void reportInitial(Function<String, Optional<LinkStatus>> read) {
    checkState(!initialDone, "the initial link states were reported already");
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
    initialDone = true;
    logger.info("links at start: {}", String.join(", ", summary));
  }

  /** Whether {@code interfaceName}'s link is usable and has its provider's address, if known. */
  private Optional<Boolean> usable(String interfaceName) {
    @Nullable Boolean link = linkUsable.get(interfaceName);
    if (link == null) {
      return Optional.empty();
    }
    Inet4Address address = byInterface.get(interfaceName).ipv4Address();
    return Optional.of(
        link && addresses.getOrDefault(interfaceName, Set.of()).contains(address));
  }

  /**
   * The monitor missed changes and read every link again: passes it on once the initial states
   * are out, so that the routes a hidden down-and-up deleted are applied again.
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
    if (usable) {
      state = "usable";
    } else if (!linkUsable.getOrDefault(name, false)) {
      state = "not usable (interface missing, down or without carrier)";
    } else {
      state =
          "not usable (address " + provider.ipv4Address().getHostAddress() + " is not on it)";
    }
    return "provider '" + provider.id() + "' link " + name + " " + state;
  }
}
