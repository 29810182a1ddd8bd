package dev.failover.launcher.http;

import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.api.AddressFamily;
import dev.failover.launcher.config.JacksonTrees;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The JSON of {@code /api/status}, which the status page polls: the status document (the same
 * record the status file holds), the last 15 minutes of every provider's checks in 5-second
 * buckets, and the timeline of switches and state changes.
 *
 * <pre>{@code
 * {"format": 1, "now": "2026-...Z", "window_seconds": 900, "bucket_seconds": 5,
 *  "status": { ...the status file's document... },
 *  "samples": {"isp1": {"t": [epoch seconds...], "rtt_ms": [ms or null...],
 *                       "loss_percent": [...]}, ...},
 *  "ipv6_samples": { ...as samples, of the IPv6 engine's checks... },
 *  "timeline": [{"at", "kind", "provider", "from", "to", "reason", "detail", "family"}, ...]}
 * }</pre>
 *
 * <p>Samples are columns (one array per measure), in the providers' order, oldest first; the
 * timeline is oldest first. Each family is apart, as in the status document: {@code samples} are
 * the IPv4 engine's checks, as before IPv6, and {@code ipv6_samples}, there only when the status
 * document has its {@code ipv6} block (the daemon runs an IPv6 engine), the IPv6 engine's, of the
 * providers with IPv6; a chart never mixes the two paths. Each timeline entry's {@code family}
 * ({@code ipv4} or {@code ipv6}) says which engine decided it. {@code now} is the daemon's clock,
 * against which the page draws the window (the browser's clock may differ). Made anew at each
 * request, from snapshots. Thread-safe.
 */
public final class StatusPageJson implements Supplier<String> {
  /** The version of this layout; bumped when a key changes meaning or disappears. */
  public static final int FORMAT = 1;

  private final Supplier<? extends JsonNode> status;
  private final ProbeSamples samples;
  private final EventTimeline timeline;
  private final InstantSource clock;

  /**
   * @param status the status document as a JSON tree, made at each call
   * @param samples the charts' buckets
   * @param timeline the events
   * @param clock the daemon's clock
   */
  public StatusPageJson(
      Supplier<? extends JsonNode> status,
      ProbeSamples samples,
      EventTimeline timeline,
      InstantSource clock) {
    this.status = checkNotNull(status, "status");
    this.samples = checkNotNull(samples, "samples");
    this.timeline = checkNotNull(timeline, "timeline");
    this.clock = checkNotNull(clock, "clock");
  }

  /** The JSON text, compact. */
  @Override
  public String get() {
    return JacksonTrees.toCompactJson(tree());
  }

  /** The JSON tree. */
  ObjectNode tree() {
    Instant now = clock.instant();
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("format", FORMAT);
    json.put("now", now.toString());
    json.put("window_seconds", ProbeSamples.WINDOW_SECONDS);
    json.put("bucket_seconds", ProbeSamples.BUCKET_SECONDS);
    JsonNode document = status.get();
    json.set("status", document);
    putSamples(json.putObject("samples"), samples.window(now, AddressFamily.IPV4));
    if (document.has(AddressFamily.IPV6.key())) {
      putSamples(json.putObject("ipv6_samples"), samples.window(now, AddressFamily.IPV6));
    }
    ArrayNode events = json.putArray("timeline");
    for (EventTimeline.Entry entry : timeline.entries()) {
      ObjectNode event = events.addObject();
      event.put("at", entry.at().toString());
      event.put("kind", entry.kind());
      event.put("provider", entry.provider());
      event.put("from", entry.from());
      event.put("to", entry.to());
      event.put("reason", entry.reason());
      event.put("detail", entry.detail());
      event.put("family", entry.family().key());
    }
    return json;
  }

  private static void putSamples(ObjectNode series, Map<String, List<ProbeSamples.Bucket>> window) {
    for (Map.Entry<String, List<ProbeSamples.Bucket>> provider : window.entrySet()) {
      ObjectNode columns = series.putObject(provider.getKey());
      ArrayNode t = columns.putArray("t");
      ArrayNode rtt = columns.putArray("rtt_ms");
      ArrayNode loss = columns.putArray("loss_percent");
      for (ProbeSamples.Bucket bucket : provider.getValue()) {
        t.add(bucket.start().getEpochSecond());
        Duration mean = bucket.meanRtt();
        if (mean == null) {
          rtt.addNull();
        } else {
          rtt.add(Math.round(mean.toNanos() / 1e4) / 100.0); // ms, 2 decimals
        }
        loss.add(Math.round(bucket.lossPercent() * 10) / 10.0);
      }
    }
  }
}
