package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkState;

import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.Providers;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LinkWatch} for tests: reports the links it was told about at start (every other
 * provider's as usable), lets the test report changes with {@link #change}, and remembers whether
 * it was started and stopped. Not thread-safe; tests drive it from one thread.
 */
final class FakeLinkWatch implements LinkWatch {
  private final Map<String, Boolean> atStart = new HashMap<>();
  private final List<ProviderResolution> resolvedAtStart = new ArrayList<>();
  private @Nullable Sink sink;
  private @Nullable Providers providers;
  private int starts;
  private int stops;

  /** A resolution reported at start, before the links, as the real watch reports learned values. */
  FakeLinkWatch resolvedAtStart(ProviderResolution resolution) {
    resolvedAtStart.add(resolution);
    return this;
  }

  /** The state reported for {@code interfaceName} at start. */
  FakeLinkWatch initially(String interfaceName, boolean usable) {
    atStart.put(interfaceName, usable);
    return this;
  }

  @Override
  public void start(Providers providers, Sink sink) {
    checkState(this.sink == null, "started twice");
    this.sink = sink;
    starts++;
    this.providers = providers;
    resolvedAtStart.forEach(sink::providerResolved);
    for (Provider provider : providers) {
      for (AddressFamily family : provider.families()) {
        sink.linkChanged(
            provider.interfaceName(),
            family,
            atStart.getOrDefault(provider.interfaceName(), true));
      }
    }
  }

  @Override
  public void stop() {
    stops++;
  }

  /**
   * Reports a change of the link itself, as the watch's thread would: in every family of the
   * provider on {@code interfaceName}.
   */
  void change(String interfaceName, boolean usable) {
    checkState(sink != null && providers != null, "not started");
    for (Provider provider : providers) {
      if (provider.interfaceName().equals(interfaceName)) {
        for (AddressFamily family : provider.families()) {
          sink.linkChanged(interfaceName, family, usable);
        }
      }
    }
  }

  /** Reports a change in {@code family} only (an address of that family lost or back). */
  void change(String interfaceName, AddressFamily family, boolean usable) {
    checkState(sink != null, "not started");
    sink.linkChanged(interfaceName, family, usable);
  }

  int starts() {
    return starts;
  }

  int stops() {
    return stops;
  }
}
