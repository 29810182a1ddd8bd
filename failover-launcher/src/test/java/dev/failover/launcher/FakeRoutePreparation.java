package dev.failover.launcher;

import dev.failover.api.Provider;
import java.util.List;

/**
 * A {@link RoutePreparation} for tests: counts its calls and keeps the learned providers of the
 * last one. Not thread-safe.
 */
final class FakeRoutePreparation implements RoutePreparation {
  private int calls;
  private List<Provider> learned = List.of();

  @Override
  public void prepare(List<Provider> resolved) {
    calls++;
    learned = List.copyOf(resolved);
  }

  int calls() {
    return calls;
  }

  List<Provider> learned() {
    return learned;
  }
}
