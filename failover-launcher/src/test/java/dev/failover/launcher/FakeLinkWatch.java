package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkState;

import dev.failover.api.Provider;
import dev.failover.api.Providers;
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
  private @Nullable Sink sink;
  private int starts;
  private int stops;

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
    for (Provider provider : providers) {
      sink.linkChanged(
          provider.interfaceName(), atStart.getOrDefault(provider.interfaceName(), true));
    }
  }

  @Override
  public void stop() {
    stops++;
  }

  /** Reports a change, as the watch's thread would. */
  void change(String interfaceName, boolean usable) {
    checkState(sink != null, "not started");
    sink.linkChanged(interfaceName, usable);
  }

  int starts() {
    return starts;
  }

  int stops() {
    return stops;
  }
}
