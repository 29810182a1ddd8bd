package dev.failover.launcher.hooks;

import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.AddressFamily;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.Provider;
import dev.failover.api.ProviderStateChanged;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One event for the hooks, with the environment variables that describe it.
 *
 * <p>Every event sets {@code FAILOVER_EVENT} (the kind's {@link Kind#variableValue()}), {@code
 * FAILOVER_TIME} (ISO-8601, UTC) and {@code FAILOVER_REASON} (one line). The events of an engine (a
 * provider's change, a switch) add {@code FAILOVER_FAMILY}, {@code ipv4} or {@code ipv6}: each
 * address family has an engine of its own (issue 16), and a provider's IPv6 may go down while its
 * IPv4 stays up. {@code started} and {@code stopping} are the daemon's, of both families, and do
 * not set it (a hook that reads it there gets nothing, as it does {@code FAILOVER_PROVIDER}). A
 * provider's change adds {@code FAILOVER_PROVIDER}, {@code FAILOVER_INTERFACE}, {@code
 * FAILOVER_STATE} and {@code FAILOVER_PREVIOUS_STATE}; a switch adds {@code FAILOVER_FROM} (empty
 * for the first decision), {@code FAILOVER_TO}, their interfaces {@code FAILOVER_FROM_INTERFACE}
 * and {@code FAILOVER_TO_INTERFACE}, and the category {@code FAILOVER_SWITCH_REASON} ({@code
 * FAILOVER}, {@code FAILBACK}, ...). Values hold no control characters: line breaks and tabs become
 * spaces, so a reason is always one line.
 *
 * @param kind what happened
 * @param at when
 * @param variables the {@code FAILOVER_*} variables, in a stable order
 */
public record HookEvent(Kind kind, Instant at, Map<String, String> variables) {

  /** The longest value a variable gets; a policy's reason is far shorter. */
  static final int MAX_VALUE_LENGTH = 1000;

  /** What happened. */
  public enum Kind {
    /** The daemon started (before its first tick). */
    STARTED,
    /** The main provider changed. */
    MAIN_SWITCHED,
    /** A provider's state changed. */
    PROVIDER_STATE_CHANGED,
    /** The daemon is stopping; the routes stay as they are. */
    STOPPING;

    /** The value of {@code FAILOVER_EVENT}, such as {@code main_switched}. */
    public String variableValue() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public HookEvent {
    checkNotNull(kind, "kind");
    checkNotNull(at, "at");
    // Kept in insertion order (Map.copyOf would not), so that logs and tests list them stably.
    variables =
        Collections.unmodifiableMap(new LinkedHashMap<>(checkNotNull(variables, "variables")));
  }

  /** The daemon started. */
  public static HookEvent started(Instant at, String reason) {
    return of(Kind.STARTED, at, reason, new LinkedHashMap<>());
  }

  /** The daemon is stopping. */
  public static HookEvent stopping(Instant at, String reason) {
    return of(Kind.STOPPING, at, reason, new LinkedHashMap<>());
  }

  /** The main provider of {@code family} changed. */
  public static HookEvent mainSwitched(AddressFamily family, MainProviderSwitched event) {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("FAILOVER_FAMILY", family.key());
    Provider from = event.previous().orElse(null);
    variables.put("FAILOVER_FROM", from == null ? "" : from.id());
    variables.put("FAILOVER_FROM_INTERFACE", from == null ? "" : from.interfaceName());
    variables.put("FAILOVER_TO", event.to().id());
    variables.put("FAILOVER_TO_INTERFACE", event.to().interfaceName());
    variables.put("FAILOVER_SWITCH_REASON", event.reason().name());
    return of(Kind.MAIN_SWITCHED, event.at(), event.detail(), variables);
  }

  /** A provider's state in {@code family} changed. */
  public static HookEvent providerStateChanged(AddressFamily family, ProviderStateChanged event) {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("FAILOVER_FAMILY", family.key());
    variables.put("FAILOVER_PROVIDER", event.provider().id());
    variables.put("FAILOVER_INTERFACE", event.provider().interfaceName());
    variables.put("FAILOVER_STATE", event.to().state().name());
    variables.put("FAILOVER_PREVIOUS_STATE", event.from().state().name());
    return of(Kind.PROVIDER_STATE_CHANGED, event.at(), event.to().reason(), variables);
  }

  private static HookEvent of(Kind kind, Instant at, String reason, Map<String, String> specific) {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("FAILOVER_EVENT", kind.variableValue());
    variables.put("FAILOVER_TIME", at.toString());
    variables.put("FAILOVER_REASON", oneLine(reason));
    specific.forEach((name, value) -> variables.put(name, oneLine(value)));
    return new HookEvent(kind, at, variables);
  }

  /**
   * {@code text} without control characters (each becomes a space, so a line break cannot smuggle a
   * second line into a log or a message), cut at {@value #MAX_VALUE_LENGTH} characters.
   */
  static String oneLine(String text) {
    StringBuilder line = new StringBuilder(Math.min(text.length(), MAX_VALUE_LENGTH));
    for (int i = 0; i < text.length() && line.length() < MAX_VALUE_LENGTH; i++) {
      char c = text.charAt(i);
      line.append(Character.isISOControl(c) ? ' ' : c);
    }
    return line.toString().strip();
  }

  /** {@code main_switched at 2026-...}, for logs. */
  @Override
  public String toString() {
    return kind.variableValue() + " at " + at;
  }
}
