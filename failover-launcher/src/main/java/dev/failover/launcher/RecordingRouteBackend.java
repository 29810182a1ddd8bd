package dev.failover.launcher;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.RouteBackend;
import dev.failover.api.RoutingState;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * A route backend that only remembers the last state it was asked to apply, for {@code run
 * --dry-run}: nothing reaches the kernel. Thread-safe.
 */
@Singleton
final class RecordingRouteBackend implements RouteBackend {
  private volatile Optional<RoutingState> last = Optional.empty();

  @Inject
  RecordingRouteBackend() {}

  @Override
  public ApplyOutcome apply(RoutingState desired) {
    last = Optional.of(desired);
    return ApplyOutcome.complete();
  }

  /** The last state the engine wanted applied, if any. */
  Optional<RoutingState> last() {
    return last;
  }
}
