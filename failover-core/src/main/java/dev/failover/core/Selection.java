package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.Provider;
import dev.failover.api.ProviderStatus;
import dev.failover.api.SwitchReason;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the main provider and the order of the default routes from the providers' statuses and
 * the sticky choice. A pure function of its arguments; works with any {@link
 * dev.failover.api.ReliabilityPolicy}, since it reads only {@link ProviderStatus#eligible()}.
 *
 * <p>The rule (docs/policy-original.md, "Selection"):
 *
 * <ol>
 *   <li>If the sticky source forces a configured provider, it is main, eligible or not.
 *   <li>Otherwise the first eligible provider in priority order is main.
 *   <li>When none is eligible, the current main stays main (no churn; routes are never removed);
 *       at startup, with no current main, the first configured provider is main, as the original
 *       did.
 * </ol>
 *
 * <p>The ranking puts the main provider first, then the other eligible providers in priority
 * order, then the rest in priority order; the route metrics follow it.
 *
 * <p>The reason: at the first decision {@link SwitchReason#STARTUP}. When the main provider
 * changes: {@link SwitchReason#STICKY} if forced; {@link SwitchReason#STICKY_CLEARED} if the
 * previous main was forced and no longer is; {@link SwitchReason#FAILBACK} if the new main has a
 * higher priority than the old one, {@link SwitchReason#FAILOVER} if lower; {@link
 * SwitchReason#NONE_ELIGIBLE} for the fallback. When the main provider stays, the previous reason
 * stays, unless what the choice rests on changed: it becomes sticky ({@code STICKY}), stops being
 * sticky ({@code STICKY_CLEARED}) or falls back ({@code NONE_ELIGIBLE}).
 */
final class Selection {
  private Selection() {}

  /**
   * Decides.
   *
   * @param providers the configured providers in priority order, not empty
   * @param statuses the policy's verdicts by provider id; a provider without one is not eligible
   * @param sticky the sticky choice; a forced id that names no configured provider is ignored
   * @param previous the previous decision, null at startup
   */
  static Decision select(
      List<Provider> providers,
      Map<String, ProviderStatus> statuses,
      StickyReading sticky,
      @Nullable Decision previous) {
    checkNotNull(providers, "providers");
    checkNotNull(statuses, "statuses");
    checkNotNull(sticky, "sticky");
    checkArgument(!providers.isEmpty(), "providers must not be empty");

    List<Provider> eligible = new ArrayList<>();
    for (Provider provider : providers) {
      ProviderStatus status = statuses.get(provider.id());
      if (status != null && status.eligible()) {
        eligible.add(provider);
      }
    }
    Optional<Provider> forced = sticky.forcedProviderId().flatMap(id -> byId(providers, id));
    @Nullable Provider current =
        previous == null ? null : byId(providers, previous.main().id()).orElse(null);

    Provider main;
    Decision.Basis basis;
    String detail;
    if (forced.isPresent()) {
      main = forced.get();
      basis = Decision.Basis.STICKY;
      detail = sticky.detail() + " (" + describe(main, statuses) + ")";
    } else if (!eligible.isEmpty()) {
      main = eligible.get(0);
      basis = Decision.Basis.ELIGIBLE;
      detail = main + " is the first eligible provider (" + describe(main, statuses) + ")";
      if (current != null && !current.equals(main)) {
        detail = current + " was main (" + describe(current, statuses) + "); " + detail;
      }
    } else if (current != null) {
      main = current;
      basis = Decision.Basis.FALLBACK;
      detail = "no provider is eligible; keeping " + main + " as main";
    } else {
      main = providers.get(0);
      basis = Decision.Basis.FALLBACK;
      detail = "no provider is eligible; the first configured " + main + " is main";
    }

    List<Provider> ranked = new ArrayList<>(providers.size());
    ranked.add(main);
    for (Provider provider : eligible) {
      if (!provider.equals(main)) {
        ranked.add(provider);
      }
    }
    for (Provider provider : providers) {
      if (!ranked.contains(provider)) {
        ranked.add(provider);
      }
    }
    return new Decision(main, ranked, basis, reason(providers, main, basis, previous), detail);
  }

  private static SwitchReason reason(
      List<Provider> providers, Provider main, Decision.Basis basis, @Nullable Decision previous) {
    if (previous == null) {
      return SwitchReason.STARTUP;
    }
    boolean switched = !previous.main().equals(main);
    if (!switched && basis == previous.basis()) {
      return previous.reason();
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
        yield providers.indexOf(main) < providers.indexOf(previous.main())
            ? SwitchReason.FAILBACK
            : SwitchReason.FAILOVER;
      }
    };
  }

  private static String describe(Provider provider, Map<String, ProviderStatus> statuses) {
    ProviderStatus status = statuses.get(provider.id());
    return status == null ? "no status" : status.state() + ": " + status.reason();
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
