package dev.failover.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.TestResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceTest {

  @Test
  void parse_compactForm_givesCanonicalResults() {
    Trace trace = Trace.parse("+x t");

    assertThat(trace.results())
        .containsExactly(
            TestResult.success(Traces.DEFAULT_LATENCY),
            TestResult.failure(Traces.LOSS_TIMEOUT, "lost"),
            TestResult.timeout(Traces.LOSS_TIMEOUT));
    assertThat(trace.size()).isEqualTo(3);
    assertThat(trace.failures()).isEqualTo(2);
    assertThat(trace.failureIndexes()).containsExactly(1, 2);
  }

  @Test
  void parse_unknownCharacter_throwsNamingIt() {
    assertThatThrownBy(() -> Trace.parse("++-"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'-' at 2");
  }

  @Test
  void new_mutableList_isCopied() {
    List<TestResult> results = new ArrayList<>(List.of(TestResult.success(Duration.ZERO)));
    Trace trace = new Trace(results);

    results.clear();

    assertThat(trace.size()).isEqualTo(1);
    assertThatThrownBy(() -> trace.results().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void withFlipped_failedRound_becomesASuccessAsFastAsTheBestOne() {
    Trace trace =
        Trace.of(
            TestResult.success(Duration.ofMillis(40)),
            TestResult.timeout(Duration.ofSeconds(1)),
            TestResult.success(Duration.ofMillis(25)));

    Trace flipped = trace.withFlipped(1);

    assertThat(flipped.get(1)).isEqualTo(TestResult.success(Duration.ofMillis(25)));
    assertThat(flipped.failures()).isZero();
    assertThat(trace.failures()).isEqualTo(1);
    assertThat(Trace.parse("xx").withFlipped(0).get(0))
        .isEqualTo(TestResult.success(Traces.DEFAULT_LATENCY));
  }

  @Test
  void withFlipped_succeededRoundOrBadIndex_throws() {
    Trace trace = Trace.parse("+x");

    assertThatThrownBy(() -> trace.withFlipped(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("round 0 succeeded");
    assertThatThrownBy(() -> trace.withFlipped(2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void prefixSliceAndConcat_pieces_reassembleTheTrace() {
    Trace trace = Trace.parse("+x+tx+");

    assertThat(trace.prefix(2)).isEqualTo(Trace.parse("+x"));
    assertThat(trace.slice(2, 6)).isEqualTo(Trace.parse("+tx+"));
    assertThat(trace.prefix(2).concat(trace.slice(2, 6))).isEqualTo(trace);
    assertThat(trace.prefix(0)).isEqualTo(Trace.empty());
    assertThatThrownBy(() -> trace.prefix(7))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("length must be between 0 and the trace's size 6, was 7");
  }

  @Test
  void toString_mixedLatencies_isCompactWithRuns() {
    Trace trace =
        Trace.of(
            TestResult.success(Duration.ofMillis(20)),
            TestResult.success(Duration.ofMillis(20)),
            TestResult.timeout(Duration.ofSeconds(1)),
            TestResult.failure(Duration.ofNanos(1_500_000), "refused"));

    assertThat(trace).hasToString("Trace[4: ++tx | latency ms 20*2,1000,1.5]");
    assertThat(Trace.parse("++")).hasToString("Trace[2: ++ | latency 20 ms]");
    assertThat(Trace.empty()).hasToString("Trace[0: ]");
  }
}
