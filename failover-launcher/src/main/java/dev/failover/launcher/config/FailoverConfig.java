package dev.failover.launcher.config;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.api.Providers;
import dev.failover.core.DampedPolicy;
import dev.failover.core.DampedPolicySettings;
import dev.failover.core.ProbeTimeouts;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The whole configuration of the daemon: the Java mirror of the original {@code config.py}, one
 * component per setting, plus the settings this rebuild adds (see {@code docs/configuration.md}).
 *
 * <p>Programs that embed failover-core may build it directly, most easily through {@link
 * #builder()}, which starts from the documented defaults. Every instance is valid: the compact
 * constructor rejects inconsistent values with an {@link IllegalArgumentException} whose message
 * names the TOML key (such as {@code probe_timeout}), the rule and the value. Immutable and
 * thread-safe.
 *
 * @param checkInterval {@code check_interval} ({@code CHECK_INTERVAL}): time between two check
 *     rounds while no provider is in doubt
 * @param startMetric {@code start_metric} ({@code START_METRIC}): metric of the main provider's
 *     default route; the others follow at {@code +1}, {@code +2}, ...
 * @param maxStoredTestResultCount {@code max_stored_test_result_count}: rounds kept per provider
 * @param maxFailedChecks {@code max_failed_checks}: the original policy calls a provider reliable
 *     only if at most this many kept rounds failed ...
 * @param minConsecutiveSucceededChecks {@code min_consecutive_succeeded_checks}: ... and more than
 *     this many of the newest rounds succeeded in a row
 * @param stickyProviderFilename {@code sticky_provider_filename}: the file that may hold the id of
 *     a provider to force as main
 * @param providers {@code providers}: the uplinks, most preferred first, with unique ids,
 *     interfaces, addresses and tables ({@link Providers})
 * @param testCases {@code test_cases}: the health checks run through every provider each round,
 *     except the providers that list their own instead ({@code providerTestCases}); may be empty
 *     only if every provider does
 * @param policy {@code policy}: the name of the reliability policy, one of {@link Policies#names()}
 * @param probeTimeout {@code probe_timeout}: how long one check may take before it counts as a
 *     timeout; at most {@code fastCheckInterval}, so a round fits in either cadence
 * @param reassertInterval {@code reassert_interval}: how often the routes are re-applied even when
 *     nothing changed, to repair drift; at least {@code checkInterval}
 * @param foreignDefaultRoutes {@code foreign_default_routes}: what to do with default routes the
 *     daemon did not install
 * @param statusFile {@code status_file}: where the daemon writes its status each round
 * @param rtTablesFile {@code rt_tables_file}: where install writes the routing-table names
 * @param pluginsDir {@code plugins_dir}: a folder whose jars may add test case types
 * @param fastCheckInterval {@code fast_check_interval}: time between two check rounds while a
 *     provider is in doubt ({@code SUSPECT}, {@code RECOVERING}, {@code INSUFFICIENT_DATA}); at
 *     most {@code checkInterval}, equal turns the fast cadence off
 * @param dampedPolicy the settings of the {@code damped} policy, one top-level key each ({@code
 *     down_consecutive_failures}, ...); checked against {@code max_stored_test_result_count} and
 *     the number of test cases when {@code policy} is {@code damped}, unused otherwise
 * @param hooksDir {@code hooks_dir}: the folder of the executables run on every event
 * @param hookTimeout {@code hook_timeout}: how long one hook may run before it is killed
 * @param httpListen {@code http_listen}: the local address of the HTTP listener ({@code /metrics},
 *     the status page), {@code HOST:PORT}; empty turns it off (see {@link #httpListenAddress()})
 * @param flowPinning {@code pin_flows}, {@code flush_flows_on_down} and {@code fwmark_mask}: flows
 *     keep the uplink they started on, and a dead uplink's flows end at once ({@link
 *     FlowPinningConfig})
 * @param keepalivedTrackFile {@code keepalived_track_file}: where the daemon writes whether this
 *     router has a usable uplink ({@code 0}) or none ({@code 1}), for keepalived's {@code
 *     track_file}; empty (the key left out) writes nothing. It follows the IPv4 engine only.
 * @param keepalivedTrackFileIpv6 {@code keepalived_track_file_ipv6}: as {@code
 *     keepalived_track_file}, for IPv6: whether this router has a usable IPv6 uplink, for the VRRP
 *     instance of the IPv6 virtual addresses; only when a provider has IPv6
 * @param probeTimeouts {@code adaptive_probe_timeout}, {@code probe_timeout_min} and {@code
 *     probe_timeout_max}: whether each probe's timeout follows the round-trip time of its target
 *     through its provider (RFC 6298), between those bounds, with late replies counted as life;
 *     {@code probe_timeout} is then the timeout before the first reply
 * @param providerTestCases {@code [[providers.test_cases]]} and {@code global_test_cases}: the test
 *     cases some providers list of their own, by provider id, in provider order; a provider not in
 *     it runs the global {@code test_cases} only ({@link #testCasesOf})
 */
public record FailoverConfig(
    Duration checkInterval,
    int startMetric,
    int maxStoredTestResultCount,
    int maxFailedChecks,
    int minConsecutiveSucceededChecks,
    Path stickyProviderFilename,
    Providers providers,
    List<TestCaseConfig> testCases,
    String policy,
    Duration probeTimeout,
    Duration reassertInterval,
    ForeignDefaultRoutes foreignDefaultRoutes,
    Path statusFile,
    Path rtTablesFile,
    Path pluginsDir,
    Duration fastCheckInterval,
    DampedPolicySettings dampedPolicy,
    Path hooksDir,
    Duration hookTimeout,
    String httpListen,
    FlowPinningConfig flowPinning,
    Optional<Path> keepalivedTrackFile,
    Optional<Path> keepalivedTrackFileIpv6,
    ProbeTimeouts probeTimeouts,
    Map<String, ProviderTestCases> providerTestCases) {

  /**
   * Half a second: with the fast cadence and the damped policy, a blackholed main provider fails
   * over in about 0.85 s (median), and two targets through two providers cost 8 small packets a
   * second. The original checked every 5 s.
   */
  public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofMillis(500);

  /**
   * The default of {@code fast_check_interval}: a provider in doubt is re-checked every 0.2 s, so
   * the damped policy's 3 failed rounds take 0.6 s, not 1.5 s (see {@link
   * #defaultFastCheckInterval} for a short {@code check_interval} or a long {@code probe_timeout}).
   */
  public static final Duration DEFAULT_FAST_CHECK_INTERVAL = Duration.ofMillis(200);

  /** As the original. */
  public static final int DEFAULT_START_METRIC = 100;

  /** As the original. */
  public static final int DEFAULT_MAX_STORED_TEST_RESULT_COUNT = 50;

  /** As the original; with a history of 50 the failed-count rule never fires. */
  public static final int DEFAULT_MAX_FAILED_CHECKS = 50;

  /** As the original: reliable needs at least 2 consecutive successful rounds. */
  public static final int DEFAULT_MIN_CONSECUTIVE_SUCCEEDED_CHECKS = 1;

  /** As the original; a relative name is resolved against the config file's folder. */
  public static final Path DEFAULT_STICKY_PROVIDER_FILENAME = Path.of("sticky.provider");

  /** As the original: one ping of 8.8.8.8. An operator should set targets of their own. */
  public static final List<TestCaseConfig> DEFAULT_TEST_CASES =
      List.of(TestCaseConfig.ping("8.8.8.8"));

  /**
   * The longest default probe timeout: a lost probe costs a whole timeout before it counts, so the
   * timeout is most of the detection time; 0.2 s is many times a terrestrial uplink's round trip
   * (typically 5 to 50 ms) and fits the default fast cadence. Satellite and other high-latency
   * links need a longer one (and longer intervals). When {@code fast_check_interval} is shorter,
   * the default is {@code fast_check_interval}.
   */
  public static final Duration MAX_DEFAULT_PROBE_TIMEOUT = Duration.ofMillis(200);

  /** Often enough to repair a route someone deleted within a minute, rarely enough to be quiet. */
  public static final Duration DEFAULT_REASSERT_INTERVAL = Duration.ofSeconds(30);

  /**
   * A foreign default route with a lower metric (a DHCP client's, often metric 0) would silently
   * carry all traffic; demoting keeps it as a last resort without fighting the client.
   */
  public static final ForeignDefaultRoutes DEFAULT_FOREIGN_DEFAULT_ROUTES =
      ForeignDefaultRoutes.DEMOTE;

  /** Under /run, which systemd's {@code RuntimeDirectory=failover} creates and cleans. */
  public static final Path DEFAULT_STATUS_FILE = Path.of("/run/failover/status.json");

  /** A file of its own in iproute2's drop-in folder, never the distribution's rt_tables. */
  public static final Path DEFAULT_RT_TABLES_FILE =
      Path.of("/etc/iproute2/rt_tables.d/failover.conf");

  /** Next to the installed jar. */
  public static final Path DEFAULT_PLUGINS_DIR = Path.of("/usr/local/lib/failover/plugins");

  /** Beside the config, as keepalived's and mwan3's scripts sit beside theirs. */
  public static final Path DEFAULT_HOOKS_DIR = Path.of("/etc/failover/hooks.d");

  /**
   * Ten seconds: enough for a hook to post to a webhook or hand a mail to the local MTA; a hook
   * that takes longer holds back the events behind it (they run one at a time), so it is killed.
   */
  public static final Duration DEFAULT_HOOK_TIMEOUT = Duration.ofSeconds(10);

  /** The longest hook timeout accepted: five minutes (events queue behind a running hook). */
  static final Duration MAX_HOOK_TIMEOUT = Duration.ofMinutes(5);

  /**
   * The loopback address only, so that nothing is exposed to the LAN or the uplinks unless the
   * operator says so; Prometheus on the router (or an SSH tunnel) reaches it. Port 9680 is free
   * in Prometheus's list of default exporter ports.
   */
  public static final String DEFAULT_HTTP_LISTEN = "127.0.0.1:9680";

  /** The longest check interval accepted: one day. */
  static final Duration MAX_INTERVAL = Duration.ofDays(1);

  /** The largest history accepted; larger ones only cost memory and make status files huge. */
  static final int MAX_HISTORY = 100_000;

  /**
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if a setting breaks its rule; the message names the TOML key,
   *     the rule and the value
   */
  public FailoverConfig {
    checkNotNull(checkInterval, "check_interval");
    checkNotNull(stickyProviderFilename, "sticky_provider_filename");
    checkNotNull(providers, "providers");
    testCases = List.copyOf(checkNotNull(testCases, "test_cases"));
    checkNotNull(policy, "policy");
    checkNotNull(probeTimeout, "probe_timeout");
    checkNotNull(probeTimeouts, "probe_timeouts");
    checkNotNull(reassertInterval, "reassert_interval");
    checkNotNull(foreignDefaultRoutes, "foreign_default_routes");
    checkNotNull(statusFile, "status_file");
    checkNotNull(rtTablesFile, "rt_tables_file");
    checkNotNull(pluginsDir, "plugins_dir");
    checkNotNull(fastCheckInterval, "fast_check_interval");
    checkNotNull(dampedPolicy, "dampedPolicy");
    checkNotNull(hooksDir, "hooks_dir");
    checkNotNull(hookTimeout, "hook_timeout");
    checkNotNull(httpListen, "http_listen");
    checkNotNull(flowPinning, "flowPinning");
    checkNotNull(keepalivedTrackFile, "keepalived_track_file");
    checkNotNull(keepalivedTrackFileIpv6, "keepalived_track_file_ipv6");
    providerTestCases = checkProviderTestCases(providers, providerTestCases);

    checkInterval("check_interval", checkInterval);
    checkInterval("fast_check_interval", fastCheckInterval);
    checkInterval("probe_timeout", probeTimeout);
    checkInterval("reassert_interval", reassertInterval);
    checkArgument(
        fastCheckInterval.compareTo(checkInterval) <= 0,
        "fast_check_interval must be <= check_interval (%s), because it is the faster cadence;"
            + " was %s",
        Durations.format(checkInterval),
        Durations.format(fastCheckInterval));
    checkArgument(
        probeTimeout.compareTo(checkInterval) <= 0,
        "probe_timeout must be <= check_interval (%s), because a round must end before the next"
            + " begins; was %s",
        Durations.format(checkInterval),
        Durations.format(probeTimeout));
    checkArgument(
        probeTimeout.compareTo(fastCheckInterval) <= 0,
        "probe_timeout must be <= fast_check_interval (%s), because a round must end before the"
            + " next begins, also at the fast cadence; was %s",
        Durations.format(fastCheckInterval),
        Durations.format(probeTimeout));
    checkArgument(
        reassertInterval.compareTo(checkInterval) >= 0,
        "reassert_interval must be >= check_interval (%s), because routes are re-asserted at most"
            + " once a round; was %s",
        Durations.format(checkInterval),
        Durations.format(reassertInterval));
    checkArgument(
        maxStoredTestResultCount >= 1 && maxStoredTestResultCount <= MAX_HISTORY,
        "max_stored_test_result_count must be between 1 and %s, was %s",
        MAX_HISTORY,
        maxStoredTestResultCount);
    checkArgument(maxFailedChecks >= 0, "max_failed_checks must be >= 0, was %s", maxFailedChecks);
    checkArgument(
        minConsecutiveSucceededChecks >= 0,
        "min_consecutive_succeeded_checks must be >= 0, was %s",
        minConsecutiveSucceededChecks);
    checkArgument(
        minConsecutiveSucceededChecks < maxStoredTestResultCount,
        "min_consecutive_succeeded_checks must be < max_stored_test_result_count (%s), or no"
            + " history could ever hold enough successes to be reliable; was %s",
        maxStoredTestResultCount,
        minConsecutiveSucceededChecks);
    checkArgument(
        Policies.names().contains(policy),
        "policy must be one of %s, was '%s'",
        Policies.names(),
        policy);
    checkArgument(
        !stickyProviderFilename.toString().isEmpty(), "sticky_provider_filename must not be empty");

    checkArgument(
        startMetric >= 0 && (long) startMetric + providers.size() - 1 <= Integer.MAX_VALUE,
        "start_metric must be between 0 and %s (with %s providers), was %s",
        Integer.MAX_VALUE - providers.size() + 1,
        providers.size(),
        startMetric);
    checkGlobalTestCases(providers, testCases, providerTestCases);
    checkArgument(
        hookTimeout.compareTo(Duration.ZERO) > 0 && hookTimeout.compareTo(MAX_HOOK_TIMEOUT) <= 0,
        "hook_timeout must be a number of seconds > 0 and <= %s, was %s",
        MAX_HOOK_TIMEOUT.getSeconds(),
        Durations.format(hookTimeout));
    checkArgument(!hooksDir.toString().isEmpty(), "hooks_dir must not be empty");
    HttpListen.parse(httpListen);
    flowPinning.checkFits(providers.size());
    // An IPv6 track file with no IPv6 engine would never be written: keepalived's IPv6 instance
    // would follow whatever the file held, without a word.
    checkArgument(
        keepalivedTrackFileIpv6.isEmpty() || !providers.having(AddressFamily.IPV6).isEmpty(),
        "keepalived_track_file_ipv6 needs a provider with IPv6 (it follows the IPv6 engine, which"
            + " runs only then), but no provider has IPv6; was %s",
        keepalivedTrackFileIpv6.map(Path::toString).orElse(""));
    if (policy.equals(DampedPolicy.NAME)) {
      // The round counts must fit the history and min_targets_up the test cases, or the settings
      // would not mean what they say; the message names both keys.
      if (providerTestCases.isEmpty()) {
        dampedPolicy.checkFits(maxStoredTestResultCount, testCases.size());
      } else {
        dampedPolicy.checkFits(
            maxStoredTestResultCount, testCaseCounts(providers, testCases, providerTestCases));
      }
    }
  }

  /**
   * The own test cases, keyed by ids of configured providers, in provider order.
   *
   * @throws IllegalArgumentException if an id names no provider
   */
  private static Map<String, ProviderTestCases> checkProviderTestCases(
      Providers providers, Map<String, ProviderTestCases> providerTestCases) {
    checkNotNull(providerTestCases, "providerTestCases");
    for (String id : providerTestCases.keySet()) {
      checkArgument(
          providers.ids().contains(id),
          "providers: test_cases are given for provider '%s', which is not configured;"
              + " providers: %s",
          id,
          providers.ids());
    }
    Map<String, ProviderTestCases> ordered = new LinkedHashMap<>();
    for (String id : providers.ids()) {
      ProviderTestCases own = providerTestCases.get(id);
      if (own != null) {
        ordered.put(id, own);
      }
    }
    return Collections.unmodifiableMap(ordered);
  }

  /** The global test cases may be empty only if no provider runs them. */
  private static void checkGlobalTestCases(
      Providers providers,
      List<TestCaseConfig> testCases,
      Map<String, ProviderTestCases> providerTestCases) {
    if (!testCases.isEmpty()) {
      return;
    }
    for (int i = 0; i < providers.size(); i++) {
      String id = providers.ids().get(i);
      ProviderTestCases own = providerTestCases.get(id);
      checkArgument(
          own != null && !own.globalTestCases(),
          "test_cases must hold at least one test case (with none, every provider would count as"
              + " reliable), unless every provider lists its own with global_test_cases = false;"
              + " providers[%s] ('%s') %s",
          i,
          id,
          own == null ? "lists none of its own" : "has global_test_cases = true");
    }
  }

  private static Map<String, Integer> testCaseCounts(
      Providers providers,
      List<TestCaseConfig> testCases,
      Map<String, ProviderTestCases> providerTestCases) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String id : providers.ids()) {
      counts.put(id, testCasesOf(id, testCases, providerTestCases).size());
    }
    return counts;
  }

  private static List<TestCaseConfig> testCasesOf(
      String id, List<TestCaseConfig> testCases, Map<String, ProviderTestCases> own) {
    ProviderTestCases mine = own.get(id);
    if (mine == null) {
      return testCases;
    }
    if (!mine.globalTestCases()) {
      return mine.testCases();
    }
    List<TestCaseConfig> all = new ArrayList<>(testCases);
    all.addAll(mine.testCases());
    return List.copyOf(all);
  }

  /**
   * The test cases run through the provider {@code providerId}, in the order of its rounds: the
   * global ones, then its own; only its own if it replaces the global ones; the global ones if it
   * lists none.
   */
  public List<TestCaseConfig> testCasesOf(String providerId) {
    return testCasesOf(providerId, testCases, providerTestCases);
  }

  /**
   * Whether some provider runs the global {@code test_cases}; false if every provider lists its own
   * with {@code global_test_cases = false} (the global ones, maybe the default, then run nowhere).
   */
  public boolean globalTestCasesRun() {
    for (String id : providers.ids()) {
      ProviderTestCases own = providerTestCases.get(id);
      if (own == null || own.globalTestCases()) {
        return true;
      }
    }
    return false;
  }

  private static void checkInterval(String key, Duration value) {
    checkArgument(
        value.compareTo(Duration.ZERO) > 0 && value.compareTo(MAX_INTERVAL) <= 0,
        "%s must be a number of seconds > 0 and <= 86400, was %s",
        key,
        Durations.format(value));
  }

  /** A builder that starts from the defaults; it does not validate, {@link #build()} does. */
  public static Builder builder() {
    return new Builder();
  }

  /** The ids of the providers, in priority order. */
  public List<String> providerIds() {
    return providers.ids();
  }

  /**
   * The address the HTTP listener binds, resolved without DNS; empty when {@code http_listen} is
   * empty (the listener is off). Port 0 means a free port chosen by the kernel.
   */
  public Optional<InetSocketAddress> httpListenAddress() {
    return HttpListen.parse(httpListen);
  }

  /**
   * Collects the settings of a {@link FailoverConfig}, starting from the documented defaults.
   *
   * <p>Not thread-safe. It accepts anything; {@link #build()} validates.
   */
  public static final class Builder {
    private Duration checkInterval = DEFAULT_CHECK_INTERVAL;
    private int startMetric = DEFAULT_START_METRIC;
    private int maxStoredTestResultCount = DEFAULT_MAX_STORED_TEST_RESULT_COUNT;
    private int maxFailedChecks = DEFAULT_MAX_FAILED_CHECKS;
    private int minConsecutiveSucceededChecks = DEFAULT_MIN_CONSECUTIVE_SUCCEEDED_CHECKS;
    private Path stickyProviderFilename = DEFAULT_STICKY_PROVIDER_FILENAME;
    private List<Provider> providers = new ArrayList<>();
    private List<TestCaseConfig> testCases = DEFAULT_TEST_CASES;
    private String policy = Policies.DEFAULT;
    private @Nullable Duration fastCheckInterval;
    private @Nullable Duration probeTimeout;
    private Duration reassertInterval = DEFAULT_REASSERT_INTERVAL;
    private ForeignDefaultRoutes foreignDefaultRoutes = DEFAULT_FOREIGN_DEFAULT_ROUTES;
    private Path statusFile = DEFAULT_STATUS_FILE;
    private Path rtTablesFile = DEFAULT_RT_TABLES_FILE;
    private Path pluginsDir = DEFAULT_PLUGINS_DIR;
    private DampedPolicySettings dampedPolicy = DampedPolicySettings.defaults();
    private Path hooksDir = DEFAULT_HOOKS_DIR;
    private Duration hookTimeout = DEFAULT_HOOK_TIMEOUT;
    private FlowPinningConfig flowPinning = FlowPinningConfig.defaults();
    private String httpListen = DEFAULT_HTTP_LISTEN;
    private Optional<Path> keepalivedTrackFile = Optional.empty();
    private Optional<Path> keepalivedTrackFileIpv6 = Optional.empty();
    private boolean adaptiveProbeTimeout = true;
    private Duration probeTimeoutMin = ProbeTimeouts.DEFAULT_MIN;
    private Duration probeTimeoutMax = ProbeTimeouts.DEFAULT_MAX;
    private Map<String, ProviderTestCases> providerTestCases = new LinkedHashMap<>();

    private Builder() {}

    /** Sets {@code adaptive_probe_timeout}: whether probe timeouts follow the round-trip time. */
    public Builder adaptiveProbeTimeout(boolean value) {
      adaptiveProbeTimeout = value;
      return this;
    }

    /** Sets {@code probe_timeout_min}: the shortest adaptive timeout. */
    public Builder probeTimeoutMin(Duration value) {
      probeTimeoutMin = value;
      return this;
    }

    /** Sets {@code probe_timeout_max}: the longest adaptive timeout, and the late-reply window. */
    public Builder probeTimeoutMax(Duration value) {
      probeTimeoutMax = value;
      return this;
    }

    public Builder checkInterval(Duration value) {
      checkInterval = value;
      return this;
    }

    public Builder startMetric(int value) {
      startMetric = value;
      return this;
    }

    public Builder maxStoredTestResultCount(int value) {
      maxStoredTestResultCount = value;
      return this;
    }

    public Builder maxFailedChecks(int value) {
      maxFailedChecks = value;
      return this;
    }

    public Builder minConsecutiveSucceededChecks(int value) {
      minConsecutiveSucceededChecks = value;
      return this;
    }

    public Builder stickyProviderFilename(Path value) {
      stickyProviderFilename = value;
      return this;
    }

    public Builder providers(List<Provider> value) {
      providers = new ArrayList<>(value);
      return this;
    }

    public Builder addProvider(Provider value) {
      providers.add(value);
      return this;
    }

    public Builder testCases(List<TestCaseConfig> value) {
      testCases = value;
      return this;
    }

    /**
     * Sets the test cases provider {@code providerId} lists of its own ({@code
     * [[providers.test_cases]]}), run in addition to the global ones if {@code globalTestCases},
     * instead of them otherwise ({@code global_test_cases}).
     */
    public Builder providerTestCases(
        String providerId, boolean globalTestCases, List<TestCaseConfig> testCases) {
      providerTestCases.put(providerId, new ProviderTestCases(globalTestCases, testCases));
      return this;
    }

    /** Sets every provider's own test cases at once, by provider id. */
    public Builder providerTestCases(Map<String, ProviderTestCases> value) {
      providerTestCases = new LinkedHashMap<>(value);
      return this;
    }

    public Builder policy(String value) {
      policy = value;
      return this;
    }

    /** Sets the fast check interval; when never set, see {@link #defaultFastCheckInterval}. */
    public Builder fastCheckInterval(Duration value) {
      fastCheckInterval = value;
      return this;
    }

    /**
     * Sets the probe timeout; when never set, it is the smaller of 0.2 s and the fast check
     * interval.
     */
    public Builder probeTimeout(Duration value) {
      probeTimeout = value;
      return this;
    }

    public Builder reassertInterval(Duration value) {
      reassertInterval = value;
      return this;
    }

    public Builder foreignDefaultRoutes(ForeignDefaultRoutes value) {
      foreignDefaultRoutes = value;
      return this;
    }

    public Builder statusFile(Path value) {
      statusFile = value;
      return this;
    }

    public Builder rtTablesFile(Path value) {
      rtTablesFile = value;
      return this;
    }

    public Builder pluginsDir(Path value) {
      pluginsDir = value;
      return this;
    }

    /** Sets the damped policy's settings (used when {@code policy} is {@code damped}). */
    public Builder dampedPolicy(DampedPolicySettings value) {
      dampedPolicy = value;
      return this;
    }

    public Builder hooksDir(Path value) {
      hooksDir = value;
      return this;
    }

    public Builder hookTimeout(Duration value) {
      hookTimeout = value;
      return this;
    }

    /** Sets {@code http_listen}: {@code HOST:PORT}, or empty for no listener. */
    public Builder httpListen(String value) {
      httpListen = value;
      return this;
    }

    /** Sets {@code pin_flows}, {@code flush_flows_on_down} and {@code fwmark_mask} together. */
    public Builder flowPinning(FlowPinningConfig value) {
      flowPinning = value;
      return this;
    }

    /** Sets {@code keepalived_track_file}; without it, no track file is written. */
    public Builder keepalivedTrackFile(Path value) {
      keepalivedTrackFile = Optional.of(value);
      return this;
    }

    /** Sets {@code keepalived_track_file_ipv6}; without it, no IPv6 track file is written. */
    public Builder keepalivedTrackFileIpv6(Path value) {
      keepalivedTrackFileIpv6 = Optional.of(value);
      return this;
    }

    /**
     * Builds the config.
     *
     * @throws IllegalArgumentException if a setting breaks its rule (see {@link FailoverConfig})
     */
    public FailoverConfig build() {
      Duration fast =
          fastCheckInterval != null || checkInterval == null
              ? fastCheckInterval
              : defaultFastCheckInterval(checkInterval, probeTimeout);
      Duration timeout =
          probeTimeout != null || fast == null ? probeTimeout : defaultProbeTimeout(fast);
      return new FailoverConfig(
          checkInterval,
          startMetric,
          maxStoredTestResultCount,
          maxFailedChecks,
          minConsecutiveSucceededChecks,
          stickyProviderFilename,
          Providers.of(providers),
          testCases,
          policy,
          timeout,
          reassertInterval,
          foreignDefaultRoutes,
          statusFile,
          rtTablesFile,
          pluginsDir,
          fast,
          dampedPolicy,
          hooksDir,
          hookTimeout,
          httpListen,
          flowPinning,
          keepalivedTrackFile,
          keepalivedTrackFileIpv6,
          new ProbeTimeouts(adaptiveProbeTimeout, probeTimeoutMin, probeTimeoutMax),
          providerTestCases);
    }
  }

  /**
   * The fast check interval used when none is configured: 0.2 s, but at least {@code probeTimeout}
   * if one is configured (so that setting only a longer probe timeout, as for a satellite link, is
   * not an error) and at most {@code checkInterval} (no fast cadence if that is shorter).
   */
  public static Duration defaultFastCheckInterval(
      Duration checkInterval, @Nullable Duration probeTimeout) {
    Duration fast =
        probeTimeout != null && probeTimeout.compareTo(DEFAULT_FAST_CHECK_INTERVAL) > 0
            ? probeTimeout
            : DEFAULT_FAST_CHECK_INTERVAL;
    return shorter(fast, checkInterval);
  }

  /**
   * The probe timeout used when none is configured: 0.2 s, or the fast check interval if that is
   * shorter, so that a round always ends before the next one begins.
   */
  public static Duration defaultProbeTimeout(Duration fastCheckInterval) {
    return shorter(MAX_DEFAULT_PROBE_TIMEOUT, fastCheckInterval);
  }

  private static Duration shorter(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
