package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.Provider;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import dev.failover.api.SwitchReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the main provider and the order of the default routes from the providers' statuses, the
 * state of their links and the sticky choice. A pure function of its arguments; works with any
 * {@link dev.failover.api.ReliabilityPolicy}, since it reads only {@link
 * ProviderStatus#eligible()}.
 *
 * <p>A provider is <em>selectable</em> when its status is eligible and its link is usable: a
 * provider whose link is down is never chosen for being eligible, whatever the policy thinks of
 * it (the policy may not have seen a failed probe yet). The rule (docs/policy-original.md,
 * "Selection"; docs/architecture.md, "Link events"):
 *
 * <ol>
 *   <li>If the sticky source forces a configured provider whose link is usable, it is main,
 *       eligible or not. A forced provider whose link is down is ignored until the link is back,
 *       since forcing traffic into a dead link would leave the router offline.
 *   <li>Otherwise the first selectable provider in priority order is main.
 *   <li>When none is selectable, the current main stays main (no churn; routes are never removed),
 *       unless its link is down: then the first provider in priority order whose link is usable
 *       takes over. At startup, with no current main, the first configured provider whose link is
 *       usable is main, as the original did. If every link is down, the current main (at startup
 *       the first configured provider) stays.
 * </ol>
 *
 * <p>The ranking puts the main provider first, then the other selectable providers in priority
 * order, then the others whose link is usable, then those whose link is down, each group in
 * priority order; the route metrics follow it. A provider whose link is down keeps its route, last,
 * so that it is in place the moment the link returns.
 *
 * <p>The reason: at the first decision {@link SwitchReason#STARTUP}. When the main provider
 * changes because the link of the previous main is down, {@link SwitchReason#FAILOVER} with a
 * detail that names the link (unless the sticky source now forces the new main: {@link
 * SwitchReason#STICKY}). Otherwise, when the main provider changes: {@link SwitchReason#STICKY} if
 * forced; {@link SwitchReason#STICKY_CLEARED} if the previous main was forced and no longer is;
 * {@link SwitchReason#FAILBACK} if the new main has a higher priority than the old one, {@link
 * SwitchReason#FAILOVER} if lower; {@link SwitchReason#NONE_ELIGIBLE} for the fallback. When the
 * main provider stays, the previous reason stays, unless what the choice rests on changed: it
 * becomes sticky ({@code STICKY}), stops being sticky ({@code STICKY_CLEARED}) or falls back
 * ({@code NONE_ELIGIBLE}).
 */
final class Selection {
  private Selection() {}

  /** Decides with every link usable. */
  static Decision select(
      List<Provider> providers,
      Map<String, ProviderStatus> statuses,
      StickyReading sticky,
      @Nullable Decision previous) {
    return select(providers, statuses, Set.of(), sticky, previous);
  }

  /**
   * Decides.
   *
   * @param providers the configured providers in priority order, not empty
   * @param statuses the policy's verdicts by provider id; a provider without one is not eligible
   * @param linkDown the ids of the providers whose link is not usable; ids of unconfigured
   *     providers are ignored
   * @param sticky the sticky choice; a forced id that names no configured provider is ignored
   * @param previous the previous decision, null at startup
   */
  static Decision select(
      List<Provider> providers,
      Map<String, ProviderStatus> statuses,
      Set<String> linkDown,
      StickyReading sticky,
      @Nullable Decision previous) {
    checkNotNull(providers, "providers");
    checkNotNull(statuses, "statuses");
    checkNotNull(linkDown, "linkDown");
    checkNotNull(sticky, "sticky");
    checkArgument(!providers.isEmpty(), "providers must not be empty");

    List<Provider> selectable = new ArrayList<>();
    List<Provider> usable = new ArrayList<>();
    for (Provider provider : providers) {
      if (linkDown.contains(provider.id())) {
        continue;
      }
      usable.add(provider);
      ProviderStatus status = statuses.get(provider.id());
      if (status != null && status.eligible()) {
        selectable.add(provider);
      }
    }
    Optional<Provider> forced = sticky.forcedProviderId().flatMap(id -> byId(providers, id));
    @Nullable Provider current =
        previous == null ? null : byId(providers, previous.main().id()).orElse(null);
    boolean currentLinkDown = current != null && linkDown.contains(current.id());

    Provider main;
    Decision.Basis basis;
    String detail;
    if (forced.isPresent() && !linkDown.contains(forced.get().id())) {
      main = forced.get();
      basis = Decision.Basis.STICKY;
      detail = sticky.detail() + " (" + describeStatus(main, statuses) + ")";
    } else if (!selectable.isEmpty()) {
      main = selectable.get(0);
      basis = Decision.Basis.ELIGIBLE;
      detail = main + " is the first eligible provider (" + describeStatus(main, statuses) + ")";
      if (current != null && !current.equals(main)) {
        detail = wasMain(current, statuses, linkDown) + "; " + detail;
      }
    } else if (current != null
        && !currentLinkDown
        && isDown(current, statuses)
        && standIn(usable, statuses).isPresent()) {
      // The main is judged down and nobody is eligible yet (the others sit out their failback
      // dwell or flap damping): a provider whose probes pass carries the traffic meanwhile,
      // rather than a blackhole (found by the chaos soak, issue 15).
      main = standIn(usable, statuses).get();
      basis = Decision.Basis.FALLBACK;
      detail =
          wasMain(current, statuses, linkDown)
              + "; no provider is eligible; "
              + main
              + " is not down ("
              + describeStatus(main, statuses)
              + ") and carries the traffic until one is";
    } else if (current != null && (!currentLinkDown || usable.isEmpty())) {
      main = current;
      basis = Decision.Basis.FALLBACK;
      detail =
          currentLinkDown
              ? "no provider is eligible and every link is down; keeping " + main + " as main"
              : "no provider is eligible; keeping " + main + " as main";
    } else if (current != null) {
      Optional<Provider> recovering = standIn(usable, statuses);
      main = recovering.orElse(usable.get(0));
      basis = Decision.Basis.FALLBACK;
      detail =
          wasMain(current, statuses, linkDown)
              + "; no provider is eligible; "
              + main
              + (recovering.isPresent()
                  ? " is not down (" + describeStatus(main, statuses) + ")"
                  : " is the first provider with a usable link");
    } else if (!usable.isEmpty()) {
      Optional<Provider> recovering = standIn(usable, statuses);
      main = recovering.orElse(usable.get(0));
      basis = Decision.Basis.FALLBACK;
      if (recovering.isPresent()) {
        detail =
            "no provider is eligible; "
                + main
                + " is not down ("
                + describeStatus(main, statuses)
                + ") and carries the traffic until one is";
      } else {
        detail =
            main.equals(providers.get(0))
                ? "no provider is eligible; the first configured " + main + " is main"
                : "no provider is eligible; "
                    + main
                    + " is the first configured provider with a usable link";
      }
    } else {
      main = providers.get(0);
      basis = Decision.Basis.FALLBACK;
      detail =
          "no provider is eligible and every link is down; the first configured "
              + main
              + " is main";
    }
    if (forced.isPresent() && basis != Decision.Basis.STICKY) {
      Provider ignored = forced.get();
      detail =
          "sticky "
              + ignored
              + " ignored: link of '"
              + ignored.interfaceName()
              + "' is down; "
              + detail;
    }

    List<Provider> ranked = new ArrayList<>(providers.size());
    ranked.add(main);
    addMissing(ranked, selectable);
    addMissing(ranked, usable);
    addMissing(ranked, providers);
    return new Decision(
        main, ranked, basis, reason(providers, main, basis, previous, currentLinkDown), detail);
  }

  private static boolean isDown(Provider provider, Map<String, ProviderStatus> statuses) {
    ProviderStatus status = statuses.get(provider.id());
    return status != null && status.state() == ProviderState.DOWN;
  }

  /**
   * The provider to carry the traffic while the main is down and none is eligible: the first
   * usable one that is {@code RECOVERING}: its probes pass, only the failback dwell or flap
   * damping holds it back. Empty if there is none; an unjudged provider does not stand in.
   */
  private static Optional<Provider> standIn(
      List<Provider> usable, Map<String, ProviderStatus> statuses) {
    for (Provider provider : usable) {
      ProviderStatus status = statuses.get(provider.id());
      if (status != null && status.state() == ProviderState.RECOVERING) {
        return Optional.of(provider);
      }
    }
    return Optional.empty();
  }

  private static void addMissing(List<Provider> ranked, List<Provider> group) {
    for (Provider provider : group) {
      if (!ranked.contains(provider)) {
        ranked.add(provider);
      }
    }
  }

  private static SwitchReason reason(
      List<Provider> providers,
      Provider main,
      Decision.Basis basis,
      @Nullable Decision previous,
      boolean previousLinkDown) {
    if (previous == null) {
      return SwitchReason.STARTUP;
    }
    // By id: a provider that learned a new address is still the same provider.
    boolean switched = !previous.main().id().equals(main.id());
    if (!switched && basis == previous.basis()) {
      return previous.reason();
    }
    if (switched && previousLinkDown && basis != Decision.Basis.STICKY) {
      // Losing the main's link is a failover whatever the new main's priority or basis.
      return SwitchReason.FAILOVER;
    }
    return switch (basis) {
      case STICKY -> SwitchReason.STICKY;
      case FALLBACK -> SwitchReason.NONE_ELIGIBLE;
      case ELIGIBLE -> {
        if (previous.basis() == Decision.Basis.STICKY) {
          yield SwitchReason.STICKY_CLEARED;
        } else if (!switched) {
          yield previous.reason();
        }
        yield indexOf(providers, main.id()) < indexOf(providers, previous.main().id())
            ? SwitchReason.FAILBACK
            : SwitchReason.FAILOVER;
      }
    };
  }

  /**
   * Why the current main is no longer main: {@code "link of 'eth1' is down (provider 'isp1' was
   * main, UP: ...)"} or {@code "provider 'isp1' was main (DOWN: ...)"}.
   */
  private static String wasMain(
      Provider current, Map<String, ProviderStatus> statuses, Set<String> linkDown) {
    if (linkDown.contains(current.id())) {
      return "link of '"
          + current.interfaceName()
          + "' is down ("
          + current
          + " was main, "
          + describeStatus(current, statuses)
          + ")";
    }
    return current + " was main (" + describeStatus(current, statuses) + ")";
  }

  private static String describeStatus(Provider provider, Map<String, ProviderStatus> statuses) {
    ProviderStatus status = statuses.get(provider.id());
    return status == null ? "no status" : status.state() + ": " + status.reason();
  }

  /**
   * The providers that rank above {@code first}'s main, have a usable link and no verdict yet
   * ({@link ProviderState#INSUFFICIENT_DATA}, or no status). Empty unless {@code first} rests on
   * eligibility: a sticky choice or the fallback is not improved by waiting.
   *
   * <p>The engine holds its first decision while there are any, for a few ticks at most, so that a
   * preferred uplink whose very first round was lost is not passed over at start and taken back a
   * moment later (two switches, each one breaking the NAT'd flows of the moment).
   */
  static List<Provider> unjudgedAhead(
      List<Provider> providers,
      Map<String, ProviderStatus> statuses,
      Set<String> linkDown,
      Decision first) {
    List<Provider> unjudged = new ArrayList<>();
    if (first.basis() != Decision.Basis.ELIGIBLE) {
      return unjudged;
    }
    for (Provider provider : providers) {
      if (provider.equals(first.main())) {
        break;
      }
      ProviderStatus status = statuses.get(provider.id());
      if (!linkDown.contains(provider.id())
          && (status == null || status.state() == ProviderState.INSUFFICIENT_DATA)) {
        unjudged.add(provider);
      }
    }
    return unjudged;
  }

  /** The rank of provider {@code id} in {@code providers}; -1 if it is not among them. */
  private static int indexOf(List<Provider> providers, String id) {
    for (int i = 0; i < providers.size(); i++) {
      if (providers.get(i).id().equals(id)) {
        return i;
      }
    }
    return -1;
  }

  private static Optional<Provider> byId(List<Provider> providers, String id) {
    for (Provider provider : providers) {
      if (provider.id().equals(id)) {
        return Optional.of(provider);
      }
    }
    return Optional.empty();
  }
}
