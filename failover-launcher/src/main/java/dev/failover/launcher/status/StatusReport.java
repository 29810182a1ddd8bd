package dev.failover.launcher.status;

import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a status file's JSON for an operator: whether it is fresh, and a text rendering of the
 * interval in force, the main provider and why, the routes, the sticky state and each provider's
 * verdict, link, recent results, loss and latency.
 *
 * <p>A status is <em>stale</em> when it is older than two check intervals plus {@value
 * #STALE_SLACK_SECONDS} seconds: the daemon writes it after every tick, and a tick starts every
 * check interval, so a live daemon is never that late; a stale file means the daemon died, hangs or
 * was killed without its last write. A file written by a daemon that stopped cleanly says so. Pure
 * functions of the JSON and the time given; thread-safe.
 */
public final class StatusReport {
  /** Slack for a slow last tick and a loaded machine, on top of two check intervals. */
  static final long STALE_SLACK_SECONDS = 5;

  /** How fresh a status file is. */
  public enum Freshness {
    /** Written recently by a running daemon. */
    FRESH,
    /** Written by a running daemon, but too long ago: the daemon is dead or stuck. */
    STALE,
    /** The last write of a daemon that stopped cleanly. */
    STOPPED
  }

  private StatusReport() {}

  /** How fresh {@code status} is at {@code now}. */
  public static Freshness freshness(JsonNode status, Instant now) {
    if (!status.path("running").asBoolean(true)) {
      return Freshness.STOPPED;
    }
    return age(status, now).compareTo(staleAfter(status)) > 0 ? Freshness.STALE : Freshness.FRESH;
  }

  /** How long ago {@code status} was written; a file from the future counts as new. */
  static Duration age(JsonNode status, Instant now) {
    Instant writtenAt = instant(status.path("written_at")).orElse(Instant.EPOCH);
    Duration age = Duration.between(writtenAt, now);
    return age.isNegative() ? Duration.ZERO : age;
  }

  /** The age beyond which {@code status} is stale. */
  static Duration staleAfter(JsonNode status) {
    double interval = status.path("check_interval").asDouble(5);
    return Duration.ofMillis(Math.round(interval * 2_000)).plusSeconds(STALE_SLACK_SECONDS);
  }

  /** A copy of {@code status} with {@code freshness} and {@code age_seconds} added, for --json. */
  public static ObjectNode annotate(ObjectNode status, Instant now) {
    ObjectNode copy = status.deepCopy();
    copy.put("freshness", freshness(status, now).name());
    copy.put("age_seconds", age(status, now).toMillis() / 1000.0);
    return copy;
  }

  /** The text rendering of {@code status} at {@code now}, lines separated by '\n'. */
  public static String render(JsonNode status, Instant now) {
    checkNotNull(status, "status");
    StringBuilder out = new StringBuilder();
    Freshness freshness = freshness(status, now);
    Duration age = age(status, now);
    out.append(
        String.format(
            Locale.ROOT,
            "failover status, written %s ago by pid %s (policy %s, %s ticks)%n",
            human(age),
            status.path("pid").asText("?"),
            status.path("policy").asText("?"),
            status.path("ticks").asText("?")));
    out.append(interval(status));
    if (freshness == Freshness.STALE) {
      out.append(
          String.format(
              Locale.ROOT,
              "WARNING: this status is STALE: older than %s; the daemon is not running or is stuck"
                  + " (see journalctl -u failover)%n",
              human(staleAfter(status))));
    } else if (freshness == Freshness.STOPPED) {
      out.append(
          "NOTE: the daemon has stopped; this is its last status (routes were left in place)\n");
    }
    JsonNode main = status.path("main");
    if (main.path("provider").isTextual()) {
      out.append(
          String.format(
              Locale.ROOT,
              "main provider: %s since %s (%s: %s)%n",
              main.path("provider").asText(),
              shortTime(main.path("since"), now),
              main.path("reason").asText("?"),
              main.path("detail").asText("")));
    } else {
      out.append("main provider: none yet (no decision made yet)\n");
    }
    List<String> routes = new ArrayList<>();
    int metric = status.path("start_metric").asInt(0);
    for (JsonNode id : status.path("ranking")) {
      routes.add(id.asText() + " metric " + metric++);
    }
    out.append("default routes: ")
        .append(routes.isEmpty() ? "none applied yet" : String.join(", ", routes))
        .append('\n');
    JsonNode sticky = status.path("sticky");
    out.append(
        String.format(
            Locale.ROOT,
            "sticky: %s (%s) [file %s]%n",
            stickyWord(sticky),
            sticky.path("detail").asText(""),
            sticky.path("file").asText("?")));
    String error = status.path("last_apply_error").asText(null);
    if (error != null && !status.path("last_apply_error").isNull()) {
      out.append("last apply FAILED: ").append(error).append('\n');
    } else if (status.path("last_applied_at").isTextual()) {
      out.append("last apply: ok at ")
          .append(shortTime(status.path("last_applied_at"), now))
          .append('\n');
    }
    out.append('\n');
    String row = "%-16s %-8s %-5s %-17s %-32s %7s %10s  %s%n";
    out.append(
        String.format(
            Locale.ROOT,
            row,
            "PROVIDER",
            "RELIABLE",
            "LINK",
            "STATE",
            "SINCE",
            "LOSS",
            "LATENCY",
            "RECENT (old->new: + ok, - failed, x timeout)"));
    for (JsonNode p : status.path("providers")) {
      JsonNode latency = p.path("mean_latency_ms");
      out.append(
          String.format(
              Locale.ROOT,
              row,
              p.path("id").asText("?"),
              p.path("reliable").asBoolean() ? "yes" : "no",
              link(p.path("link_usable")),
              p.path("state").asText("?"),
              shortTime(p.path("since"), now),
              String.format(Locale.ROOT, "%.1f%%", p.path("loss_percent").asDouble()),
              latency.isNumber() ? String.format(Locale.ROOT, "%.1f ms", latency.asDouble()) : "-",
              recent(p.path("recent_results"))));
      out.append(String.format(Locale.ROOT, "%-16s   %s%n", "", p.path("reason").asText("")));
    }
    return out.toString();
  }

  /**
   * The cadence line: the interval in force and whether it is the fast one. A file written before
   * the key existed has none; then the line gives the check interval only.
   */
  private static String interval(JsonNode status) {
    JsonNode checkInterval = status.path("check_interval");
    JsonNode interval = status.path("interval");
    if (!interval.isNumber()) {
      return String.format(
          Locale.ROOT,
          "checks every %s s%n",
          checkInterval.isNumber() ? number(checkInterval) : "?");
    }
    boolean fast =
        checkInterval.isNumber() && interval.asDouble() < checkInterval.asDouble();
    return String.format(
        Locale.ROOT,
        "checks every %s s (%s)%n",
        number(interval),
        fast
            ? "fast_check_interval: a provider is in doubt; check_interval is "
                + number(checkInterval)
                + " s"
            : "check_interval");
  }

  private static String number(JsonNode value) {
    return java.math.BigDecimal.valueOf(value.asDouble()).stripTrailingZeros().toPlainString();
  }

  /** The link column: {@code up}, {@code DOWN}, or {@code ?} for a file without the key. */
  private static String link(JsonNode usable) {
    if (!usable.isBoolean()) {
      return "?";
    }
    return usable.asBoolean() ? "up" : "DOWN";
  }

  private static String stickyWord(JsonNode sticky) {
    switch (sticky.path("kind").asText("")) {
      case "FORCED":
        return "provider '" + sticky.path("provider").asText() + "' forced";
      case "IGNORED":
        return "file ignored";
      default:
        return "none";
    }
  }

  private static String recent(JsonNode outcomes) {
    StringBuilder text = new StringBuilder();
    for (JsonNode outcome : outcomes) {
      switch (outcome.asText()) {
        case "SUCCESS":
          text.append('+');
          break;
        case "TIMEOUT":
          text.append('x');
          break;
        default:
          text.append('-');
      }
    }
    return text.length() == 0 ? "(none yet)" : text.toString();
  }

  private static String shortTime(JsonNode value, Instant now) {
    return instant(value)
        .map(
            at ->
                at.truncatedTo(ChronoUnit.SECONDS)
                    + " ("
                    + human(
                        Duration.between(at, now).isNegative()
                            ? Duration.ZERO
                            : Duration.between(at, now))
                    + " ago)")
        .orElse("-");
  }

  private static java.util.Optional<Instant> instant(JsonNode value) {
    if (!value.isTextual()) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(Instant.parse(value.asText()));
    } catch (DateTimeParseException e) {
      return java.util.Optional.empty();
    }
  }

  /** A duration for people: {@code 850 ms}, {@code 12 s}, {@code 3 min 4 s}, {@code 2 h 5 min}. */
  static String human(Duration duration) {
    long millis = duration.toMillis();
    if (millis < 1_000) {
      return millis + " ms";
    }
    long seconds = duration.getSeconds();
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3_600) {
      return seconds / 60 + " min " + seconds % 60 + " s";
    }
    return seconds / 3_600 + " h " + (seconds % 3_600) / 60 + " min";
  }
}
