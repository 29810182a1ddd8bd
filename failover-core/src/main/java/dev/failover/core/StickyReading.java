package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One reading of the sticky-provider source: nothing set, a provider forced, or content that was
 * ignored (with the reason).
 *
 * @param kind which of the three
 * @param providerId the forced provider's id for {@link Kind#FORCED}, null otherwise
 * @param detail in words, for status and logs, such as {@code "no sticky file"}
 */
public record StickyReading(Kind kind, @Nullable String providerId, String detail) {

  /** What the sticky source holds. */
  public enum Kind {
    /** Nothing is forced: the file does not exist (the normal case). */
    ABSENT,
    /** A configured provider is forced to be main. */
    FORCED,
    /** The source holds something unusable (an unknown id, garbage, or it cannot be read). */
    IGNORED
  }

  /**
   * @throws IllegalArgumentException if {@code providerId} is given for any kind but {@code
   *     FORCED}, or missing for {@code FORCED}
   */
  public StickyReading {
    checkNotNull(kind, "kind");
    checkNotNull(detail, "detail");
    checkArgument(
        (kind == Kind.FORCED) == (providerId != null),
        "providerId must be given exactly when kind is FORCED, was %s for %s",
        providerId,
        kind);
  }

  /** Nothing forced. */
  public static StickyReading absent() {
    return new StickyReading(Kind.ABSENT, null, "no sticky provider");
  }

  /** {@code providerId} forced. */
  public static StickyReading forced(String providerId, String detail) {
    return new StickyReading(Kind.FORCED, checkNotNull(providerId, "providerId"), detail);
  }

  /** Unusable content, ignored for {@code detail}. */
  public static StickyReading ignored(String detail) {
    return new StickyReading(Kind.IGNORED, null, detail);
  }

  /** The forced provider's id, empty unless {@link Kind#FORCED}. */
  public Optional<String> forcedProviderId() {
    return Optional.ofNullable(providerId);
  }
}
