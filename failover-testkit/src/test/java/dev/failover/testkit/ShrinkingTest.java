package dev.failover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ShrinkingTest {

  private static int sum(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).sum();
  }

  @Test
  void minimize_listWithSumAtLeast20_shrinksToTheSingleElement20() {
    SplittableRandom random = new SplittableRandom(5);
    List<Integer> failing = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      failing.add(random.nextInt(100));
    }

    List<Integer> shrunk =
        Shrinking.minimize(
            failing, Shrinkers.list(Shrinkers.integer(0)), list -> sum(list) >= 20, 10_000);

    assertThat(shrunk).containsExactly(20);
  }

  @Test
  void minimize_listNeedingTwoLargeElements_keepsBothAtTheirMinimum() {
    List<Integer> failing = List.of(3, 70, 1, 0, 55, 9, 12);
    Predicate<List<Integer>> twoAtLeast50 = l -> l.stream().filter(x -> x >= 50).count() >= 2;

    List<Integer> shrunk =
        Shrinking.minimize(failing, Shrinkers.list(Shrinkers.integer(0)), twoAtLeast50, 10_000);

    assertThat(shrunk).containsExactly(50, 50);
  }

  @Test
  void list_candidates_dropWholeThenHalvesThenSinglesThenShrinkElements() {
    List<List<Integer>> candidates =
        Shrinkers.list(Shrinkers.integer(0)).candidates(List.of(4, 5, 6, 7)).collect(Collectors.toList());

    assertThat(candidates.subList(0, 7))
        .containsExactly(
            List.of(),
            List.of(6, 7),
            List.of(4, 5),
            List.of(5, 6, 7),
            List.of(4, 6, 7),
            List.of(4, 5, 7),
            List.of(4, 5, 6));
    assertThat(candidates.get(7)).isEqualTo(List.of(0, 5, 6, 7));
  }

  @Test
  void integer_candidates_halveTheDistanceToTheTarget() {
    assertThat(Shrinkers.integer(0).candidates(57)).containsExactly(0, 29, 43, 50, 54, 56);
    assertThat(Shrinkers.integer(0).candidates(-9)).containsExactly(0, -5, -7, -8);
    assertThat(Shrinkers.integer(10).candidates(10)).isEmpty();
  }

  @Test
  void minimize_traceWithThreeFailuresInARow_shrinksToExactlyThose() {
    Trace noisy =
        Traces.burstyLoss(0.1, 0.3, 0.05, 0.9).generate(new SplittableRandom(11), 300);
    Predicate<Trace> threeInARow = t -> longestFailureRun(t) >= 3;
    assertThat(threeInARow.test(noisy)).isTrue();

    Trace shrunk = Shrinking.minimize(noisy, Shrinkers.trace(), threeInARow, 10_000);

    // Shorter first, then successes, then canonical results: what is left is three canonical
    // failures; which of failure and timeout each is depends on the original.
    assertThat(shrunk.size()).isEqualTo(3);
    assertThat(shrunk.failures()).isEqualTo(3);
    assertThat(shrunk.results()).allSatisfy(r -> assertThat(r).isEqualTo(Shrinkers.canonical(r)));
  }

  @Test
  void trace_candidates_areAllSmallerAndNeverTheTraceItself() {
    Trace trace = Traces.mixed().generate(new SplittableRandom(3), 40);

    assertThat(Shrinkers.trace().candidates(trace))
        .isNotEmpty()
        .allSatisfy(
            candidate -> {
              assertThat(candidate).isNotEqualTo(trace);
              assertThat(candidate.size()).isLessThanOrEqualTo(trace.size());
              if (candidate.size() == trace.size()) {
                assertThat(candidate.failures()).isLessThanOrEqualTo(trace.failures());
              }
            });
    assertThat(Shrinkers.trace().candidates(Trace.empty())).isEmpty();
    assertThat(Shrinkers.trace().candidates(Trace.parse("+"))).containsExactly(Trace.empty());
  }

  @Test
  void alignedTraces_candidates_keepOneCommonLengthAndAtLeastOneTrace() {
    List<Trace> traces =
        List.of(
            Traces.mixed().generate(new SplittableRandom(1), 12),
            Traces.mixed().generate(new SplittableRandom(2), 12),
            Traces.mixed().generate(new SplittableRandom(3), 12));

    assertThat(Shrinkers.alignedTraces().candidates(traces))
        .isNotEmpty()
        .allSatisfy(
            candidate -> {
              assertThat(candidate).isNotEmpty();
              assertThat(candidate.stream().map(Trace::size).distinct()).hasSize(1);
            });
  }

  @Test
  void minimize_alignedTracesWhereTheSecondProviderFailsLast_keepsTwoProviders() {
    List<Trace> traces =
        List.of(
            Traces.independentLoss(0.3, Traces.DEFAULT_LATENCY).generate(new SplittableRandom(1), 50),
            Trace.parse("+".repeat(49) + "x"));
    Predicate<List<Trace>> secondEndsFailed =
        l -> l.size() >= 2 && !l.get(1).results().isEmpty() && l.get(1).failed(l.get(1).size() - 1);

    List<Trace> shrunk =
        Shrinking.minimize(traces, Shrinkers.alignedTraces(), secondEndsFailed, 10_000);

    assertThat(shrunk).hasSize(2);
    assertThat(shrunk.get(0)).isEqualTo(Trace.parse("+"));
    assertThat(shrunk.get(1)).isEqualTo(Trace.parse("x"));
  }

  @Test
  void traceMatrix_misalignedTraces_throws() {
    List<List<Trace>> misaligned = List.of(List.of(Trace.parse("++")), List.of(Trace.parse("+")));

    assertThatThrownBy(() -> Shrinkers.traceMatrix().candidates(misaligned).count())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("every trace must have 2 rounds");
  }

  @Test
  void shrink_budget_isNeverExceeded() {
    AtomicInteger calls = new AtomicInteger();
    List<Integer> failing = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      failing.add(1000 + i);
    }

    Shrinking.Result<List<Integer>> result =
        Shrinking.shrink(
            failing,
            Shrinkers.list(Shrinkers.integer(0)),
            list -> calls.incrementAndGet() > 0 && sum(list) > 150_000,
            25);

    assertThat(calls).hasValue(25);
    assertThat(result.steps()).isEqualTo(25);
    assertThat(result.exhausted()).isTrue();
    assertThat(sum(result.value())).isGreaterThan(150_000);
  }

  @Test
  void shrink_localMinimum_reportsNotExhausted() {
    Shrinking.Result<Integer> result =
        Shrinking.shrink(100, Shrinkers.integer(0), x -> x >= 37, 1000);

    assertThat(result.value()).isEqualTo(37);
    assertThat(result.exhausted()).isFalse();
    assertThat(result.shrinks()).isPositive();
  }

  @Test
  void none_anyValue_keepsIt() {
    assertThat(Shrinking.minimize("value", Shrinkers.none(), s -> true, 100)).isEqualTo("value");
  }

  @Test
  void filter_invariant_dropsCandidatesBreakingIt() {
    Shrinker<List<Integer>> nonEmpty =
        Shrinkers.list(Shrinkers.integer(0)).filter(list -> !list.isEmpty());

    assertThat(Shrinking.minimize(List.of(5, 6, 7), nonEmpty, list -> true, 1000))
        .containsExactly(0);
  }

  @Test
  void minimize_negativeBudget_throws() {
    assertThatThrownBy(() -> Shrinking.minimize(1, Shrinkers.integer(0), x -> true, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxSteps must be >= 0, was -1");
  }

  private static int longestFailureRun(Trace trace) {
    int longest = 0;
    int run = 0;
    for (int i = 0; i < trace.size(); i++) {
      run = trace.failed(i) ? run + 1 : 0;
      longest = Math.max(longest, run);
    }
    return longest;
  }
}
