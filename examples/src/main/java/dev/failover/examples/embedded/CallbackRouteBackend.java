package dev.failover.examples.embedded;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.Provider;
import dev.failover.api.RouteBackend;
import dev.failover.api.RoutingState;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link RouteBackend} for a platform that is not a Linux routing table, such as a cloud router
 * with an API or an appliance with its own configuration tool: it tells a callback when the main
 * provider changes and remembers the state, which is all such a platform needs.
 *
 * <p>Idempotent as the contract asks: applying the state already held calls nothing. Called from
 * one engine thread at a time; {@link #current()} may be read from any thread.
 */
public final class CallbackRouteBackend implements RouteBackend {
  private final Consumer<Provider> onMainChanged;
  private volatile Optional<RoutingState> held = Optional.empty();

  /** @param onMainChanged called with the new main provider whenever it changes */
  public CallbackRouteBackend(Consumer<Provider> onMainChanged) {
    this.onMainChanged = Objects.requireNonNull(onMainChanged, "onMainChanged");
  }

  @Override
  public ApplyOutcome apply(RoutingState desired) {
    Optional<Provider> previousMain = held.flatMap(RoutingState::main);
    held = Optional.of(desired);
    desired.main().filter(main -> !previousMain.equals(Optional.of(main))).ifPresent(onMainChanged);
    return ApplyOutcome.complete();
  }

  @Override
  public Optional<RoutingState> current() {
    return held;
  }
}
