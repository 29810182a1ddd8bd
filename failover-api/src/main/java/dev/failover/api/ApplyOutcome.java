package dev.failover.api;

import java.util.List;

/**
 * What a {@link RouteBackend#apply} achieved: the whole desired state, or all of it except some
 * providers the backend had to skip (their interface is gone, down, or lacks its address; or, with
 * the main route in place, the system refused their requests), and whether the desired main
 * provider's default route is nevertheless in place.
 *
 * <p>A partial apply is a normal result, not a failure: an unplugged USB modem can stay away for
 * days while the other uplinks carry traffic. The engine retries a partial apply, often while the
 * main route is missing and less and less often while it is in place. A request the system refused
 * or a state that could not be read is a failure, and {@link RouteBackend#apply} throws {@link
 * RouteBackendException} for it instead.
 *
 * @param skipped the providers that were skipped, each with the reason, in priority order; empty
 *     for a complete apply
 * @param mainRouteInPlace whether the backend verified the desired main provider's default route in
 *     place at its metric (true for a complete apply)
 */
public record ApplyOutcome(List<Skipped> skipped, boolean mainRouteInPlace) {

  private static final ApplyOutcome COMPLETE = new ApplyOutcome(List.of(), true);

  /**
   * @throws IllegalArgumentException if nothing was skipped but the main route is said to be
   *     missing (that is a failure, for an exception)
   */
  public ApplyOutcome {
    skipped = List.copyOf(Checks.checkNotNull(skipped, "skipped"));
    Checks.checkArgument(
        !skipped.isEmpty() || mainRouteInPlace,
        "an outcome that skipped nothing must have the main route in place");
  }

  /** The whole state was applied and verified. */
  public static ApplyOutcome complete() {
    return COMPLETE;
  }

  /**
   * All but {@code skipped} was applied and verified.
   *
   * @throws IllegalArgumentException if {@code skipped} is empty
   */
  public static ApplyOutcome partial(List<Skipped> skipped, boolean mainRouteInPlace) {
    Checks.checkArgument(!skipped.isEmpty(), "a partial outcome must skip a provider");
    return new ApplyOutcome(skipped, mainRouteInPlace);
  }

  /** Whether the whole state was applied. */
  public boolean isComplete() {
    return skipped.isEmpty();
  }

  /**
   * One provider a backend skipped.
   *
   * @param provider the provider
   * @param reason why, for people, such as {@code interface eth2 does not exist}
   */
  public record Skipped(Provider provider, String reason) {
    public Skipped {
      Checks.checkNotNull(provider, "provider");
      Checks.checkNotNull(reason, "reason");
    }
  }

  /** {@code complete}, or {@code partial (provider 'x': reason; ...), main route in place}. */
  @Override
  public String toString() {
    if (isComplete()) {
      return "complete";
    }
    StringBuilder text = new StringBuilder("partial (");
    for (int i = 0; i < skipped.size(); i++) {
      if (i > 0) {
        text.append("; ");
      }
      text.append(skipped.get(i).provider()).append(" skipped: ").append(skipped.get(i).reason());
    }
    return text.append("), main route ").append(mainRouteInPlace ? "in place" : "missing").toString();
  }
}
