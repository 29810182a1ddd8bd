package dev.failover.launcher;

import dev.failover.api.ProviderResolution;
import java.util.List;

/**
 * A {@link RoutePreparation} for tests: counts its calls and keeps the learned resolutions of the
 * last one. Not thread-safe.
 */
final class FakeRoutePreparation implements RoutePreparation {
  private int calls;
  private List<ProviderResolution> learned = List.of();

  @Override
  public void prepare(List<ProviderResolution> learned) {
    calls++;
    this.learned = List.copyOf(learned);
  }

  int calls() {
    return calls;
  }

  List<ProviderResolution> learned() {
    return learned;
  }
}
