package dev.failover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The rules and the text of {@link ApplyOutcome}. */
class ApplyOutcomeTest {
  private static final Provider ISP2 =
      Provider.of("isp2", "eth2", "10.0.2.2", "10.0.2.0/24", "10.0.2.1", "isp2", 102);

  @Test
  void complete_isCompleteWithTheMainRouteInPlace() {
    assertThat(ApplyOutcome.complete().isComplete()).isTrue();
    assertThat(ApplyOutcome.complete().mainRouteInPlace()).isTrue();
    assertThat(ApplyOutcome.complete().skipped()).isEmpty();
    assertThat(ApplyOutcome.complete()).hasToString("complete");
  }

  @Test
  void partial_namesEachSkippedProviderAndTheMainRoute() {
    ApplyOutcome outcome =
        ApplyOutcome.partial(
            List.of(new ApplyOutcome.Skipped(ISP2, "interface eth2 does not exist")), false);

    assertThat(outcome.isComplete()).isFalse();
    assertThat(outcome)
        .hasToString(
            "partial (provider 'isp2' skipped: interface eth2 does not exist), main route missing");
  }

  @Test
  void partial_nothingSkipped_throws() {
    assertThatThrownBy(() -> ApplyOutcome.partial(List.of(), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must skip a provider");
  }

  @Test
  void constructor_nothingSkippedAndMainRouteMissing_throws() {
    assertThatThrownBy(() -> new ApplyOutcome(List.of(), false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("main route in place");
  }

  @Test
  void skipped_nullReason_throwsNamingReason() {
    assertThatThrownBy(() -> new ApplyOutcome.Skipped(ISP2, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("reason must not be null");
  }
}
