package dev.failover.testkit;

import dev.failover.api.AddressFamily;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.RouteBackend;
import dev.failover.api.RouteBackendException;
import dev.failover.api.RoutingState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A {@link RouteBackend} that records the states applied to it and can be told to fail, or to
 * apply only partly.
 *
 * <p>{@link #current(AddressFamily)} returns the last state of the family applied whole, as a
 * perfect kernel would ({@link #current()} the IPv4 one). A failing
 * apply changes nothing and throws {@link RouteBackendException}; a partial apply (see {@link
 * #applyPartlyNext}) changes nothing either and returns the scripted {@link ApplyOutcome}.
 * Thread-safe.
 *
 * <p>It {@linkplain #supports serves} both address families and records states of either; give
 * each engine (one per family) a fake of its own, so that {@link #lastApplied()} is that family's.
 */
public final class FakeRouteBackend implements RouteBackend {
  private final List<RoutingState> applied = new ArrayList<>();
  private int failuresToInject;
  private int partialsToInject;
  private ApplyOutcome partialOutcome = ApplyOutcome.complete();
  private int attempts;

  @Override
  public synchronized ApplyOutcome apply(RoutingState desired) throws RouteBackendException {
    attempts++;
    if (failuresToInject > 0) {
      failuresToInject--;
      throw new RouteBackendException(null, "injected failure", List.of("fake", "apply"), 2,
          "injected by the test", null);
    }
    if (partialsToInject > 0) {
      partialsToInject--;
      return partialOutcome;
    }
    applied.add(desired);
    return ApplyOutcome.complete();
  }

  /** The last IPv4 state applied whole, as {@link RouteBackend#current()} says. */
  @Override
  public synchronized Optional<RoutingState> current() {
    return current(AddressFamily.IPV4);
  }

  /** The last state of {@code family} applied whole, if any. */
  @Override
  public synchronized Optional<RoutingState> current(AddressFamily family) {
    for (int i = applied.size() - 1; i >= 0; i--) {
      if (applied.get(i).family() == family) {
        return Optional.of(applied.get(i));
      }
    }
    return Optional.empty();
  }

  /** Both families. */
  @Override
  public boolean supports(AddressFamily family) {
    return true;
  }

  /** Makes the next call of {@link #apply} fail. */
  public synchronized void failNextApply() {
    failNextApplies(1);
  }

  /**
   * Makes the next {@code count} calls of {@link #apply} fail.
   *
   * @throws IllegalArgumentException if {@code count} is negative
   */
  public synchronized void failNextApplies(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    failuresToInject = count;
  }

  /**
   * Makes the next {@code count} calls of {@link #apply} that do not fail return {@code outcome}
   * (a real backend's partial apply, such as one that skipped a provider whose interface is gone)
   * without recording the state.
   *
   * @throws IllegalArgumentException if {@code count} is negative or {@code outcome} is complete
   */
  public synchronized void applyPartlyNext(int count, ApplyOutcome outcome) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    if (outcome.isComplete()) {
      throw new IllegalArgumentException("outcome must be partial, was " + outcome);
    }
    partialsToInject = count;
    partialOutcome = outcome;
  }

  /** The last state applied whole, if any. */
  public synchronized Optional<RoutingState> lastApplied() {
    return applied.isEmpty() ? Optional.empty() : Optional.of(applied.get(applied.size() - 1));
  }

  /** Every state applied whole, oldest first. */
  public synchronized List<RoutingState> applied() {
    return List.copyOf(applied);
  }

  /** How many times {@link #apply} was called, failed and partial calls included. */
  public synchronized int attempts() {
    return attempts;
  }
}
