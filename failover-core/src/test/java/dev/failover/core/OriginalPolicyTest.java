package dev.failover.core;

import static dev.failover.core.Fixtures.T0;
import static dev.failover.core.Fixtures.fail;
import static dev.failover.core.Fixtures.ok;
import static dev.failover.core.Fixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.ProbeRound;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OriginalPolicyTest {
  private static final Instant NOW = T0.plusSeconds(100);

  /** A history of {@code pattern}, oldest first: 'o' a successful round, 'x' a failed one. */
  private static ProviderHistory history(int capacity, String pattern) {
    List<ProbeRound> rounds = new ArrayList<>();
    for (char c : pattern.toCharArray()) {
      rounds.add(ProbeRound.of(T0, c == 'o' ? ok() : fail()));
    }
    return ProviderHistory.of(provider(1), capacity, rounds);
  }

  private static ProviderStatus assess(OriginalPolicy policy, ProviderHistory history) {
    return policy.assess(List.of(history), Map.of(), NOW).get("isp1");
  }

  @Test
  void assess_emptyHistory_insufficientData() {
    ProviderStatus status = assess(OriginalPolicy.withDefaults(), history(50, ""));

    assertThat(status.state()).isEqualTo(ProviderState.INSUFFICIENT_DATA);
    assertThat(status.eligible()).isFalse();
  }

  @Test
  void assess_defaultsOneSuccess_down() {
    ProviderStatus status = assess(OriginalPolicy.withDefaults(), history(50, "o"));

    assertThat(status.state()).isEqualTo(ProviderState.DOWN);
    assertThat(status.reason()).contains("1 consecutive successes (needs > 1)");
  }

  @Test
  void assess_defaultsTwoSuccesses_up() {
    ProviderStatus status = assess(OriginalPolicy.withDefaults(), history(50, "oo"));

    assertThat(status.state()).isEqualTo(ProviderState.UP);
    assertThat(status.reason()).startsWith("reliable: 2 consecutive successes");
  }

  /** The quirk: with 50 kept and max_failed_checks = 50, the failed count can never fire. */
  @Test
  void assess_defaultsFortyEightFailuresThenTwoSuccesses_up() {
    ProviderStatus status =
        assess(OriginalPolicy.withDefaults(), history(50, "x".repeat(48) + "oo"));

    assertThat(status.state()).isEqualTo(ProviderState.UP);
  }

  /** The other face of the quirk: one lost probe fails a provider at once. */
  @Test
  void assess_defaultsOneFailureAfterLongSuccess_down() {
    ProviderStatus status =
        assess(OriginalPolicy.withDefaults(), history(50, "o".repeat(49) + "x"));

    assertThat(status.state()).isEqualTo(ProviderState.DOWN);
  }

  @Test
  void assess_failedCountAtMax_up() {
    OriginalPolicy policy = new OriginalPolicy(3, 1);

    assertThat(assess(policy, history(10, "xxxooooooo")).state()).isEqualTo(ProviderState.UP);
  }

  @Test
  void assess_failedCountAboveMax_downNamingTheCount() {
    OriginalPolicy policy = new OriginalPolicy(3, 1);

    ProviderStatus status = assess(policy, history(10, "xxxxoooooo"));

    assertThat(status.state()).isEqualTo(ProviderState.DOWN);
    assertThat(status.reason()).isEqualTo("unreliable: 4 of 10 rounds failed (allows <= 3)");
  }

  @Test
  void assess_failuresEvicted_upAgain() {
    OriginalPolicy policy = new OriginalPolicy(3, 1);
    // Capacity 6 keeps only the newest 6 of these 10 rounds: "xooooo".
    assertThat(assess(policy, history(6, "xxxxxooooo")).state()).isEqualTo(ProviderState.UP);
  }

  @Test
  void assess_consecutiveSuccessesEqualToMin_down() {
    OriginalPolicy policy = new OriginalPolicy(50, 3);

    assertThat(assess(policy, history(50, "xooo")).state()).isEqualTo(ProviderState.DOWN);
    assertThat(assess(policy, history(50, "xoooo")).state()).isEqualTo(ProviderState.UP);
  }

  @Test
  void assess_minZero_oneSuccessIsEnough() {
    OriginalPolicy policy = new OriginalPolicy(50, 0);

    assertThat(assess(policy, history(50, "xo")).state()).isEqualTo(ProviderState.UP);
  }

  @Test
  void assess_bothRulesBroken_reasonNamesBoth() {
    OriginalPolicy policy = new OriginalPolicy(1, 1);

    ProviderStatus status = assess(policy, history(10, "xxo"));

    assertThat(status.reason())
        .isEqualTo(
            "unreliable: 1 consecutive successes (needs > 1) and 2 of 3 rounds failed"
                + " (allows <= 1)");
  }

  @Test
  void assess_roundWithOneFailedTestCase_countsAsFailed() {
    ProbeRound mixed = new ProbeRound(T0, List.of(ok(), fail()));
    ProbeRound good = new ProbeRound(T0, List.of(ok(), ok()));
    ProviderHistory history = ProviderHistory.of(provider(1), 50, List.of(good, good, mixed));

    assertThat(assess(OriginalPolicy.withDefaults(), history).state())
        .isEqualTo(ProviderState.DOWN);
  }

  @Test
  void assess_stateUnchanged_keepsSince() {
    Instant earlier = T0.plusSeconds(3);
    Map<String, ProviderStatus> previous =
        Map.of("isp1", ProviderStatus.of(ProviderState.UP, earlier, "reliable"));

    ProviderStatus status =
        OriginalPolicy.withDefaults().assess(List.of(history(50, "ooo")), previous, NOW).get("isp1");

    assertThat(status.since()).isEqualTo(earlier);
  }

  @Test
  void assess_stateChanged_sinceIsNow() {
    Map<String, ProviderStatus> previous =
        Map.of("isp1", ProviderStatus.of(ProviderState.UP, T0, "reliable"));

    ProviderStatus status =
        OriginalPolicy.withDefaults().assess(List.of(history(50, "oox")), previous, NOW).get("isp1");

    assertThat(status.state()).isEqualTo(ProviderState.DOWN);
    assertThat(status.since()).isEqualTo(NOW);
    assertThat(status.flapPenalty()).isZero();
  }

  @Test
  void assess_severalProviders_oneStatusEach() {
    ProviderHistory second = ProviderHistory.empty(provider(2), 50);

    Map<String, ProviderStatus> statuses =
        OriginalPolicy.withDefaults().assess(List.of(history(50, "oo"), second), Map.of(), NOW);

    assertThat(statuses).containsOnlyKeys("isp1", "isp2");
  }

  @Test
  void name_original() {
    assertThat(OriginalPolicy.withDefaults().name()).isEqualTo("original");
  }

  @Test
  void constructor_negativeMaxFailed_throwsNamingKey() {
    assertThatThrownBy(() -> new OriginalPolicy(-1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max_failed_checks must be >= 0, was -1");
  }

  @Test
  void constructor_negativeMinConsecutive_throwsNamingKey() {
    assertThatThrownBy(() -> new OriginalPolicy(50, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("min_consecutive_succeeded_checks must be >= 0, was -2");
  }
}
