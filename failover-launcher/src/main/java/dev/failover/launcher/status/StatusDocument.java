package dev.failover.launcher.status;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.ProviderResolution;
import dev.failover.api.ProviderState;
import dev.failover.api.SwitchReason;
import dev.failover.api.TestResult;
import dev.failover.core.EngineStatus;
import dev.failover.core.StickyReading;
import dev.failover.launcher.config.Durations;
import dev.failover.launcher.config.JacksonTrees;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The status file's content, and its JSON layout: the one definition that the daemon writes ({@link
 * #toJson}) and that {@code failover status}, the tests and the benchmark read ({@link #parse}).
 *
 * <p>It is the engine's {@link EngineStatus} (each family's: see IPv6 below) plus what a reader
 * needs to tell a live daemon from a dead one: when the file was written, the configured check
 * interval, the daemon's process id, whether it stopped, and which sticky file the engine reads.
 * The engine's status is reused as it is rather than copied into a parallel set of records, so
 * that its validation holds for a status read back, and a component added to it does not compile
 * here until the layout says where it goes.
 *
 * <p>The layout, version {@value #FORMAT} (keys snake_case like the config's; instants ISO-8601,
 * intervals in seconds, latency in milliseconds):
 *
 * <pre>{@code
 * format, written_at, running, pid, check_interval, interval, status_at, ticks, policy,
 * main {provider, reason, detail, since}, ranking [ids], start_metric,
 * sticky {file, kind, provider, detail}, last_applied_at, last_apply_error,
 * providers [{id, state, reliable, link_usable, selectable, since, reason,
 *             recent_results [outcomes], stored_rounds, failed_rounds, loss_percent,
 *             mean_latency_ms,
 *             uplink {unconfigured, interface_name, ipv4_address, network, gateway,
 *                     rt_table_name, rt_table_id}}]
 * }</pre>
 *
 * <p>{@code uplink} says what the provider is now (issue 10): the values in force, configured or
 * learned from the interface ({@code gateway} null on a point-to-point link), or, when {@code
 * unconfigured} is not null, why it cannot be used (its values are then null). It is optional on
 * reading.
 *
 * <p><b>IPv6</b> (issue 16). A daemon with an IPv6 engine (a provider has IPv6) judges and routes
 * each family apart, so the document holds both engines' status:
 *
 * <pre>{@code
 * format, written_at, running, pid, check_interval,
 * family "ipv4", interval, ..., providers [...]     (the IPv4 engine, as above)
 * ipv6 {family "ipv6", interval, status_at, ticks, policy, main, ranking, start_metric, sticky,
 *       last_applied_at, last_apply_error,
 *       providers [{... as above, uplink {unconfigured, interface_name, ipv6_address,
 *                                         ipv6_prefix, ipv6_gateway, rt_table_name,
 *                                         rt_table_id}}]}
 * }</pre>
 *
 * <p>The top level stays the IPv4 engine's, so that a script written before IPv6 ({@code
 * .main.provider}, {@code .providers[].selectable}) keeps reading what it always read, the IPv4
 * default route, rather than whichever family came first; and a document without IPv6 is exactly
 * the document of before, without {@code family} or {@code ipv6}: a reader that compares or keeps
 * copies sees no change. The IPv6 engine's status is an object of the same keys under {@code
 * ipv6} (the keys of the daemon, such as {@code pid}, only at the top), there only when the IPv6
 * engine runs, so that {@code .ipv6 == null} tells a script that the daemon routes no IPv6 at all,
 * which is not the same as an IPv6 without a main provider ({@code .ipv6.main.provider == null}).
 * Beside it, each block names its family ({@code family}: {@code ipv4}, {@code ipv6}: the config's
 * keys), so that a block taken out of the document still says what it is about. The IPv6 block
 * lists the providers that have IPv6 only, and its {@code uplink} keys are the config's IPv6 keys,
 * so that no value is shown under another family's name. Its sticky file is the daemon's one (the
 * same for both), its sticky reading that of the IPv6 engine (a sticky provider without IPv6 is
 * ignored there).
 *
 * <p>Every key is required; those that may be {@code null} are the nullable components of {@link
 * EngineStatus}. {@code reliable} is {@link EngineStatus.ProviderReport#eligible()}, and {@code
 * selectable} is written for scripts, and checked on reading, as {@code reliable} and {@code
 * link_usable}. The reader ignores keys it does not know, so that a key can be added without a new
 * format; {@link #FORMAT} goes up when a key changes meaning or disappears, and a file of a newer
 * format is refused rather than half understood. It works on Jackson trees through {@link
 * JacksonTrees}, not an {@code ObjectMapper}, which would stay in the daemon's memory
 * (docs/benchmarks.md).
 *
 * @param writtenAt when the file was written
 * @param running false for the last write of a daemon that stopped cleanly
 * @param pid the daemon's process id
 * @param checkInterval the configured {@code check_interval}, by which a reader tells staleness
 * @param stickyFile the sticky file the engine reads, for the reader's information
 * @param engine what the IPv4 engine knows
 * @param ipv6 what the IPv6 engine knows; empty when the daemon runs none (no provider has IPv6)
 */
public record StatusDocument(
    Instant writtenAt,
    boolean running,
    long pid,
    Duration checkInterval,
    Path stickyFile,
    EngineStatus engine,
    Optional<EngineStatus> ipv6) {
  /** The version of the JSON layout; bumped when a key changes meaning or disappears. */
  public static final int FORMAT = 1;

  /**
   * @throws IllegalArgumentException if {@code pid} or {@code checkInterval} is not positive
   */
  public StatusDocument {
    checkNotNull(writtenAt, "writtenAt");
    checkArgument(pid > 0, "pid must be > 0, was %s", pid);
    checkNotNull(checkInterval, "checkInterval");
    checkArgument(
        checkInterval.compareTo(Duration.ZERO) > 0,
        "checkInterval must be > 0, was %s",
        checkInterval);
    checkNotNull(stickyFile, "stickyFile");
    checkNotNull(engine, "engine");
    checkNotNull(ipv6, "ipv6");
  }

  /** The document of a daemon that runs the IPv4 engine only, as every daemon did before IPv6. */
  public StatusDocument(
      Instant writtenAt,
      boolean running,
      long pid,
      Duration checkInterval,
      Path stickyFile,
      EngineStatus engine) {
    this(writtenAt, running, pid, checkInterval, stickyFile, engine, Optional.empty());
  }

  /** The document that this process, a daemon, writes about {@code engine}, its only engine. */
  public static StatusDocument of(
      EngineStatus engine,
      Duration checkInterval,
      Path stickyFile,
      boolean running,
      Instant writtenAt) {
    return of(engine, Optional.empty(), checkInterval, stickyFile, running, writtenAt);
  }

  /**
   * The document that this process, a daemon, writes about its IPv4 engine {@code engine} and its
   * IPv6 engine {@code ipv6}, if it runs one.
   */
  public static StatusDocument of(
      EngineStatus engine,
      Optional<EngineStatus> ipv6,
      Duration checkInterval,
      Path stickyFile,
      boolean running,
      Instant writtenAt) {
    return new StatusDocument(
        writtenAt, running, ProcessHandle.current().pid(), checkInterval, stickyFile, engine, ipv6);
  }

  /**
   * The status of {@code family}'s engine: always there for IPv4, empty for IPv6 when the daemon
   * runs no IPv6 engine (no provider has IPv6).
   */
  public Optional<EngineStatus> engine(AddressFamily family) {
    return checkNotNull(family, "family") == AddressFamily.IPV4 ? Optional.of(engine) : ipv6;
  }

  /** The indented JSON text of the document, as the status file holds it. */
  public String toJson() {
    return JacksonTrees.toJson(toTree());
  }

  /** The document as a JSON tree, for a reader that adds keys to it ({@code status --json}). */
  public ObjectNode toTree() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("format", FORMAT);
    json.put("written_at", writtenAt.toString());
    json.put("running", running);
    json.put("pid", pid);
    json.put("check_interval", seconds(checkInterval));
    // The family is said only beside an "ipv6" block, so that an IPv4-only document stays exactly
    // what it was before IPv6 (its readers compare it, and some keep a copy).
    putEngine(json, engine, ipv6.isPresent() ? AddressFamily.IPV4 : null);
    ipv6.ifPresent(
        six -> putEngine(json.putObject(AddressFamily.IPV6.key()), six, AddressFamily.IPV6));
    return json;
  }

  /**
   * Writes the keys of one engine's status into {@code json}: the top level for the IPv4 engine,
   * the {@code ipv6} object for the IPv6 one; with the {@code family} key unless {@code family} is
   * null (an IPv4-only document).
   */
  private void putEngine(ObjectNode json, EngineStatus status, @Nullable AddressFamily family) {
    if (family != null) {
      json.put("family", family.key());
    }
    AddressFamily uplinkFamily = family == null ? AddressFamily.IPV4 : family;
    // The interval in force: faster than check_interval while a provider is in doubt, under a
    // loss test or silent (EngineState.interval).
    json.put("interval", seconds(status.interval()));
    json.put("status_at", status.at().toString());
    json.put("ticks", status.ticks());
    json.put("policy", status.policy());
    ObjectNode main = json.putObject("main");
    main.put("provider", status.mainProviderId());
    main.put("reason", status.mainReason() == null ? null : status.mainReason().name());
    main.put("detail", status.mainDetail());
    putInstant(main, "since", status.mainSince());
    ArrayNode ranking = json.putArray("ranking");
    status.ranking().forEach(ranking::add);
    json.put("start_metric", status.startMetric());
    ObjectNode sticky = json.putObject("sticky");
    StickyReading reading = status.sticky();
    sticky.put("file", stickyFile.toString());
    sticky.put("kind", reading.kind().name());
    sticky.put("provider", reading.providerId());
    sticky.put("detail", reading.detail());
    putInstant(json, "last_applied_at", status.lastAppliedAt());
    json.put("last_apply_error", status.lastApplyError());
    ArrayNode providers = json.putArray("providers");
    for (EngineStatus.ProviderReport report : status.providers()) {
      ObjectNode p = providers.addObject();
      p.put("id", report.id());
      p.put("state", report.state().name());
      p.put("reliable", report.eligible());
      p.put("link_usable", report.linkUsable());
      p.put("selectable", report.selectable());
      putInstant(p, "since", report.since());
      p.put("reason", report.reason());
      ArrayNode recent = p.putArray("recent_results");
      report.recentOutcomes().forEach(outcome -> recent.add(outcome.name()));
      p.put("stored_rounds", report.storedRounds());
      p.put("failed_rounds", report.failedRounds());
      p.put("loss_percent", report.lossPercent());
      if (report.meanLatency() == null) {
        p.putNull("mean_latency_ms");
      } else {
        p.put("mean_latency_ms", report.meanLatency().toNanos() / 1e6);
      }
      if (report.resolution() != null) {
        putUplink(p.putObject("uplink"), report.resolution(), uplinkFamily);
      }
    }
  }

  /**
   * The uplink object of a provider in {@code family}: its keys are the config's keys of that
   * family ({@code ipv4_address}, {@code network}, {@code gateway}; {@code ipv6_address}, {@code
   * ipv6_prefix}, {@code ipv6_gateway}), so that an operator finds in each family's block the
   * values they configured or that were learned for it.
   */
  private static void putUplink(
      ObjectNode uplink, ProviderResolution resolution, AddressFamily family) {
    @Nullable Provider p = resolution.provider();
    uplink.put("unconfigured", p == null ? resolution.reason() : null);
    uplink.put("interface_name", p == null ? null : p.interfaceName());
    if (family == AddressFamily.IPV4) {
      uplink.put("ipv4_address", p == null ? null : p.ipv4Address().getHostAddress());
      uplink.put("network", p == null ? null : p.network().toString());
      uplink.put(
          "gateway", p == null || p.gateway() == null ? null : p.gateway().getHostAddress());
    } else {
      uplink.put("ipv6_address", p == null ? null : text(p.address(family)));
      uplink.put("ipv6_prefix", p == null ? null : p.networkText(family).orElse(null));
      uplink.put("ipv6_gateway", p == null ? null : text(p.gateway(family)));
    }
    uplink.put("rt_table_name", p == null ? null : p.rtTableName());
    if (p == null) {
      uplink.putNull("rt_table_id");
    } else {
      uplink.put("rt_table_id", p.rtTableId());
    }
  }

  private static @Nullable String text(Optional<InetAddress> address) {
    return address.map(AddressFamily::text).orElse(null);
  }

  private static @Nullable ProviderResolution readUplink(
      Fields p, String id, AddressFamily family) throws IOException {
    if (!p.has("uplink")) {
      return null;
    }
    Fields uplink = p.object("uplink");
    @Nullable String unconfigured = uplink.nullableText("unconfigured");
    if (unconfigured != null) {
      return ProviderResolution.unconfigured(id, family, unconfigured);
    }
    if (family == AddressFamily.IPV4) {
      @Nullable String gateway = uplink.nullableText("gateway");
      return ProviderResolution.resolved(
          Provider.of(
              id,
              uplink.text("interface_name"),
              uplink.text("ipv4_address"),
              uplink.text("network"),
              gateway,
              uplink.text("rt_table_name"),
              uplink.intValue("rt_table_id")));
    }
    // IPv6 only, as the IPv4 block gives the provider's IPv4.
    @Nullable String gateway = uplink.nullableText("ipv6_gateway");
    Provider provider =
        Provider.of(
                id,
                uplink.text("interface_name"),
                null,
                null,
                null,
                uplink.text("rt_table_name"),
                uplink.intValue("rt_table_id"))
            .withIpv6(
                Ipv6.parse(uplink.text("ipv6_address")),
                Ipv6Network.parse(uplink.text("ipv6_prefix")),
                gateway == null ? null : Ipv6.parse(gateway))
            .withoutIpv4();
    return ProviderResolution.resolved(provider, family);
  }

  /**
   * Reads a document from the JSON text of the status file {@code file}.
   *
   * @param json the file's text
   * @param file where the text comes from, named in every error
   * @throws IOException if the text is not JSON, is of another format, or lacks a key or has one of
   *     the wrong type or value; the message names the file and the key, such as {@code status file
   *     /run/failover/status.json: key 'providers[1].link_usable' is missing}
   */
  public static StatusDocument parse(String json, Path file) throws IOException {
    checkNotNull(json, "json");
    checkNotNull(file, "file");
    ObjectNode tree;
    try {
      tree = JacksonTrees.readJsonObject(json);
    } catch (JacksonException e) {
      throw new IOException("status file " + file + " is not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IOException(
          "status file " + file + " does not hold a JSON object: " + e.getMessage(), e);
    }
    Fields root = new Fields(file, tree, "");
    int format = root.intValue("format");
    if (format > FORMAT) {
      throw new IOException(
          String.format(
              Locale.ROOT,
              "status file %s has format %d, written by a newer failover; this failover reads"
                  + " format %d (run the same version as the daemon)",
              file,
              format,
              FORMAT));
    }
    if (format != FORMAT) {
      throw new IOException(
          String.format(
              Locale.ROOT,
              "status file %s has format %d, which no failover writes; this one reads format %d",
              file,
              format,
              FORMAT));
    }
    try {
      return read(root, file);
    } catch (IllegalArgumentException e) {
      // The values are of the right types but break a rule of EngineStatus or of this record.
      throw new IOException("status file " + file + " is inconsistent: " + e.getMessage(), e);
    }
  }

  private static StatusDocument read(Fields root, Path file) throws IOException {
    Optional<EngineStatus> ipv6 = Optional.empty();
    String ipv6Key = AddressFamily.IPV6.key();
    if (root.has(ipv6Key)) {
      Fields six = root.object(ipv6Key);
      six.family(AddressFamily.IPV6);
      ipv6 = Optional.of(readEngine(six, AddressFamily.IPV6));
    }
    if (root.has("family")) {
      root.family(AddressFamily.IPV4);
    }
    return new StatusDocument(
        root.instant("written_at"),
        root.bool("running"),
        root.longValue("pid"),
        root.seconds("check_interval"),
        Path.of(root.object("sticky").text("file")),
        readEngine(root, AddressFamily.IPV4),
        ipv6);
  }

  /** The keys of one engine's status: the top level's (IPv4) or the {@code ipv6} object's. */
  private static EngineStatus readEngine(Fields root, AddressFamily family) throws IOException {
    Fields main = root.object("main");
    Fields sticky = root.object("sticky");
    List<EngineStatus.ProviderReport> providers = new ArrayList<>();
    for (Fields p : root.objects("providers")) {
      EngineStatus.ProviderReport report =
          new EngineStatus.ProviderReport(
              p.text("id"),
              p.enumValue("state", ProviderState.class),
              p.instant("since"),
              p.text("reason"),
              p.bool("reliable"),
              p.bool("link_usable"),
              p.enumValues("recent_results", TestResult.Outcome.class),
              p.intValue("stored_rounds"),
              p.intValue("failed_rounds"),
              p.number("loss_percent"),
              p.nullableMillis("mean_latency_ms"),
              readUplink(p, p.text("id"), family));
      boolean selectable = p.bool("selectable");
      if (selectable != report.selectable()) {
        throw p.error(
            "selectable",
            "is " + selectable + ", but reliable and link_usable make it " + report.selectable());
      }
      providers.add(report);
    }
    return new EngineStatus(
        root.instant("status_at"),
        root.longValue("ticks"),
        root.text("policy"),
        root.seconds("interval"),
        main.nullableText("provider"),
        main.nullableEnum("reason", SwitchReason.class),
        main.text("detail"),
        main.nullableInstant("since"),
        root.texts("ranking"),
        root.intValue("start_metric"),
        new StickyReading(
            sticky.enumValue("kind", StickyReading.Kind.class),
            sticky.nullableText("provider"),
            sticky.text("detail")),
        root.nullableInstant("last_applied_at"),
        root.nullableText("last_apply_error"),
        providers);
  }

  /** {@code value} in seconds, as the exact decimal that {@link Durations#seconds} writes. */
  private static double seconds(Duration value) {
    return Double.parseDouble(Durations.seconds(value));
  }

  private static void putInstant(ObjectNode node, String key, @Nullable Instant value) {
    if (value == null) {
      node.putNull(key);
    } else {
      node.put(key, value.toString());
    }
  }

  /**
   * The keys of one JSON object of the file, read with their types checked; every error names the
   * file and the key's path from the top, such as {@code providers[1].state}.
   */
  private static final class Fields {
    private final Path file;
    private final ObjectNode node;
    private final String path;

    Fields(Path file, ObjectNode node, String path) {
      this.file = file;
      this.node = node;
      this.path = path;
    }

    IOException error(String key, String problem) {
      return new IOException("status file " + file + ": key '" + path + key + "' " + problem);
    }

    private JsonNode get(String key) throws IOException {
      JsonNode value = node.get(key);
      if (value == null) {
        throw error(key, "is missing");
      }
      return value;
    }

    private IOException mistyped(String key, String wanted, JsonNode value) {
      String actual =
          value.isContainerNode()
              ? (value.isObject() ? "an object" : "an array")
              : JacksonTrees.toJson(value);
      return error(key, "must be " + wanted + " but is " + actual);
    }

    Fields object(String key) throws IOException {
      JsonNode value = get(key);
      if (!value.isObject()) {
        throw mistyped(key, "an object", value);
      }
      return new Fields(file, (ObjectNode) value, path + key + ".");
    }

    List<Fields> objects(String key) throws IOException {
      JsonNode value = get(key);
      if (!value.isArray()) {
        throw mistyped(key, "an array of objects", value);
      }
      List<Fields> objects = new ArrayList<>();
      for (int i = 0; i < value.size(); i++) {
        JsonNode element = value.get(i);
        if (!element.isObject()) {
          throw mistyped(key + "[" + i + "]", "an object", element);
        }
        objects.add(new Fields(file, (ObjectNode) element, path + key + "[" + i + "]."));
      }
      return objects;
    }

    List<String> texts(String key) throws IOException {
      JsonNode value = get(key);
      if (!value.isArray()) {
        throw mistyped(key, "an array of strings", value);
      }
      List<String> texts = new ArrayList<>();
      for (int i = 0; i < value.size(); i++) {
        JsonNode element = value.get(i);
        if (!element.isTextual()) {
          throw mistyped(key + "[" + i + "]", "a string", element);
        }
        texts.add(element.textValue());
      }
      return texts;
    }

    String text(String key) throws IOException {
      JsonNode value = get(key);
      if (!value.isTextual()) {
        throw mistyped(key, "a string", value);
      }
      return value.textValue();
    }

    boolean has(String key) {
      return node.has(key);
    }

    /** Checks that the {@code family} key names {@code expected}. */
    void family(AddressFamily expected) throws IOException {
      String family = text("family");
      if (!family.equals(expected.key())) {
        throw error("family", "must be \"" + expected.key() + "\" but is \"" + family + "\"");
      }
    }

    @Nullable String nullableText(String key) throws IOException {
      return get(key).isNull() ? null : text(key);
    }

    boolean bool(String key) throws IOException {
      JsonNode value = get(key);
      if (!value.isBoolean()) {
        throw mistyped(key, "true or false", value);
      }
      return value.booleanValue();
    }

    long longValue(String key) throws IOException {
      JsonNode value = get(key);
      if (!value.isIntegralNumber() || !value.canConvertToLong()) {
        throw mistyped(key, "a whole number", value);
      }
      return value.longValue();
    }

    int intValue(String key) throws IOException {
      JsonNode value = get(key);
      if (!value.isIntegralNumber() || !value.canConvertToInt()) {
        throw mistyped(key, "a whole number", value);
      }
      return value.intValue();
    }

    double number(String key) throws IOException {
      JsonNode value = get(key);
      if (!value.isNumber()) {
        throw mistyped(key, "a number", value);
      }
      return value.doubleValue();
    }

    /** A number of seconds, exactly as written (0.2 is 200 ms, not 0.2 in binary). */
    Duration seconds(String key) throws IOException {
      number(key);
      return ofDecimal(key, get(key).decimalValue(), 9);
    }

    /** A number of milliseconds or null, exactly as written. */
    @Nullable Duration nullableMillis(String key) throws IOException {
      if (get(key).isNull()) {
        return null;
      }
      number(key);
      return ofDecimal(key, get(key).decimalValue(), 6);
    }

    private Duration ofDecimal(String key, BigDecimal value, int nanoDigits) throws IOException {
      try {
        return Duration.ofNanos(
            value.movePointRight(nanoDigits).setScale(0, RoundingMode.HALF_UP).longValueExact());
      } catch (ArithmeticException e) {
        throw error(key, "is out of range: " + value.toPlainString());
      }
    }

    Instant instant(String key) throws IOException {
      String text = text(key);
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw error(key, "must be an instant such as 2026-01-01T10:00:00Z but is \"" + text + "\"");
      }
    }

    @Nullable Instant nullableInstant(String key) throws IOException {
      return get(key).isNull() ? null : instant(key);
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type) throws IOException {
      return toEnum(key, text(key), type);
    }

    <E extends Enum<E>> @Nullable E nullableEnum(String key, Class<E> type) throws IOException {
      return get(key).isNull() ? null : enumValue(key, type);
    }

    <E extends Enum<E>> List<E> enumValues(String key, Class<E> type) throws IOException {
      List<String> texts = texts(key);
      List<E> values = new ArrayList<>();
      for (int i = 0; i < texts.size(); i++) {
        values.add(toEnum(key + "[" + i + "]", texts.get(i), type));
      }
      return values;
    }

    private <E extends Enum<E>> E toEnum(String key, String text, Class<E> type)
        throws IOException {
      for (E constant : type.getEnumConstants()) {
        if (constant.name().equals(text)) {
          return constant;
        }
      }
      throw error(
          key,
          "must be one of "
              + Arrays.stream(type.getEnumConstants()).map(Enum::name).toList()
              + " but is \""
              + text
              + "\"");
    }
  }
}
