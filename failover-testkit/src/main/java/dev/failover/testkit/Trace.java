package dev.failover.testkit;

import dev.failover.api.TestResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one health check observed through one provider, one {@link TestResult} per check round,
 * oldest first: the input a {@link PolicySimulation} feeds to a policy.
 *
 * <p>Immutable; the list is copied and holds no nulls. {@link #toString()} is compact, one
 * character per round ({@code +} success, {@code x} failure, {@code t} timeout) and the latencies,
 * so that a counterexample in a failure message stays readable.
 *
 * @param results one result per round, oldest first
 */
public record Trace(List<TestResult> results) {

  /**
   * @throws NullPointerException if {@code results} or one of its elements is null
   */
  public Trace {
    results = List.copyOf(Objects.requireNonNull(results, "results"));
  }

  /** A trace of {@code results}, in order. */
  public static Trace of(TestResult... results) {
    return new Trace(List.of(results));
  }

  /** The empty trace. */
  public static Trace empty() {
    return new Trace(List.of());
  }

  /**
   * Parses the compact form: {@code +} success, {@code x} failure and {@code t} timeout; spaces are
   * ignored. Successes take {@link Traces#DEFAULT_LATENCY}, failures and timeouts {@link
   * Traces#LOSS_TIMEOUT}.
   *
   * @throws IllegalArgumentException if {@code pattern} holds another character
   */
  public static Trace parse(String pattern) {
    List<TestResult> results = new ArrayList<>();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      switch (c) {
        case '+':
          results.add(TestResult.success(Traces.DEFAULT_LATENCY));
          break;
        case 'x':
          results.add(TestResult.failure(Traces.LOSS_TIMEOUT, "lost"));
          break;
        case 't':
          results.add(TestResult.timeout(Traces.LOSS_TIMEOUT));
          break;
        case ' ':
          break;
        default:
          throw new IllegalArgumentException(
              "pattern must hold only '+', 'x', 't' and spaces, was '" + pattern + "' ('" + c
                  + "' at " + i + ")");
      }
    }
    return new Trace(results);
  }

  /** How many rounds the trace holds. */
  public int size() {
    return results.size();
  }

  /** The result of round {@code index}. */
  public TestResult get(int index) {
    return results.get(index);
  }

  /** Whether round {@code index} failed (a failure or a timeout). */
  public boolean failed(int index) {
    return !results.get(index).succeeded();
  }

  /** How many rounds failed (failures and timeouts). */
  public int failures() {
    int count = 0;
    for (TestResult result : results) {
      if (!result.succeeded()) {
        count++;
      }
    }
    return count;
  }

  /** The indexes of the failed rounds, ascending. */
  public List<Integer> failureIndexes() {
    List<Integer> indexes = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      if (!results.get(i).succeeded()) {
        indexes.add(i);
      }
    }
    return indexes;
  }

  /**
   * This trace with the failed round at {@code index} turned into a success whose latency is the
   * smallest success latency of the trace, or {@link Traces#DEFAULT_LATENCY} if it has none: the
   * success is never slower than what the trace already shows, so that it cannot look worse to a
   * latency-aware policy.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not a round of the trace
   * @throws IllegalArgumentException if round {@code index} did not fail
   */
  public Trace withFlipped(int index) {
    Duration best = null;
    for (TestResult result : results) {
      if (result.succeeded() && (best == null || result.latency().compareTo(best) < 0)) {
        best = result.latency();
      }
    }
    return withFlipped(index, best == null ? Traces.DEFAULT_LATENCY : best);
  }

  /**
   * This trace with the failed round at {@code index} turned into a success of {@code latency}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not a round of the trace
   * @throws IllegalArgumentException if round {@code index} did not fail, or {@code latency} is
   *     negative
   */
  public Trace withFlipped(int index, Duration latency) {
    Objects.checkIndex(index, results.size());
    if (results.get(index).succeeded()) {
      throw new IllegalArgumentException(
          "index must name a failed round, but round " + index + " succeeded in " + this);
    }
    return with(index, TestResult.success(latency));
  }

  /**
   * This trace with round {@code index} replaced by {@code result}.
   *
   * @throws IndexOutOfBoundsException if {@code index} is not a round of the trace
   */
  public Trace with(int index, TestResult result) {
    Objects.checkIndex(index, results.size());
    List<TestResult> copy = new ArrayList<>(results);
    copy.set(index, Objects.requireNonNull(result, "result"));
    return new Trace(copy);
  }

  /**
   * The first {@code length} rounds.
   *
   * @throws IllegalArgumentException if {@code length} is negative or greater than {@link #size()}
   */
  public Trace prefix(int length) {
    if (length < 0 || length > results.size()) {
      throw new IllegalArgumentException(
          "length must be between 0 and the trace's size " + results.size() + ", was " + length);
    }
    return new Trace(results.subList(0, length));
  }

  /**
   * The rounds from {@code from} (inclusive) to {@code to} (exclusive).
   *
   * @throws IllegalArgumentException unless {@code 0 <= from <= to <= size()}
   */
  public Trace slice(int from, int to) {
    if (from < 0 || from > to || to > results.size()) {
      throw new IllegalArgumentException(
          "from and to must satisfy 0 <= from <= to <= " + results.size() + ", were " + from
              + " and " + to);
    }
    return new Trace(results.subList(from, to));
  }

  /** This trace followed by {@code next}. */
  public Trace concat(Trace next) {
    List<TestResult> joined = new ArrayList<>(results.size() + next.size());
    joined.addAll(results);
    joined.addAll(next.results);
    return new Trace(joined);
  }

  /**
   * The compact form, such as {@code Trace[5: ++xt+ | latency ms 20*2,1000*2,20]}: one symbol per
   * round, then the latencies in milliseconds, a run of equal ones written {@code value*count}, or
   * a single value when all are equal.
   */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("Trace[").append(results.size()).append(": ");
    for (TestResult result : results) {
      text.append(symbol(result));
    }
    if (!results.isEmpty()) {
      Duration first = results.get(0).latency();
      boolean uniform = results.stream().allMatch(r -> r.latency().equals(first));
      if (uniform) {
        text.append(" | latency ").append(millis(first)).append(" ms");
      } else {
        text.append(" | latency ms ");
        int i = 0;
        while (i < results.size()) {
          Duration latency = results.get(i).latency();
          int run = 1;
          while (i + run < results.size() && results.get(i + run).latency().equals(latency)) {
            run++;
          }
          text.append(i == 0 ? "" : ",").append(millis(latency));
          if (run > 1) {
            text.append('*').append(run);
          }
          i += run;
        }
      }
    }
    return text.append(']').toString();
  }

  private static char symbol(TestResult result) {
    switch (result.outcome()) {
      case SUCCESS:
        return '+';
      case TIMEOUT:
        return 't';
      default:
        return 'x';
    }
  }

  private static String millis(Duration latency) {
    if (latency.getSeconds() > 1_000_000_000L) {
      return latency.toString(); // beyond any real latency; avoids overflow in toNanos
    }
    long nanos = latency.toNanos();
    return nanos % 1_000_000 == 0
        ? Long.toString(nanos / 1_000_000)
        : java.math.BigDecimal.valueOf(nanos, 6).stripTrailingZeros().toPlainString();
  }
}
