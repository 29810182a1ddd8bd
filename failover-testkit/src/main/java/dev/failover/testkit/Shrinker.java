package dev.failover.testkit;

import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Proposes smaller versions of a value, so that a failing example can be reduced to one a person
 * can read.
 *
 * <p>{@link #candidates} returns a lazy stream of values that are each strictly smaller than {@code
 * value} by some measure that cannot decrease forever (shorter, fewer failures, numbers nearer
 * zero), most aggressive first, and never {@code value} itself; {@link Shrinking#minimize} then
 * keeps the first candidate that still fails. An empty stream means the value cannot shrink.
 * Implementations must be pure and thread-safe. {@link Shrinkers} holds the stock ones.
 *
 * @param <T> the type of value shrunk
 */
@FunctionalInterface
public interface Shrinker<T> {

  /** Smaller versions of {@code value}, most aggressive first. */
  Stream<T> candidates(T value);

  /**
   * This shrinker, keeping only the candidates that satisfy {@code valid}: for values with an
   * invariant the shrinker does not know, such as "at least one provider".
   */
  default Shrinker<T> filter(Predicate<? super T> valid) {
    Objects.requireNonNull(valid, "valid");
    return value -> candidates(value).filter(valid);
  }
}
