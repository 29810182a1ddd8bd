package dev.failover.testkit;

import java.util.Iterator;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Greedy, bounded minimisation of a failing example.
 *
 * <p>From the failing value, {@link #minimize} tries the {@link Shrinker}'s candidates in order and
 * moves to the first one that still fails, then starts over from there; it stops at a value none
 * of whose candidates fails (a local minimum) or after {@code maxSteps} tries. Each try is one call
 * of {@code stillFails}, so the cost is at most {@code maxSteps} calls whatever the shrinker does.
 */
public final class Shrinking {

  private Shrinking() {}

  /**
   * The outcome of a shrink.
   *
   * @param value the smallest failing value found
   * @param steps how many candidates were tried
   * @param shrinks how many times a smaller failing value was found
   * @param exhausted whether the step budget ran out before a local minimum was reached
   * @param <T> the type of value shrunk
   */
  public record Result<T>(T value, int steps, int shrinks, boolean exhausted) {
    /**
     * @throws IllegalArgumentException if a count is negative
     */
    public Result {
      Objects.requireNonNull(value, "value");
      if (steps < 0 || shrinks < 0) {
        throw new IllegalArgumentException(
            "steps and shrinks must be >= 0, were " + steps + " and " + shrinks);
      }
    }
  }

  /**
   * The smallest value found that still fails, starting from {@code failing}.
   *
   * @param failing a value for which {@code stillFails} holds; it is not tested again
   * @param stillFails whether a candidate still shows the failure; exceptions it throws propagate
   * @param maxSteps the most calls of {@code stillFails}; 0 returns {@code failing}
   * @throws IllegalArgumentException if {@code maxSteps} is negative
   */
  public static <T> T minimize(
      T failing, Shrinker<T> shrinker, Predicate<T> stillFails, int maxSteps) {
    return shrink(failing, shrinker, stillFails, maxSteps).value();
  }

  /**
   * As {@link #minimize}, with the counts of the search.
   *
   * @throws IllegalArgumentException if {@code maxSteps} is negative
   */
  public static <T> Result<T> shrink(
      T failing, Shrinker<T> shrinker, Predicate<T> stillFails, int maxSteps) {
    Objects.requireNonNull(failing, "failing");
    Objects.requireNonNull(shrinker, "shrinker");
    Objects.requireNonNull(stillFails, "stillFails");
    if (maxSteps < 0) {
      throw new IllegalArgumentException("maxSteps must be >= 0, was " + maxSteps);
    }
    T current = failing;
    int steps = 0;
    int shrinks = 0;
    boolean improved = true;
    while (improved) {
      improved = false;
      Iterator<T> candidates = shrinker.candidates(current).iterator();
      while (candidates.hasNext()) {
        if (steps == maxSteps) {
          return new Result<>(current, steps, shrinks, true);
        }
        T candidate = candidates.next();
        steps++;
        if (stillFails.test(candidate)) {
          current = candidate;
          shrinks++;
          improved = true;
          break;
        }
      }
    }
    return new Result<>(current, steps, shrinks, false);
  }
}
