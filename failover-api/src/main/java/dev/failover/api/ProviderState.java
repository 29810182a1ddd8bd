package dev.failover.api;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * What a reliability policy thinks of a provider, with an explicit table of the transitions allowed
 * between those states.
 *
 * <p>{@link #UP} and {@link #SUSPECT} are <em>eligible</em>: the provider may carry the main route.
 * A suspect provider is failing but has not crossed the policy's down threshold yet; a recovering
 * one is succeeding but has not yet earned its way back. The original policy uses only {@link
 * #INSUFFICIENT_DATA}, {@link #UP} and {@link #DOWN}.
 */
public enum ProviderState {
  /** Too few results to judge: nothing recorded yet, or the history was reset. */
  INSUFFICIENT_DATA,
  /** Healthy and eligible. */
  UP,
  /** Failing, but not yet beyond the policy's threshold; still eligible. */
  SUSPECT,
  /** Unreliable; not eligible. */
  DOWN,
  /** Succeeding again after being down, but not yet eligible (failback dwell, flap damping). */
  RECOVERING;

  private static final Map<ProviderState, Set<ProviderState>> ALLOWED =
      Map.of(
          INSUFFICIENT_DATA, EnumSet.of(UP, SUSPECT, DOWN, RECOVERING),
          UP, EnumSet.of(SUSPECT, DOWN, INSUFFICIENT_DATA),
          SUSPECT, EnumSet.of(UP, DOWN, INSUFFICIENT_DATA),
          DOWN, EnumSet.of(UP, RECOVERING, INSUFFICIENT_DATA),
          RECOVERING, EnumSet.of(UP, DOWN, INSUFFICIENT_DATA));

  /** Whether a provider in this state may carry the main default route. */
  public boolean eligible() {
    return this == UP || this == SUSPECT;
  }

  /** Whether a move from this state to {@code next} is allowed; staying put always is. */
  public boolean canTransitionTo(ProviderState next) {
    return next == this || ALLOWED.get(this).contains(next);
  }

  /**
   * Checks a transition of {@code provider} from this state to {@code next}.
   *
   * @throws IllegalStateException if the table does not allow it; the message names the provider
   *     and both states
   */
  public void checkTransition(Provider provider, ProviderState next) {
    if (!canTransitionTo(next)) {
      throw new IllegalStateException(
          "illegal state transition of " + provider + ": " + this + " -> " + next);
    }
  }
}
