package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.AddressFamily;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.FailoverListener;
import dev.failover.api.Provider;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.Providers;
import dev.failover.api.RoutingState;
import dev.failover.linux.FlowPinningException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, from one family's engine's events, when a provider's flows of that family are released
 * and when they are pinned again (docs/linux.md, "Flow pinning"), and asks {@link PinnedFlows} to
 * do it.
 *
 * <p>One instance per family, each hearing its own engine ({@link FlowPinningModule}): the IPv4
 * engine's verdicts, links and main route decide about the IPv4 flows, the IPv6 engine's about the
 * IPv6 flows, so an IPv6-only outage releases the provider's IPv6 flows and leaves its IPv4 flows
 * pinned. Only the providers that have the family are considered.
 *
 * <p>A provider is <em>unusable</em> when the policy says {@code DOWN} or its link is not usable
 * (down, no carrier, interface gone, address gone); it is <em>usable</em> when its state is
 * eligible ({@code UP}, {@code SUSPECT}) and its link is usable. {@code INSUFFICIENT_DATA} and
 * {@code RECOVERING} change nothing, so that a restarted daemon, which knows nothing yet, keeps
 * every flow where it is.
 *
 * <p>An unusable provider is released once, and never while it carries the main route of the last
 * routing state the backend applied: the release comes right after the apply that moved the main
 * route away (the engine calls {@link #onRoutesApplied} after the backend returned), so the
 * released flows' next packets already take the new main uplink, and the router is never left
 * without a default route by it (releasing deletes a rule and conntrack entries, never a route).
 * Nothing is released before the first apply. With every provider unusable, the main one keeps its
 * flows: there is nowhere better for them. A usable provider that was released is pinned again at
 * the next event.
 *
 * <p>Called on the engine's thread only (events are delivered one at a time); a failure is logged
 * at ERROR and retried at the next event.
 */
final class FlowPinningListener implements FailoverListener {
  private static final Logger logger = LoggerFactory.getLogger(FlowPinningListener.class);

  private final AddressFamily family;
  private final PinnedFlows flows;
  private final List<Provider> providers;
  private final LinkUsability linkUsable;
  private final Map<String, ProviderState> states = new HashMap<>();
  private final Set<String> released = new HashSet<>();
  private @Nullable String appliedMain;
  private boolean applied;

  /**
   * @param family the family of the engine this listener hears, and of the flows it moves
   * @param providers every provider; those without {@code family} are left alone
   * @param linkUsable whether the link of the provider with the given id is usable now, in the
   *     view of {@code family}'s engine
   */
  FlowPinningListener(
      AddressFamily family, PinnedFlows flows, Providers providers, LinkUsability linkUsable) {
    this.family = checkNotNull(family, "family");
    this.flows = checkNotNull(flows, "flows");
    this.providers = checkNotNull(providers, "providers").having(family);
    this.linkUsable = checkNotNull(linkUsable, "linkUsable");
  }

  /** Whether the link of a provider is usable now: its engine's view, for the listener. */
  @FunctionalInterface
  interface LinkUsability {
    boolean usable(String providerId);
  }

  @Override
  public void onProviderStateChanged(ProviderStateChanged event) {
    states.put(event.provider().id(), event.to().state());
    sync();
  }

  @Override
  public void onRoutesApplied(RoutingState desired, ApplyOutcome outcome) {
    if (desired.family() != family) {
      // Another family's main route says nothing about where this family's flows can go; each
      // engine has listeners of its own, so this is not expected to happen.
      logger.warn("flow pinning of {} ignored a routing state of {}", family, desired.family());
      return;
    }
    appliedMain = desired.main().map(Provider::id).orElse(null);
    applied = true;
    sync();
  }

  /** Releases and pins what the states, links and the applied main route call for now. */
  private void sync() {
    if (!applied) {
      return;
    }
    for (Provider p : providers) {
      ProviderState state = states.getOrDefault(p.id(), ProviderState.INSUFFICIENT_DATA);
      boolean link = linkUsable.usable(p.id());
      boolean unusable = state == ProviderState.DOWN || !link;
      boolean usable = state.eligible() && link;
      try {
        if (unusable && !released.contains(p.id()) && !p.id().equals(appliedMain)) {
          flows.release(p, family);
          released.add(p.id());
        } else if (usable && released.contains(p.id())) {
          flows.pin(p, family);
          released.remove(p.id());
        }
      } catch (FlowPinningException | RuntimeException e) {
        logger.error(
            "flow pinning of provider '{}' ({}) failed; retried at the next event",
            p.id(),
            family,
            e);
      }
    }
  }

  @Override
  public String toString() {
    return "FlowPinningListener[" + family + ", released " + released + "]";
  }
}
