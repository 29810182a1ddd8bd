package dev.failover.testkit;

import dev.failover.api.TestResult;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * The stock {@link Shrinker}s: of lists, of integers, of {@link Trace}s, and of several traces that
 * must stay the same length (one per provider, or per provider and scenario).
 *
 * <p>All candidate streams are lazy: a candidate is built only when {@link Shrinking} asks for it,
 * so a long list costs nothing beyond the candidates actually tried. Every candidate is strictly
 * smaller than its value (shorter, then fewer failures, then fewer non-canonical entries, or an
 * element nearer its target), so greedy shrinking always ends. Thread-safe.
 */
public final class Shrinkers {

  private Shrinkers() {}

  /** A shrinker that never proposes anything: for values that must not change. */
  public static <T> Shrinker<T> none() {
    return value -> Stream.empty();
  }

  /**
   * Shrinks a list: first by dropping elements, the whole list, then each half, each quarter and
   * so on down to each single element, then by shrinking each element in turn with {@code
   * element}. Candidates are unmodifiable lists; {@link Shrinker#filter} keeps a minimum size.
   */
  public static <E> Shrinker<List<E>> list(Shrinker<E> element) {
    Objects.requireNonNull(element, "element");
    return value -> {
      List<Supplier<Stream<List<E>>>> parts = new ArrayList<>();
      parts.add(() -> removals(value.size()).map(chunk -> removed(value, chunk[0], chunk[1])));
      for (int i = 0; i < value.size(); i++) {
        int index = i;
        parts.add(
            () ->
                element
                    .candidates(value.get(index))
                    .map(smaller -> replaced(value, index, smaller)));
      }
      return concatLazily(parts);
    };
  }

  /**
   * Shrinks an integer towards {@code target}: the target itself first, then values that halve
   * the distance again and again, down to one step nearer.
   */
  public static Shrinker<Integer> integer(int target) {
    return value -> {
      long distance = (long) value - target;
      if (distance == 0) {
        return Stream.empty();
      }
      List<Integer> candidates = new ArrayList<>();
      for (long d = distance; d != 0; d /= 2) {
        candidates.add((int) (value - d));
      }
      return candidates.stream().distinct();
    };
  }

  /**
   * Shrinks values of type {@code B} through a shrinker of {@code A}: {@code from} takes a {@code
   * B} apart, {@code to} builds one back; both must be pure.
   */
  public static <A, B> Shrinker<B> convert(
      Shrinker<A> shrinker, Function<? super A, ? extends B> to, Function<? super B, ? extends A> from) {
    Objects.requireNonNull(shrinker, "shrinker");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(from, "from");
    return value -> shrinker.candidates(from.apply(value)).map(to);
  }

  /**
   * Shrinks a {@link Trace}: shorter traces first (dropping the whole trace, halves, quarters, ...,
   * single rounds), then failed rounds turned into successes (all at once, then one by one), then
   * latencies and details normalised to the canonical results of {@link Trace#parse} (success of
   * {@link Traces#DEFAULT_LATENCY}, failure and timeout after {@link Traces#LOSS_TIMEOUT}).
   */
  public static Shrinker<Trace> trace() {
    return convert(traceMatrix(), Shrinkers::single, Shrinkers::matrixOf);
  }

  /**
   * Shrinks traces that must keep one common length, such as one per provider in a {@link
   * PolicySimulation}: drops a trace (keeping at least one), drops the same rounds from all traces
   * at once, then shrinks each trace's rounds as {@link #trace()} does.
   *
   * @throws IllegalArgumentException from {@code candidates} if the traces differ in length
   */
  public static Shrinker<List<Trace>> alignedTraces() {
    return convert(traceMatrix(), Shrinkers::column, Shrinkers::rows);
  }

  /**
   * Shrinks a matrix of traces, one row per provider and one column per scenario, all of one
   * length, as {@link PolicySimulation#runScenarios} takes them: drops a row, then a column
   * (keeping at least one of each), then the same rounds from every trace, then shrinks each
   * trace's rounds as {@link #trace()} does.
   *
   * @throws IllegalArgumentException from {@code candidates} if the traces differ in length or the
   *     rows in their number of columns
   */
  public static Shrinker<List<List<Trace>>> traceMatrix() {
    return Shrinkers::matrixCandidates;
  }

  private static Stream<List<List<Trace>>> matrixCandidates(List<List<Trace>> matrix) {
    int rows = matrix.size();
    if (rows == 0) {
      return Stream.empty();
    }
    int columns = matrix.get(0).size();
    int length = columns == 0 ? 0 : matrix.get(0).get(0).size();
    for (List<Trace> row : matrix) {
      if (row.size() != columns) {
        throw new IllegalArgumentException(
            "every row must have " + columns + " traces, but one has " + row.size());
      }
      for (Trace trace : row) {
        if (trace.size() != length) {
          throw new IllegalArgumentException(
              "every trace must have " + length + " rounds, but one has " + trace.size());
        }
      }
    }
    List<Supplier<Stream<List<List<Trace>>>>> parts = new ArrayList<>();
    if (rows > 1) {
      parts.add(() -> IntStream.range(0, rows).mapToObj(r -> removed(matrix, r, r + 1)));
    }
    if (columns > 1) {
      parts.add(
          () ->
              IntStream.range(0, columns)
                  .mapToObj(
                      c -> mapTraces(matrix, (row, column, trace) -> column == c ? null : trace)));
    }
    parts.add(
        () ->
            removals(length)
                .map(
                    chunk ->
                        mapTraces(
                            matrix,
                            (row, column, trace) ->
                                trace.slice(0, chunk[0]).concat(trace.slice(chunk[1], length)))));
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < columns; c++) {
        int row = r;
        int column = c;
        parts.add(
            () ->
                roundCandidates(matrix.get(row).get(column))
                    .map(smaller -> mapTraces(matrix, (i, j, t) -> i == row && j == column ? smaller : t)));
      }
    }
    return concatLazily(parts);
  }

  /** Failures turned into successes, then results normalised; the length stays. */
  private static Stream<Trace> roundCandidates(Trace trace) {
    List<Integer> failures = trace.failureIndexes();
    List<Integer> odd = new ArrayList<>();
    for (int i = 0; i < trace.size(); i++) {
      TestResult result = trace.get(i);
      if (!result.equals(canonical(result))) {
        odd.add(i);
      }
    }
    List<Supplier<Stream<Trace>>> parts = new ArrayList<>();
    if (failures.size() > 1) {
      parts.add(() -> Stream.of(flippedAll(trace, failures)));
    }
    parts.add(
        () -> failures.stream().map(i -> trace.withFlipped(i, Traces.DEFAULT_LATENCY)));
    if (odd.size() > 1) {
      parts.add(() -> Stream.of(normalised(trace, odd)));
    }
    parts.add(() -> odd.stream().map(i -> trace.with(i, canonical(trace.get(i)))));
    return concatLazily(parts);
  }

  private static Trace flippedAll(Trace trace, List<Integer> failures) {
    List<TestResult> results = new ArrayList<>(trace.results());
    for (int i : failures) {
      results.set(i, TestResult.success(Traces.DEFAULT_LATENCY));
    }
    return new Trace(results);
  }

  private static Trace normalised(Trace trace, List<Integer> indexes) {
    List<TestResult> results = new ArrayList<>(trace.results());
    for (int i : indexes) {
      results.set(i, canonical(results.get(i)));
    }
    return new Trace(results);
  }

  /** The result {@link Trace#parse} gives for the same outcome. */
  static TestResult canonical(TestResult result) {
    switch (result.outcome()) {
      case SUCCESS:
        return TestResult.success(Traces.DEFAULT_LATENCY);
      case TIMEOUT:
        return TestResult.timeout(Traces.LOSS_TIMEOUT);
      default:
        return TestResult.failure(Traces.LOSS_TIMEOUT, "lost");
    }
  }

  /** Picks a trace given its row and column; null drops it. */
  @FunctionalInterface
  private interface TraceMapping {
    @Nullable Trace map(int row, int column, Trace trace);
  }

  private static List<List<Trace>> mapTraces(List<List<Trace>> matrix, TraceMapping mapping) {
    List<List<Trace>> result = new ArrayList<>(matrix.size());
    for (int r = 0; r < matrix.size(); r++) {
      List<Trace> row = new ArrayList<>(matrix.get(r).size());
      for (int c = 0; c < matrix.get(r).size(); c++) {
        Trace mapped = mapping.map(r, c, matrix.get(r).get(c));
        if (mapped != null) {
          row.add(mapped);
        }
      }
      result.add(List.copyOf(row));
    }
    return List.copyOf(result);
  }

  /**
   * The chunks {@code [from, to)} to remove from a sequence of {@code size}: the whole sequence,
   * then halves, quarters, ..., single elements.
   */
  private static Stream<int[]> removals(int size) {
    List<int[]> chunks = new ArrayList<>();
    int previous = 0;
    for (int k = size; k > 0; k /= 2) {
      if (k == previous) {
        continue;
      }
      previous = k;
      for (int from = 0; from < size; from += k) {
        chunks.add(new int[] {from, Math.min(size, from + k)});
      }
    }
    return chunks.stream();
  }

  private static <E> List<E> removed(List<E> list, int from, int to) {
    List<E> result = new ArrayList<>(list.size() - (to - from));
    result.addAll(list.subList(0, from));
    result.addAll(list.subList(to, list.size()));
    return Collections.unmodifiableList(result);
  }

  private static <E> List<E> replaced(List<E> list, int index, E element) {
    List<E> result = new ArrayList<>(list);
    result.set(index, element);
    return Collections.unmodifiableList(result);
  }

  private static List<List<Trace>> matrixOf(Trace trace) {
    return List.of(List.of(trace));
  }

  private static Trace single(List<List<Trace>> matrix) {
    return matrix.get(0).get(0);
  }

  private static List<List<Trace>> rows(List<Trace> traces) {
    List<List<Trace>> matrix = new ArrayList<>(traces.size());
    for (Trace trace : traces) {
      matrix.add(List.of(trace));
    }
    return matrix;
  }

  private static List<Trace> column(List<List<Trace>> matrix) {
    List<Trace> traces = new ArrayList<>(matrix.size());
    for (List<Trace> row : matrix) {
      traces.add(row.get(0));
    }
    return List.copyOf(traces);
  }

  /** The streams of {@code parts}, one after another, each created only when reached. */
  static <T> Stream<T> concatLazily(List<Supplier<Stream<T>>> parts) {
    Iterator<T> iterator =
        new Iterator<>() {
          private int next;
          private Iterator<T> current = Collections.emptyIterator();

          @Override
          public boolean hasNext() {
            while (!current.hasNext() && next < parts.size()) {
              current = parts.get(next++).get().iterator();
            }
            return current.hasNext();
          }

          @Override
          public T next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            return current.next();
          }
        };
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED), false);
  }
}
