package dev.failover.api;

import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The main provider changed.
 *
 * @param from the previous main provider, null at startup
 * @param to the new main provider
 * @param reason why, as a category
 * @param detail why, in words, such as {@code "provider 'isp-a' is DOWN: 3 consecutive failures"}
 * @param at when the engine decided it
 */
public record MainProviderSwitched(
    @Nullable Provider from, Provider to, SwitchReason reason, String detail, Instant at) {
  public MainProviderSwitched {
    Checks.checkNotNull(to, "to");
    Checks.checkNotNull(reason, "reason");
    Checks.checkNotNull(detail, "detail");
    Checks.checkNotNull(at, "at");
  }

  /** The previous main provider, empty at startup. */
  public Optional<Provider> previous() {
    return Optional.ofNullable(from);
  }
}
