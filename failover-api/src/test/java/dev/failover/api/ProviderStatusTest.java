package dev.failover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link ProviderState}'s transitions, {@link ProviderStatus} and {@link ProviderEvidence}. */
class ProviderStatusTest {
  private static final Provider P =
      Provider.of("isp1", "wan1", "192.168.1.11", "192.168.1.0/24", "192.168.1.1", "isp1", 101);
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void eligible_onlyUpAndSuspect() {
    for (ProviderState s : ProviderState.values()) {
      assertThat(s.eligible()).as("%s", s)
          .isEqualTo(s == ProviderState.UP || s == ProviderState.SUSPECT);
    }
  }

  @ParameterizedTest
  @EnumSource(ProviderState.class)
  void canTransitionTo_itself_isAllowed(ProviderState state) {
    assertThat(state.canTransitionTo(state)).isTrue();
    state.checkTransition(P, state);
  }

  @Test
  void canTransitionTo_theTable_allowsExactlyItsMoves() {
    assertThat(allowedFrom(ProviderState.INSUFFICIENT_DATA)).containsExactlyInAnyOrder(
        ProviderState.UP, ProviderState.SUSPECT, ProviderState.DOWN, ProviderState.RECOVERING);
    assertThat(allowedFrom(ProviderState.UP)).containsExactlyInAnyOrder(
        ProviderState.SUSPECT, ProviderState.DOWN, ProviderState.INSUFFICIENT_DATA);
    assertThat(allowedFrom(ProviderState.SUSPECT)).containsExactlyInAnyOrder(
        ProviderState.UP, ProviderState.DOWN, ProviderState.INSUFFICIENT_DATA);
    assertThat(allowedFrom(ProviderState.DOWN)).containsExactlyInAnyOrder(
        ProviderState.UP, ProviderState.RECOVERING, ProviderState.INSUFFICIENT_DATA);
    assertThat(allowedFrom(ProviderState.RECOVERING)).containsExactlyInAnyOrder(
        ProviderState.UP, ProviderState.DOWN, ProviderState.INSUFFICIENT_DATA);
  }

  private static EnumSet<ProviderState> allowedFrom(ProviderState from) {
    EnumSet<ProviderState> allowed = EnumSet.noneOf(ProviderState.class);
    for (ProviderState to : ProviderState.values()) {
      if (to != from && from.canTransitionTo(to)) {
        allowed.add(to);
      }
    }
    return allowed;
  }

  @Test
  void checkTransition_illegal_namesProviderAndBothStates() {
    assertThatThrownBy(() -> ProviderState.UP.checkTransition(P, ProviderState.RECOVERING))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("illegal state transition of provider 'isp1': UP -> RECOVERING");
  }

  @Test
  void status_factories_setStateReasonAndNoPenalty() {
    ProviderStatus initial = ProviderStatus.initial(T0);
    ProviderStatus up = ProviderStatus.of(ProviderState.UP, T0, "fine");

    assertThat(initial.state()).isEqualTo(ProviderState.INSUFFICIENT_DATA);
    assertThat(initial.since()).isEqualTo(T0);
    assertThat(initial.reason()).isEqualTo("no results yet");
    assertThat(initial.eligible()).isFalse();
    assertThat(up.eligible()).isTrue();
    assertThat(up.flapPenalty()).isZero();
    assertThat(up.evidence()).isEqualTo(ProviderEvidence.NONE);
  }

  @Test
  void status_withEvidence_keepsTheRest() {
    ProviderEvidence evidence = new ProviderEvidence(10, 1, 5, 1, 0.5, 0.25);
    ProviderStatus status = new ProviderStatus(ProviderState.DOWN, T0, "lost", 1000);

    ProviderStatus with = status.withEvidence(evidence);

    assertThat(with).isEqualTo(new ProviderStatus(ProviderState.DOWN, T0, "lost", 1000, evidence));
  }

  @Test
  void status_badPenalty_namesFlapPenalty() {
    assertThatThrownBy(() -> new ProviderStatus(ProviderState.UP, T0, "x", -0.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flapPenalty must be finite and >= 0, was -0.5");
    assertThatThrownBy(() -> new ProviderStatus(ProviderState.UP, T0, "x", Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flapPenalty");
    assertThatThrownBy(
            () -> new ProviderStatus(ProviderState.UP, T0, "x", Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flapPenalty");
    assertThat(new ProviderStatus(ProviderState.UP, T0, "x", 0).flapPenalty()).isZero();
  }

  @Test
  void status_nulls_namesTheArgument() {
    assertThatThrownBy(() -> new ProviderStatus(null, T0, "x", 0))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("state");
    assertThatThrownBy(() -> new ProviderStatus(ProviderState.UP, null, "x", 0))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("since");
    assertThatThrownBy(() -> new ProviderStatus(ProviderState.UP, T0, null, 0))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("reason");
    assertThatThrownBy(() -> new ProviderStatus(ProviderState.UP, T0, "x", 0, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("evidence");
  }

  @Test
  void evidence_percentages_followTheCounts() {
    ProviderEvidence e = new ProviderEvidence(8, 2, 4, 1, 1.5, 0);

    assertThat(e.reported()).isTrue();
    assertThat(e.lossPercent()).isEqualTo(25.0);
    assertThat(e.failedRoundPercent()).isEqualTo(25.0);
  }

  @Test
  void evidence_noneCounted_reportsNothingAndZeroPercent() {
    assertThat(ProviderEvidence.NONE.reported()).isFalse();
    assertThat(ProviderEvidence.NONE.lossPercent()).isZero();
    assertThat(ProviderEvidence.NONE.failedRoundPercent()).isZero();
    assertThat(new ProviderEvidence(1, 0, 0, 0, 0, 0).reported()).isTrue();
    assertThat(new ProviderEvidence(0, 0, 1, 0, 0, 0).reported()).isTrue();
  }

  @Test
  void evidence_partsAtTheirWholes_areAccepted() {
    ProviderEvidence e = new ProviderEvidence(3, 3, 2, 2, 0, 0);

    assertThat(e.lossPercent()).isEqualTo(100.0);
    assertThat(e.failedRoundPercent()).isEqualTo(100.0);
  }

  @Test
  void evidence_eachRule_namesItsField() {
    assertThatThrownBy(() -> new ProviderEvidence(-1, 0, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("probes must be >= 0");
    assertThatThrownBy(() -> new ProviderEvidence(1, 2, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lostProbes must be between 0 and probes (1), was 2");
    assertThatThrownBy(() -> new ProviderEvidence(1, -1, 0, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lostProbes");
    assertThatThrownBy(() -> new ProviderEvidence(0, 0, -1, 0, 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rounds must be >= 0");
    assertThatThrownBy(() -> new ProviderEvidence(0, 0, 1, 2, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failedRounds must be between 0 and rounds (1), was 2");
    assertThatThrownBy(() -> new ProviderEvidence(0, 0, 1, -1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failedRounds");
    assertThatThrownBy(() -> new ProviderEvidence(0, 0, 0, 0, -0.1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lossScore");
    assertThatThrownBy(() -> new ProviderEvidence(0, 0, 0, 0, Double.NaN, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lossScore");
    assertThatThrownBy(() -> new ProviderEvidence(0, 0, 0, 0, 0, -0.1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recoveryScore");
    assertThatThrownBy(() -> new ProviderEvidence(0, 0, 0, 0, 0, Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("recoveryScore");
  }
}
