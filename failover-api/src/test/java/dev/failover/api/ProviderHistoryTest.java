package dev.failover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ProviderHistory}: the counts {@link ProviderHistory#of} computes, and each rule. */
class ProviderHistoryTest {
  private static final Provider P =
      Provider.of("isp1", "wan1", "192.168.1.11", "192.168.1.0/24", "192.168.1.1", "isp1", 101);
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static List<ProbeRound> rounds(String pattern) {
    List<ProbeRound> rounds = new ArrayList<>();
    for (int i = 0; i < pattern.length(); i++) {
      TestResult r = pattern.charAt(i) == 'o'
          ? TestResult.success(Duration.ofMillis(5))
          : TestResult.timeout(Duration.ofMillis(200));
      rounds.add(ProbeRound.of(T0.plusSeconds(i), r));
    }
    return rounds;
  }

  @Test
  void of_endsWithSuccesses_countsFailuresAndTheSuccessRun() {
    ProviderHistory h = ProviderHistory.of(P, 10, rounds("oxxoxoo"));

    assertThat(h.size()).isEqualTo(7);
    assertThat(h.failedCount()).isEqualTo(3);
    assertThat(h.succeededCount()).isEqualTo(4);
    assertThat(h.consecutiveSuccesses()).isEqualTo(2);
    assertThat(h.consecutiveFailures()).isZero();
    assertThat(h.isEmpty()).isFalse();
    assertThat(h.latest()).contains(h.rounds().get(6));
  }

  @Test
  void of_endsWithFailures_countsTheFailureRun() {
    ProviderHistory h = ProviderHistory.of(P, 10, rounds("ooxoxxx"));

    assertThat(h.consecutiveFailures()).isEqualTo(3);
    assertThat(h.consecutiveSuccesses()).isZero();
    assertThat(h.failedCount()).isEqualTo(4);
  }

  @Test
  void of_onlySuccesses_theRunIsTheWholeHistory() {
    assertThat(ProviderHistory.of(P, 10, rounds("ooo")).consecutiveSuccesses()).isEqualTo(3);
    assertThat(ProviderHistory.of(P, 10, rounds("xx")).consecutiveFailures()).isEqualTo(2);
  }

  @Test
  void of_moreRoundsThanCapacity_keepsTheNewest() {
    List<ProbeRound> all = rounds("xxxooo");

    ProviderHistory h = ProviderHistory.of(P, 4, all);

    assertThat(h.rounds()).containsExactlyElementsOf(all.subList(2, 6));
    assertThat(h.failedCount()).isEqualTo(1);
    assertThat(h.consecutiveSuccesses()).isEqualTo(3);
  }

  @Test
  void of_exactlyCapacity_keepsAll() {
    List<ProbeRound> all = rounds("xoo");

    assertThat(ProviderHistory.of(P, 3, all).rounds()).containsExactlyElementsOf(all);
  }

  @Test
  void empty_always_hasNoRoundsAndNoLatest() {
    ProviderHistory h = ProviderHistory.empty(P, 5);

    assertThat(h.isEmpty()).isTrue();
    assertThat(h.size()).isZero();
    assertThat(h.latest()).isEmpty();
    assertThat(h.capacity()).isEqualTo(5);
    assertThat(h.succeededCount()).isZero();
  }

  @Test
  void new_capacityZero_namesCapacity() {
    assertThatThrownBy(() -> ProviderHistory.empty(P, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity must be > 0, was 0");
  }

  @Test
  void new_capacityOne_isAccepted() {
    assertThat(ProviderHistory.empty(P, 1).capacity()).isEqualTo(1);
  }

  @Test
  void new_moreRoundsThanCapacity_namesRounds() {
    assertThatThrownBy(() -> new ProviderHistory(P, 1, rounds("oo"), 0, 2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rounds must hold at most capacity (1) entries, held 2");
  }

  @Test
  void new_failedCountOutOfBounds_namesFailedCount() {
    assertThatThrownBy(() -> new ProviderHistory(P, 5, rounds("xx"), 3, 0, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failedCount must be between 0 and 2, was 3");
    assertThatThrownBy(() -> new ProviderHistory(P, 5, rounds("xx"), -1, 0, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failedCount");
  }

  @Test
  void new_countsAtTheirBounds_areAccepted() {
    ProviderHistory h = new ProviderHistory(P, 2, rounds("xx"), 2, 0, 2);

    assertThat(h.failedCount()).isEqualTo(2);
    assertThat(new ProviderHistory(P, 2, rounds("oo"), 0, 2, 0).consecutiveSuccesses())
        .isEqualTo(2);
  }

  @Test
  void new_consecutiveSuccessesOutOfBounds_namesIt() {
    assertThatThrownBy(() -> new ProviderHistory(P, 5, rounds("oo"), 0, 3, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("consecutiveSuccesses must be between 0 and 2, was 3");
    assertThatThrownBy(() -> new ProviderHistory(P, 5, rounds("oo"), 0, -1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("consecutiveSuccesses");
  }

  @Test
  void new_consecutiveFailuresOutOfBounds_namesIt() {
    assertThatThrownBy(() -> new ProviderHistory(P, 5, rounds("xx"), 2, 0, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("consecutiveFailures must be between 0 and 2, was 3");
    assertThatThrownBy(() -> new ProviderHistory(P, 5, rounds("xx"), 2, 0, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("consecutiveFailures");
  }

  @Test
  void new_bothRunsPositive_isRejected() {
    assertThatThrownBy(() -> new ProviderHistory(P, 5, rounds("ox"), 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot both be > 0");
  }

  @Test
  void new_nullProviderOrRounds_throwsNullPointerException() {
    assertThatThrownBy(() -> ProviderHistory.empty(null, 5))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("provider");
    assertThatThrownBy(() -> new ProviderHistory(P, 5, null, 0, 0, 0))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("rounds");
  }
}
