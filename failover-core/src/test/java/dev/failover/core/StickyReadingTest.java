package dev.failover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.core.StickyReading.Kind;
import org.junit.jupiter.api.Test;

/** {@link StickyReading}: the factories and the one rule tying the id to the kind. */
class StickyReadingTest {

  @Test
  void factories_setKindIdAndDetail() {
    StickyReading forced = StickyReading.forced("isp2", "sticky file forces 'isp2'");

    assertThat(forced.kind()).isEqualTo(Kind.FORCED);
    assertThat(forced.forcedProviderId()).contains("isp2");
    assertThat(forced.detail()).isEqualTo("sticky file forces 'isp2'");
    assertThat(StickyReading.absent().kind()).isEqualTo(Kind.ABSENT);
    assertThat(StickyReading.absent().forcedProviderId()).isEmpty();
    assertThat(StickyReading.absent().detail()).isEqualTo("no sticky provider");
    assertThat(StickyReading.ignored("garbage").kind()).isEqualTo(Kind.IGNORED);
    assertThat(StickyReading.ignored("garbage").forcedProviderId()).isEmpty();
    assertThat(StickyReading.ignored("garbage").detail()).isEqualTo("garbage");
  }

  @Test
  void new_idWithoutForced_isRejected() {
    assertThatThrownBy(() -> new StickyReading(Kind.IGNORED, "isp1", "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("providerId must be given exactly when kind is FORCED, was isp1 for IGNORED");
  }

  @Test
  void new_forcedWithoutId_isRejected() {
    assertThatThrownBy(() -> new StickyReading(Kind.FORCED, null, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was null for FORCED");
    assertThatThrownBy(() -> StickyReading.forced(null, "x"))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("providerId");
  }

  @Test
  void new_nulls_nameTheArgument() {
    assertThatThrownBy(() -> new StickyReading(null, null, "x"))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("kind");
    assertThatThrownBy(() -> new StickyReading(Kind.ABSENT, null, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("detail");
  }
}
