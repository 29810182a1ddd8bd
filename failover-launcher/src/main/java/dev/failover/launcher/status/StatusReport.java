package dev.failover.launcher.status;

import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.TestResult;
import dev.failover.core.EngineStatus;
import dev.failover.core.StickyReading;
import dev.failover.launcher.config.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a {@link StatusDocument} for an operator: whether it is fresh, and a text rendering of the
 * interval in force, the main provider and why, the routes, the sticky state and each provider's
 * verdict, link, recent results, loss and latency.
 *
 * <p>A status is <em>stale</em> when it is older than two check intervals plus {@value
 * #STALE_SLACK_SECONDS} seconds: the daemon writes it after every tick, and a tick starts every
 * check interval, so a live daemon is never that late; a stale file means the daemon died, hangs or
 * was killed without its last write. A file written by a daemon that stopped cleanly says so. Pure
 * functions of the document and the time given; thread-safe.
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
  public static Freshness freshness(StatusDocument status, Instant now) {
    if (!status.running()) {
      return Freshness.STOPPED;
    }
    return age(status, now).compareTo(staleAfter(status)) > 0 ? Freshness.STALE : Freshness.FRESH;
  }

  /** How long ago {@code status} was written; a file from the future counts as new. */
  static Duration age(StatusDocument status, Instant now) {
    return ago(status.writtenAt(), now);
  }

  /** The age beyond which {@code status} is stale. */
  static Duration staleAfter(StatusDocument status) {
    return status.checkInterval().multipliedBy(2).plusSeconds(STALE_SLACK_SECONDS);
  }

  /** {@code status} as JSON with {@code freshness} and {@code age_seconds} added, for --json. */
  public static ObjectNode annotate(StatusDocument status, Instant now) {
    ObjectNode json = status.toTree();
    json.put("freshness", freshness(status, now).name());
    Duration age = age(status, now);
    json.put("age_seconds", age.getSeconds() + age.getNano() / 1_000_000 / 1000.0);
    return json;
  }

  /**
   * The text rendering of {@code document} at {@code now}, lines separated by '\n'.
   *
   * <p>A daemon with an IPv6 engine gets each family's lines (interval, main provider, default
   * routes, sticky state, last apply) once per family, each starting with the family ({@code IPv4
   * main provider: ...}), and a table with a {@code FAMILY} column holding each provider's verdict
   * per family, a provider's families next to each other: both verdicts of an uplink read
   * together, which is what an operator looks for when one family fails and the other does not. An
   * IPv4-only daemon's rendering has no family anywhere, as before IPv6.
   */
  public static String render(StatusDocument document, Instant now) {
    checkNotNull(document, "document");
    EngineStatus status = document.engine();
    boolean dualStack = document.ipv6().isPresent();
    StringBuilder out = new StringBuilder();
    Freshness freshness = freshness(document, now);
    out.append(
        String.format(
            Locale.ROOT,
            "failover status, written %s ago by pid %d (policy %s, %d ticks)%n",
            human(age(document, now)),
            document.pid(),
            status.policy(),
            status.ticks()));
    if (!dualStack) {
      out.append(interval(document, status, ""));
    } else {
      for (AddressFamily family : AddressFamily.values()) {
        out.append(interval(document, document.engine(family).orElseThrow(), family + " "));
      }
    }
    if (freshness == Freshness.STALE) {
      out.append(
          String.format(
              Locale.ROOT,
              "WARNING: this status is STALE: older than %s; the daemon is not running or is stuck"
                  + " (see journalctl -u failover)%n",
              human(staleAfter(document))));
    } else if (freshness == Freshness.STOPPED) {
      out.append(
          "NOTE: the daemon has stopped; this is its last status (routes were left in place)\n");
    }
    if (!dualStack) {
      familyLines(out, document, status, "", now);
    } else {
      for (AddressFamily family : AddressFamily.values()) {
        familyLines(out, document, document.engine(family).orElseThrow(), family + " ", now);
      }
    }
    out.append('\n');
    String row =
        dualStack
            ? "%-16s %-6s %-8s %-5s %-17s %-32s %7s %10s  %s%n"
            : "%-16s %-8s %-5s %-17s %-32s %7s %10s  %s%n";
    String indent = dualStack ? "%-23s   %s%n" : "%-16s   %s%n";
    List<String> heads =
        new ArrayList<>(
            List.of(
                "PROVIDER",
                "RELIABLE",
                "LINK",
                "STATE",
                "SINCE",
                "LOSS",
                "LATENCY",
                "RECENT (old->new: + ok, - failed, x timeout)"));
    if (dualStack) {
      heads.add(1, "FAMILY");
    }
    out.append(String.format(Locale.ROOT, row, heads.toArray()));
    for (FamilyReport each : byProvider(document)) {
      EngineStatus.ProviderReport p = each.report();
      Duration latency = p.meanLatency();
      List<Object> cells =
          new ArrayList<>(
              List.of(
                  p.id(),
                  p.eligible() ? "yes" : "no",
                  p.linkUsable() ? "up" : "DOWN",
                  p.state().name(),
                  shortTime(p.since(), now),
                  String.format(Locale.ROOT, "%.1f%%", p.lossPercent()),
                  latency == null
                      ? "-"
                      : String.format(Locale.ROOT, "%.1f ms", latency.toNanos() / 1e6),
                  recent(p.recentOutcomes())));
      if (dualStack) {
        cells.add(1, each.family().toString());
      }
      out.append(String.format(Locale.ROOT, row, cells.toArray()));
      out.append(String.format(Locale.ROOT, indent, "", p.reason()));
      if (p.resolution() != null) {
        out.append(String.format(Locale.ROOT, indent, "", uplink(p.resolution())));
      }
    }
    return out.toString();
  }

  /** One provider's verdict in one family. */
  private record FamilyReport(AddressFamily family, EngineStatus.ProviderReport report) {}

  /**
   * Every provider's verdicts, in the IPv4 engine's order (then the IPv6-only providers, in the
   * IPv6 engine's), each provider's families together, IPv4 first.
   */
  private static List<FamilyReport> byProvider(StatusDocument document) {
    Map<String, List<FamilyReport>> rows = new LinkedHashMap<>();
    for (AddressFamily family : AddressFamily.values()) {
      document
          .engine(family)
          .ifPresent(
              status -> {
                for (EngineStatus.ProviderReport report : status.providers()) {
                  rows.computeIfAbsent(report.id(), id -> new ArrayList<>())
                      .add(new FamilyReport(family, report));
                }
              });
    }
    return rows.values().stream().flatMap(List::stream).toList();
  }

  /**
   * The lines of one engine: its main provider, default routes, sticky state and last apply, each
   * starting with {@code label} ({@code "IPv6 "}, or nothing for an IPv4-only daemon).
   */
  private static void familyLines(
      StringBuilder out, StatusDocument document, EngineStatus status, String label, Instant now) {
    if (status.mainProviderId() != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "%smain provider: %s since %s (%s: %s)%n",
              label,
              status.mainProviderId(),
              shortTime(status.mainSince(), now),
              status.mainReason() == null ? "-" : status.mainReason().name(),
              status.mainDetail()));
    } else {
      out.append(label).append("main provider: none yet (no decision made yet)\n");
    }
    List<String> routes = new ArrayList<>();
    int metric = status.startMetric();
    for (String id : status.ranking()) {
      routes.add(id + " metric " + metric++);
    }
    out.append(label)
        .append("default routes: ")
        .append(routes.isEmpty() ? "none applied yet" : String.join(", ", routes))
        .append('\n');
    StickyReading sticky = status.sticky();
    out.append(
        String.format(
            Locale.ROOT,
            "%ssticky: %s (%s) [file %s]%n",
            label,
            stickyWord(sticky),
            sticky.detail(),
            document.stickyFile()));
    if (status.lastApplyError() != null) {
      out.append(label).append("last apply FAILED: ").append(status.lastApplyError()).append('\n');
    } else if (status.lastAppliedAt() != null) {
      out.append(label)
          .append("last apply: ok at ")
          .append(shortTime(status.lastAppliedAt(), now))
          .append('\n');
    }
  }

  /**
   * What a provider is now in the resolution's family: {@code "uplink 192.168.7.10/24 on wan2 via
   * 192.168.7.1"}, {@code "uplink 2001:db8:7::10/64 on wan2 via fe80::1"}.
   */
  public static String uplink(ProviderResolution resolution) {
    Provider p = resolution.provider();
    if (p == null) {
      return "UNCONFIGURED: " + resolution.reason();
    }
    if (resolution.family() == AddressFamily.IPV6) {
      String prefix = p.networkText(AddressFamily.IPV6).orElse("");
      return "uplink "
          + p.address(AddressFamily.IPV6).map(AddressFamily::text).orElse("-")
          + prefix.substring(prefix.indexOf('/'))
          + " on "
          + p.interfaceName()
          + p.gateway(AddressFamily.IPV6)
              .map(gateway -> " via " + AddressFamily.text(gateway))
              .orElse(" (no gateway)");
    }
    return "uplink "
        + p.ipv4Address().getHostAddress()
        + "/"
        + p.network().prefixLength()
        + " on "
        + p.interfaceName()
        + (p.gateway() == null
            ? " (point-to-point, no gateway)"
            : " via " + p.gateway().getHostAddress() + (p.onlink() ? " (on-link)" : ""));
  }

  /**
   * The cadence line of {@code status}, starting with {@code label}: the interval in force and
   * whether it is the fast one.
   */
  private static String interval(StatusDocument document, EngineStatus status, String label) {
    Duration interval = status.interval();
    Duration checkInterval = document.checkInterval();
    boolean fast = interval.compareTo(checkInterval) < 0;
    return String.format(
        Locale.ROOT,
        "%schecks every %s s (%s)%n",
        label,
        Durations.seconds(interval),
        fast
            ? "faster: a provider is in doubt, under a loss test or silent; check_interval is "
                + Durations.format(checkInterval)
            : "check_interval");
  }

  private static String stickyWord(StickyReading sticky) {
    switch (sticky.kind()) {
      case FORCED:
        return "provider '" + sticky.providerId() + "' forced";
      case IGNORED:
        return "file ignored";
      default:
        return "none";
    }
  }

  private static String recent(List<TestResult.Outcome> outcomes) {
    StringBuilder text = new StringBuilder();
    for (TestResult.Outcome outcome : outcomes) {
      switch (outcome) {
        case SUCCESS:
          text.append('+');
          break;
        case TIMEOUT:
          text.append('x');
          break;
        default:
          text.append('-');
      }
    }
    return text.length() == 0 ? "(none yet)" : text.toString();
  }

  private static String shortTime(@Nullable Instant at, Instant now) {
    if (at == null) {
      return "-";
    }
    return at.truncatedTo(ChronoUnit.SECONDS) + " (" + human(ago(at, now)) + " ago)";
  }

  /** The time from {@code at} to {@code now}; zero if {@code at} is in the future. */
  private static Duration ago(Instant at, Instant now) {
    Duration age = Duration.between(at, now);
    return age.isNegative() ? Duration.ZERO : age;
  }

  /** A duration for people: {@code 850 ms}, {@code 12 s}, {@code 3 min 4 s}, {@code 2 h 5 min}. */
  static String human(Duration duration) {
    long seconds = duration.getSeconds();
    if (seconds < 1) {
      // Not toMillis(): it overflows for the ages of instants far off, which a file may hold.
      return duration.getNano() / 1_000_000 + " ms";
    }
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3_600) {
      return seconds / 60 + " min " + seconds % 60 + " s";
    }
    return seconds / 3_600 + " h " + (seconds % 3_600) / 60 + " min";
  }
}
