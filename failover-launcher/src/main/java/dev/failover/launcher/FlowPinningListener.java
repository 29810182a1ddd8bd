package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.ApplyOutcome;
import dev.failover.api.FailoverListener;
import dev.failover.api.Provider;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.Providers;
import dev.failover.api.RoutingState;
import dev.failover.linux.FlowPinningException;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, from the engine's events, when a provider's flows are released and when they are pinned
 * again (docs/linux.md, "Flow pinning"), and asks {@link PinnedFlows} to do it.
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

  private final PinnedFlows flows;
  private final Providers providers;
  private final LinkUsability linkUsable;
  private final Map<String, ProviderState> states = new HashMap<>();
  private final Set<String> released = new HashSet<>();
  private @Nullable String appliedMain;
  private boolean applied;

  /**
   * @param linkUsable whether the link of the provider with the given id is usable now
   */
  @Inject
  FlowPinningListener(PinnedFlows flows, Providers providers, LinkUsability linkUsable) {
    this.flows = checkNotNull(flows, "flows");
    this.providers = checkNotNull(providers, "providers");
    this.linkUsable = checkNotNull(linkUsable, "linkUsable");
  }

  /** Whether the link of a provider is usable now: the engine's view, for the listener. */
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
          flows.release(p);
          released.add(p.id());
        } else if (usable && released.contains(p.id())) {
          flows.pin(p);
          released.remove(p.id());
        }
      } catch (FlowPinningException | RuntimeException e) {
        logger.error("flow pinning of provider '{}' failed; retried at the next event", p.id(), e);
      }
    }
  }

  @Override
  public String toString() {
    return "FlowPinningListener[released " + released + "]";
  }
}
