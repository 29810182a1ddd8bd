package dev.failover.launcher;

/** A {@link RoutePreparation} for tests: counts its calls. Not thread-safe. */
final class FakeRoutePreparation implements RoutePreparation {
  private int calls;

  @Override
  public void prepare() {
    calls++;
  }

  int calls() {
    return calls;
  }
}
