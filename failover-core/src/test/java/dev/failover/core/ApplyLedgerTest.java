package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.RoutingState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ApplyLedger}: one test per rule of its constructor, and the retry backoff. */
class ApplyLedgerTest {
  private static final RoutingState STATE = RoutingState.ranked(Fixtures.providers(2), 100);

  @Test
  void new_failureWithoutState_isRejected() {
    assertThatThrownBy(() -> new ApplyLedger(null, null, "boom", null, 1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failure and failedState must be given together");
    assertThatThrownBy(() -> new ApplyLedger(null, null, null, STATE, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failure and failedState must be given together");
  }

  @Test
  void new_lastAppliedWithoutTime_isRejected() {
    assertThatThrownBy(() -> new ApplyLedger(STATE, null, null, null, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lastApplied and lastAppliedAt must be given together");
    assertThatThrownBy(() -> new ApplyLedger(null, Fixtures.T0, null, null, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lastApplied and lastAppliedAt must be given together");
  }

  @Test
  void new_negativeCounts_namesEach() {
    assertThatThrownBy(() -> new ApplyLedger(null, null, "boom", STATE, -1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failuresInARow must be >= 0, was -1");
    assertThatThrownBy(() -> new ApplyLedger(null, null, null, null, 0, -1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ticksSinceApply must be >= 0, was -1");
    assertThatThrownBy(() -> new ApplyLedger(null, null, "boom", STATE, 1, 0, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ticksSinceFailure must be >= 0, was -1");
  }

  @Test
  void new_failureCountsWhileNotFailing_isRejected() {
    assertThatThrownBy(() -> new ApplyLedger(null, null, null, null, 1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("failuresInARow (1) and ticksSinceFailure (0) must be 0 while not failing");
    assertThatThrownBy(() -> new ApplyLedger(null, null, null, null, 0, 0, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be 0 while not failing");
  }

  @Test
  void retryBackoffTicks_doublesUpToTheCap() {
    assertThat(List.of(0, 1, 2, 3, 4).stream().map(ApplyLedger::retryBackoffTicks).toList())
        .containsExactly(1, 1, 2, 4, 8);
    assertThat(ApplyLedger.retryBackoffTicks(1_000))
        .isEqualTo(ApplyLedger.MAX_RETRY_BACKOFF_TICKS);
  }
}
