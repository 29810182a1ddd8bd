package dev.failover.launcher.demo;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.launcher.config.JacksonTrees;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a demo run measured: for each fault, how long the main route took to leave the broken
 * uplink and to come back after the repair, what the LAN client lost, and how many instants the
 * router had no default route; then how the daemon stopped.
 *
 * <p>Times are measured from the instant before the command that makes the fault (or the repair)
 * to the {@code ip monitor} timestamp of the main route's move. An empty time means the move did
 * not happen within the demo's limit. {@link #table()} is for people, {@link #toJson()} for scripts
 * and tests; both say the same.
 *
 * @param pace {@code "default"} (the shipped settings) or {@code "fast"} (a shorter dwell)
 * @param failbackDwell the {@code failback_dwell} the daemon ran with
 * @param faults one per fault, in the order they were made
 * @param instantsWithoutDefaultRoute how often the router had no default route at all, from the
 *     daemon's first route to its stop
 * @param daemonExitCode the daemon's exit code after SIGTERM (143 = 128 + 15: stopped by the
 *     signal, a clean stop for systemd), or empty if it had to be killed
 * @param daemonStop how long the daemon took to exit after SIGTERM, if it did
 */
public record DemoSummary(
    String pace,
    Duration failbackDwell,
    List<Fault> faults,
    int instantsWithoutDefaultRoute,
    Optional<Integer> daemonExitCode,
    Optional<Duration> daemonStop) {

  /** The exit code of a JVM stopped by SIGTERM, which the systemd unit counts as success. */
  public static final int SIGTERM_EXIT_CODE = 143;

  /**
   * One fault and its repair.
   *
   * @param id a short name for scripts, such as {@code blackhole-isp1}
   * @param title what was broken, in words
   * @param from the provider that was main before the fault
   * @param expectedTo the provider the main route should move to
   * @param movedTo the provider the main route moved to, if it moved within the limit
   * @param failover from the fault to the main route's move
   * @param failback from the repair to the main route's move back to {@code from}
   * @param lanSent echoes the LAN client sent from the fault until a second after the move
   * @param lanLost how many of those got no answer
   * @param lanSilence how long the LAN client heard no reply in that stretch
   * @param lanLostAtFailback echoes lost from the repair until a second after the move back
   * @param instantsWithoutDefaultRoute how often the router had no default route from the fault
   *     until a second after the move back
   */
  public record Fault(
      String id,
      String title,
      String from,
      String expectedTo,
      Optional<String> movedTo,
      Optional<Duration> failover,
      Optional<Duration> failback,
      long lanSent,
      long lanLost,
      Duration lanSilence,
      long lanLostAtFailback,
      int instantsWithoutDefaultRoute) {
    /**
     * @throws IllegalArgumentException if a count is negative
     */
    public Fault {
      checkNotNull(id, "id");
      checkNotNull(title, "title");
      checkNotNull(from, "from");
      checkNotNull(expectedTo, "expectedTo");
      checkNotNull(movedTo, "movedTo");
      checkNotNull(failover, "failover");
      checkNotNull(failback, "failback");
      checkArgument(lanSent >= 0 && lanLost >= 0 && lanLostAtFailback >= 0,
          "LAN counts must be >= 0, were %s, %s, %s", lanSent, lanLost, lanLostAtFailback);
      checkNotNull(lanSilence, "lanSilence");
      checkArgument(instantsWithoutDefaultRoute >= 0,
          "instantsWithoutDefaultRoute must be >= 0, was %s", instantsWithoutDefaultRoute);
    }

    /** Whether the main route moved where expected and came back. */
    public boolean asExpected() {
      return movedTo.equals(Optional.of(expectedTo)) && failback.isPresent();
    }
  }

  /**
   * @throws IllegalArgumentException if {@code instantsWithoutDefaultRoute} is negative
   */
  public DemoSummary {
    checkNotNull(pace, "pace");
    checkNotNull(failbackDwell, "failbackDwell");
    faults = List.copyOf(checkNotNull(faults, "faults"));
    checkArgument(instantsWithoutDefaultRoute >= 0,
        "instantsWithoutDefaultRoute must be >= 0, was %s", instantsWithoutDefaultRoute);
    checkNotNull(daemonExitCode, "daemonExitCode");
    checkNotNull(daemonStop, "daemonStop");
  }

  /**
   * Whether everything went as the demo said it would: every fault moved the main route where
   * expected and back, the router always had a default route, and the daemon stopped cleanly.
   */
  public boolean ok() {
    return faults.stream().allMatch(Fault::asExpected)
        && instantsWithoutDefaultRoute == 0
        && daemonExitCode.equals(Optional.of(SIGTERM_EXIT_CODE));
  }

  /** The summary as a table, for people. */
  public List<String> table() {
    List<List<String>> rows = new ArrayList<>();
    rows.add(
        List.of(
            "fault",
            "main route",
            "failover",
            "failback",
            "LAN lost at failover",
            "no default route"));
    for (Fault f : faults) {
      rows.add(
          List.of(
              f.title(),
              f.from() + " -> " + f.movedTo().orElse("?"),
              f.failover().map(ForPeople::duration).orElse("none"),
              f.failback().map(ForPeople::duration).orElse("none"),
              f.lanLost()
                  + " of "
                  + f.lanSent()
                  + " echoes ("
                  + ForPeople.duration(f.lanSilence())
                  + ")",
              Integer.toString(f.instantsWithoutDefaultRoute())));
    }
    int[] widths = new int[rows.get(0).size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder(" ");
      for (int i = 0; i < row.size(); i++) {
        line.append(' ').append(row.get(i)).append(" ".repeat(widths[i] - row.get(i).length()));
        line.append(' ');
      }
      lines.add(line.toString().stripTrailing());
    }
    long lostAtFailback = faults.stream().mapToLong(Fault::lanLostAtFailback).sum();
    lines.add(
        String.format(
            Locale.ROOT,
            "  LAN echoes lost at the failbacks: %d; instants without a default route, whole run:"
                + " %d",
            lostAtFailback,
            instantsWithoutDefaultRoute));
    return lines;
  }

  /** The summary as indented JSON, for scripts and tests; absent values are {@code null}. */
  public String toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("pace", pace);
    json.put("failback_dwell_seconds", seconds(failbackDwell));
    ArrayNode list = json.putArray("faults");
    for (Fault f : faults) {
      ObjectNode o = list.addObject();
      o.put("id", f.id());
      o.put("title", f.title());
      o.put("from", f.from());
      o.put("expected_to", f.expectedTo());
      o.put("moved_to", f.movedTo().orElse(null));
      putSeconds(o, "failover_seconds", f.failover());
      putSeconds(o, "failback_seconds", f.failback());
      o.put("lan_sent", f.lanSent());
      o.put("lan_lost", f.lanLost());
      o.put("lan_silence_seconds", seconds(f.lanSilence()));
      o.put("lan_lost_at_failback", f.lanLostAtFailback());
      o.put("instants_without_default_route", f.instantsWithoutDefaultRoute());
      o.put("as_expected", f.asExpected());
    }
    json.put("instants_without_default_route", instantsWithoutDefaultRoute);
    if (daemonExitCode.isPresent()) {
      json.put("daemon_exit_code", daemonExitCode.get());
    } else {
      json.putNull("daemon_exit_code");
    }
    putSeconds(json, "daemon_stop_seconds", daemonStop);
    json.put("ok", ok());
    return JacksonTrees.toJson(json);
  }

  private static void putSeconds(ObjectNode node, String key, Optional<Duration> value) {
    if (value.isPresent()) {
      node.put(key, seconds(value.get()));
    } else {
      node.putNull(key);
    }
  }

  /** Seconds with millisecond precision: the JSON is for scripts, not for a nanosecond clock. */
  private static double seconds(Duration duration) {
    return Math.round(duration.toNanos() / 1e6) / 1e3;
  }
}
