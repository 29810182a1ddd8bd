package dev.failover.testkit;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.opentest4j.TestAbortedException;

/**
 * Runs a property over generated cases, reproducibly, and shrinks the first counterexample.
 *
 * <p>Seeds: the run's seed is the system property {@value #SEED_PROPERTY} if set (a decimal {@code
 * long}, or hexadecimal after {@code 0x}), otherwise a fixed hash of the property's name, so that
 * a build is reproducible and never flaky; case {@code i} draws from its own {@link
 * SplittableRandom} seeded from the run's seed and {@code i} ({@link #caseRandom}). A failure
 * message gives the seed and the {@code -D} option that replays the run.
 *
 * <p>A case fails when {@code check} throws anything: an {@link AssertionError}, an exception or
 * another error. A case whose check throws JUnit's {@link TestAbortedException} (an {@code
 * assumeTrue} that did not hold) is discarded instead; a property all of whose cases are
 * discarded fails. On the first failing case, the value is shrunk greedily ({@link Shrinking}, at
 * most {@code maxShrinkSteps} re-runs of the check), and an {@link AssertionError} is thrown whose
 * message holds the property's name, the seed and how to replay it, the case index, the original
 * and the shrunk value, and the shrunk value's failure; its cause is that failure, and the
 * original failure is attached as suppressed.
 *
 * <p>Runs on the calling thread; the generator, shrinker and check need not be thread-safe.
 */
public final class Property {
  /** The system property that fixes the seed of every property run, to replay a failure. */
  public static final String SEED_PROPERTY = "failover.testkit.seed";

  /**
   * The system property that scales case counts read through {@link #cases(int)}: a positive
   * factor, such as {@code 0.1} for a quick run or {@code 10} for a thorough one.
   */
  public static final String CASES_PROPERTY = "failover.testkit.cases";

  /** How many times the check is re-run while shrinking, unless a caller says otherwise. */
  public static final int DEFAULT_MAX_SHRINK_STEPS = 1000;

  /** Values longer than this are cut in failure messages. */
  private static final int MAX_VALUE_CHARS = 4000;

  private Property() {}

  /**
   * Checks {@code check} against {@code cases} values from {@code generator}, shrinking with at
   * most {@link #DEFAULT_MAX_SHRINK_STEPS} steps.
   *
   * @throws AssertionError if a case fails, as described in the class documentation
   * @throws IllegalArgumentException if {@code name} is blank or {@code cases} is negative, or
   *     {@value #SEED_PROPERTY} is not a number
   */
  public static <T> void forAll(
      String name,
      int cases,
      Function<SplittableRandom, T> generator,
      Shrinker<T> shrinker,
      Consumer<T> check) {
    forAll(name, cases, DEFAULT_MAX_SHRINK_STEPS, generator, shrinker, check);
  }

  /**
   * As {@link #forAll(String, int, Function, Shrinker, Consumer)}, with a bound on shrinking.
   *
   * @param maxShrinkSteps the most re-runs of {@code check} while shrinking; 0 reports the
   *     original value
   * @throws IllegalArgumentException if {@code name} is blank, or {@code cases} or {@code
   *     maxShrinkSteps} is negative, or {@value #SEED_PROPERTY} is not a number
   */
  public static <T> void forAll(
      String name,
      int cases,
      int maxShrinkSteps,
      Function<SplittableRandom, T> generator,
      Shrinker<T> shrinker,
      Consumer<T> check) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(generator, "generator");
    Objects.requireNonNull(shrinker, "shrinker");
    Objects.requireNonNull(check, "check");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank, was '" + name + "'");
    }
    if (cases < 0) {
      throw new IllegalArgumentException("cases must be >= 0, was " + cases);
    }
    if (maxShrinkSteps < 0) {
      throw new IllegalArgumentException("maxShrinkSteps must be >= 0, was " + maxShrinkSteps);
    }
    boolean fixed = System.getProperty(SEED_PROPERTY) != null;
    long seed = seed(name);
    int discarded = 0;
    for (int index = 0; index < cases; index++) {
      T value;
      try {
        value = Objects.requireNonNull(generator.apply(caseRandom(seed, index)), "generated value");
      } catch (RuntimeException e) {
        throw new AssertionError(
            header(name, seed, fixed, index, cases) + "\n  the generator failed: " + e, e);
      }
      Throwable failure = run(check, value);
      if (failure == null) {
        continue;
      }
      if (failure instanceof TestAbortedException) {
        discarded++;
        continue;
      }
      throw counterexample(name, seed, fixed, index, cases, value, failure, shrinker, check,
          maxShrinkSteps);
    }
    if (cases > 0 && discarded == cases) {
      throw new AssertionError(
          "property '" + name + "': every one of its " + cases
              + " cases was discarded by an assumption; the generator never meets them");
    }
  }

  private static <T> AssertionError counterexample(
      String name,
      long seed,
      boolean fixed,
      int index,
      int cases,
      T value,
      Throwable failure,
      Shrinker<T> shrinker,
      Consumer<T> check,
      int maxShrinkSteps) {
    Throwable[] last = {failure};
    String shrunkText;
    Shrinking.Result<T> result = null;
    try {
      result =
          Shrinking.shrink(
              value,
              shrinker,
              candidate -> {
                Throwable candidateFailure = run(check, candidate);
                if (candidateFailure == null || candidateFailure instanceof TestAbortedException) {
                  return false;
                }
                last[0] = candidateFailure;
                return true;
              },
              maxShrinkSteps);
      shrunkText =
          String.format(
              Locale.ROOT,
              "shrunk (%d shrinks in %d steps%s): %s",
              result.shrinks(),
              result.steps(),
              result.exhausted() ? ", step budget exhausted" : "",
              describe(result.value()));
    } catch (RuntimeException e) {
      // A broken shrinker must not hide the counterexample already found.
      last[0] = failure;
      shrunkText = "shrinking failed, so the original is reported: " + e;
    }
    Throwable reported = last[0];
    AssertionError error =
        new AssertionError(
            header(name, seed, fixed, index, cases)
                + "\n  original: "
                + describe(value)
                + "\n  "
                + shrunkText
                + "\n  failure: "
                + reported,
            reported);
    if (reported != failure) {
      error.addSuppressed(failure);
    }
    return error;
  }

  private static String header(String name, long seed, boolean fixed, int index, int cases) {
    return String.format(
        Locale.ROOT,
        "property '%s' failed on case %d of %d with seed %d (%s; replay with -D%s=%d)",
        name,
        index,
        cases,
        seed,
        fixed ? "from -D" + SEED_PROPERTY : "derived from the property's name",
        SEED_PROPERTY,
        seed);
  }

  /** Runs the check; returns what it threw, or null if it passed. */
  private static <T> @Nullable Throwable run(Consumer<T> check, T value) {
    try {
      check.accept(value);
      return null;
    } catch (VirtualMachineError e) {
      if (e instanceof StackOverflowError) {
        return e; // a runaway recursion in the code under test is a failure like any other
      }
      throw e;
    } catch (Throwable e) {
      return e;
    }
  }

  private static String describe(Object value) {
    String text = String.valueOf(value);
    return text.length() <= MAX_VALUE_CHARS
        ? text
        : text.substring(0, MAX_VALUE_CHARS) + "... (" + (text.length() - MAX_VALUE_CHARS)
            + " more characters)";
  }

  /**
   * The seed a run of the property {@code name} uses: {@value #SEED_PROPERTY} if set, otherwise a
   * fixed 64-bit hash of the name's UTF-8 bytes.
   *
   * @throws IllegalArgumentException if {@value #SEED_PROPERTY} is set but not a number
   */
  public static long seed(String name) {
    Objects.requireNonNull(name, "name");
    String fixed = System.getProperty(SEED_PROPERTY);
    if (fixed != null) {
      String text = fixed.strip();
      try {
        return text.startsWith("0x") || text.startsWith("0X")
            ? Long.parseUnsignedLong(text.substring(2), 16)
            : Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            SEED_PROPERTY + " must be a long, in decimal or as 0x followed by hex digits, was '"
                + fixed + "'",
            e);
      }
    }
    // FNV-1a over the UTF-8 bytes: fixed by its definition, unlike String.hashCode's 32 bits.
    long hash = 0xcbf29ce484222325L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= 0x100000001b3L;
    }
    return mix(hash);
  }

  /** The random source of case {@code caseIndex} in a run with {@code seed}. */
  public static SplittableRandom caseRandom(long seed, int caseIndex) {
    return new SplittableRandom(mix(seed + (caseIndex + 1L) * 0x9E3779B97F4A7C15L));
  }

  /**
   * {@code defaultCases} scaled by the factor in {@value #CASES_PROPERTY}, at least 1; {@code
   * defaultCases} itself when the property is not set.
   *
   * @throws IllegalArgumentException if {@code defaultCases} is not positive, or {@value
   *     #CASES_PROPERTY} is set but not a positive, finite number
   */
  public static int cases(int defaultCases) {
    if (defaultCases <= 0) {
      throw new IllegalArgumentException("defaultCases must be > 0, was " + defaultCases);
    }
    String text = System.getProperty(CASES_PROPERTY);
    if (text == null) {
      return defaultCases;
    }
    double factor;
    try {
      factor = Double.parseDouble(text.strip());
    } catch (NumberFormatException e) {
      factor = Double.NaN;
    }
    if (!(factor > 0 && Double.isFinite(factor))) {
      throw new IllegalArgumentException(
          CASES_PROPERTY + " must be a positive factor such as 0.1 or 10, was '" + text + "'");
    }
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(defaultCases * factor)));
  }

  /** SplitMix64's finaliser: spreads the bits of nearby inputs over the whole word. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
