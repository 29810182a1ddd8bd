package dev.failover.testkit;

import dev.failover.api.RouteBackend;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link RouteBackend} that records the states applied to it and can be told to fail.
 *
 * <p>{@link #current()} returns the last state applied successfully, as a perfect kernel would. A
 * failing apply changes nothing and throws {@link RouteBackendException}. Thread-safe.
 */
public final class FakeRouteBackend implements RouteBackend {
  private final List<RoutingState> applied = new ArrayList<>();
  private int failuresToInject;
  private boolean injectedMainRouteInPlace;
  private int attempts;

  @Override
  public synchronized void apply(RoutingState desired) throws RouteBackendException {
    attempts++;
    if (failuresToInject > 0) {
      failuresToInject--;
      throw new RouteBackendException(null, "injected failure", List.of("fake", "apply"), 2,
          "injected by the test", null, injectedMainRouteInPlace);
    }
    applied.add(desired);
  }

  @Override
  public synchronized Optional<RoutingState> current() {
    return lastApplied();
  }

  /** Makes the next call of {@link #apply} fail. */
  public synchronized void failNextApply() {
    failNextApplies(1);
  }

  /** Makes the next {@code count} calls of {@link #apply} fail. */
  public synchronized void failNextApplies(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    failuresToInject = count;
    injectedMainRouteInPlace = false;
  }

  /**
   * Makes the next {@code count} calls of {@link #apply} fail, reporting {@link
   * RouteBackendException#mainRouteInPlace()} as given (a real backend's partial apply, such as one
   * that skipped a provider whose interface is gone). A failing apply still records nothing.
   */
  public synchronized void failNextApplies(int count, boolean mainRouteInPlace) {
    failNextApplies(count);
    injectedMainRouteInPlace = mainRouteInPlace;
  }

  /** The last state applied successfully, if any. */
  public synchronized Optional<RoutingState> lastApplied() {
    return applied.isEmpty() ? Optional.empty() : Optional.of(applied.get(applied.size() - 1));
  }

  /** Every state applied successfully, oldest first. */
  public synchronized List<RoutingState> applied() {
    return List.copyOf(applied);
  }

  /** How many times {@link #apply} was called, failed calls included. */
  public synchronized int attempts() {
    return attempts;
  }
}
