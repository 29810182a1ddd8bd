package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.api.RoutingState;
import dev.failover.api.SwitchReason;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The outcome of one selection: the main provider, the order of every provider's default route,
 * and why.
 *
 * @param main the provider whose default route gets the lowest metric
 * @param ranked every configured provider, {@code main} first, in the order of their metrics
 * @param basis what the choice of {@code main} rests on
 * @param reason the reason reported for the current main provider: the reason of the switch that
 *     made it main, updated when the basis changes without a switch (see {@link Selection})
 * @param detail the current justification in words, for logs and status
 */
record Decision(
    Provider main, List<Provider> ranked, Basis basis, SwitchReason reason, String detail) {

  /** What the choice of the main provider rests on. */
  enum Basis {
    /** The sticky source forces it. */
    STICKY,
    /** It is the first eligible provider in priority order. */
    ELIGIBLE,
    /** No provider is eligible: the current main is kept, or the first configured one is taken. */
    FALLBACK
  }

  /**
   * @throws IllegalArgumentException if {@code ranked} does not start with {@code main} or names a
   *     provider twice
   */
  Decision {
    checkNotNull(main, "main");
    checkNotNull(basis, "basis");
    checkNotNull(reason, "reason");
    checkNotNull(detail, "detail");
    ranked = List.copyOf(checkNotNull(ranked, "ranked"));
    checkArgument(
        !ranked.isEmpty() && ranked.get(0).equals(main),
        "ranked must start with the main %s, was %s",
        main,
        ranked);
    Set<String> ids = new HashSet<>();
    for (Provider provider : ranked) {
      checkArgument(ids.add(provider.id()), "ranked names %s twice", provider);
    }
  }

  /**
   * The routing state of {@code family} that puts {@link #ranked} at metrics {@code startMetric},
   * +1, +2, ...
   */
  RoutingState routingState(AddressFamily family, int startMetric) {
    return RoutingState.ranked(family, ranked, startMetric);
  }
}
