package dev.failover.testkit;

import java.util.SplittableRandom;

/**
 * Makes {@link Trace}s of one kind of network condition, such as independent or bursty loss.
 *
 * <p>A generator is a pure function of its random source: the same seed and length give the same
 * trace, which is what makes a failing property reproducible. Implementations draw all their
 * randomness from {@code random}, are immutable and are safe to share between threads (each call
 * has its own {@code random}). Its {@code toString()} names the generator and its parameters, for
 * failure messages. {@link Traces} holds the stock generators.
 */
@FunctionalInterface
public interface TraceGenerator {

  /**
   * A trace of exactly {@code length} rounds.
   *
   * @throws IllegalArgumentException if {@code length} is negative
   */
  Trace generate(SplittableRandom random, int length);
}
