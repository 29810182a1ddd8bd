package dev.failover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ProbeRound} and {@link TestResult}: factories, success and each rule. */
class ProbeRoundTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final TestResult OK = TestResult.success(Duration.ofMillis(3));
  private static final TestResult LOST = TestResult.timeout(Duration.ofMillis(200));

  @Test
  void succeeded_everyResultSucceeded_isTrue() {
    assertThat(new ProbeRound(T0, List.of(OK, OK)).succeeded()).isTrue();
    assertThat(ProbeRound.of(T0, OK).results()).containsExactly(OK);
  }

  @Test
  void succeeded_oneResultFailed_isFalse() {
    assertThat(new ProbeRound(T0, List.of(OK, LOST)).succeeded()).isFalse();
    assertThat(new ProbeRound(T0, List.of(LOST, OK)).succeeded()).isFalse();
  }

  @Test
  void new_noResults_isRejected() {
    assertThatThrownBy(() -> new ProbeRound(T0, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("results must not be empty");
  }

  @Test
  void new_nulls_namesTheArgument() {
    assertThatThrownBy(() -> new ProbeRound(null, List.of(OK)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("startedAt");
    assertThatThrownBy(() -> new ProbeRound(T0, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("results");
  }

  @Test
  void testResult_factories_setOutcomeLatencyAndDetail() {
    TestResult failure = TestResult.failure(Duration.ofMillis(7), "unreachable");

    assertThat(OK.outcome()).isEqualTo(TestResult.Outcome.SUCCESS);
    assertThat(OK.succeeded()).isTrue();
    assertThat(OK.detail()).isEmpty();
    assertThat(failure.outcome()).isEqualTo(TestResult.Outcome.FAILURE);
    assertThat(failure.succeeded()).isFalse();
    assertThat(failure.latency()).isEqualTo(Duration.ofMillis(7));
    assertThat(failure.detail()).isEqualTo("unreachable");
    assertThat(LOST.outcome()).isEqualTo(TestResult.Outcome.TIMEOUT);
    assertThat(LOST.succeeded()).isFalse();
    assertThat(LOST.latency()).isEqualTo(Duration.ofMillis(200));
    assertThat(LOST.detail()).isEqualTo("no answer within 200 ms");
  }

  @Test
  void testResult_negativeLatency_namesLatency() {
    assertThatThrownBy(() -> TestResult.success(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("latency must be >= 0");
    assertThat(TestResult.success(Duration.ZERO).latency()).isZero();
  }

  @Test
  void testResult_nulls_namesTheArgument() {
    assertThatThrownBy(() -> new TestResult(null, Duration.ZERO, ""))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("outcome");
    assertThatThrownBy(() -> new TestResult(TestResult.Outcome.SUCCESS, null, ""))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("latency");
    assertThatThrownBy(() -> new TestResult(TestResult.Outcome.SUCCESS, Duration.ZERO, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("detail");
  }
}
