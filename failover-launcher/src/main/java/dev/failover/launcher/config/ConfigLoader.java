package dev.failover.launcher.config;

import static com.google.common.base.Preconditions.checkNotNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv6;
import dev.failover.api.Ipv6Network;
import dev.failover.api.Provider;
import dev.failover.api.TestScenario;
import dev.failover.core.DampedPolicy;
import dev.failover.core.DampedPolicySettings;
import dev.failover.linux.FlushFlowsOnDown;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads a {@link FailoverConfig} from a TOML file whose keys are the lower-case names of the
 * original {@code config.py}, and checks all of it before anything touches the kernel.
 *
 * <p>The file is parsed into a tree and mapped by hand, so that every problem names the key's path
 * (such as {@code providers[1].gateway}; array indices count from 0), the rule it breaks and the
 * value it has: unknown keys (also inside providers and test cases), wrong types, missing required
 * keys, duplicate provider ids, interface names, addresses, table ids and table names, addresses
 * outside their network, non-positive intervals, a fast check interval longer than the check
 * interval, a probe timeout longer than the fast check interval, the damped policy's settings
 * (through {@code DampedPolicySettings}, also against the history size and the number of test
 * cases when that policy is selected) and unknown test case types. As many problems as can be found
 * are reported together. Test cases are built once through their factories, so that a factory's own
 * checks run too. Keys of a policy that is not selected are accepted; {@link #check} notes them.
 *
 * <p>Issue 15's edges: every duration is at least {@link Durations#MIN_CONFIGURED}; addresses no
 * uplink or probe can have are refused ({@link AddressRules}); the file is read only if it is a
 * regular file of at most {@link #MAX_CONFIG_BYTES} ({@link ConfigFile}); messages escape control
 * characters and never echo an unknown key's value ({@link Messages}), and their number is
 * bounded. {@link #parsingOnly()} builds no test case, for the commands that must run no plugin
 * code.
 *
 * <p>Relative paths in the file ({@code sticky_provider_filename}, {@code status_file}, {@code
 * rt_tables_file}, {@code plugins_dir}, {@code hooks_dir}) are resolved against the folder of the
 * config file, as the original resolved its sticky file against its own folder, and {@link #check}
 * notes each one with the path it became: a config that is installed ends up in {@code
 * /etc/failover}, so a relative path written for another folder would otherwise move without a
 * word. Thread-safe.
 */
public final class ConfigLoader {

  /** The keys whose values are paths; a relative one is resolved against the config's folder. */
  static final List<String> PATH_KEYS =
      List.of(
          "sticky_provider_filename",
          "status_file",
          "rt_tables_file",
          "plugins_dir",
          "hooks_dir",
          "keepalived_track_file",
          "keepalived_track_file_ipv6");

  /** Where install puts the config, and where the commands look by default. */
  public static final Path DEFAULT_CONFIG_FILE = Path.of("/etc/failover/failover.toml");

  /**
   * The keys of the top-level table, in the order of the documentation: config.py's, the
   * rebuild's, then the damped policy's ({@link Policies#DAMPED_KEYS}).
   */
  static final List<String> TOP_LEVEL_KEYS =
      ImmutableList.<String>builder()
          .add(
              "check_interval",
              "start_metric",
              "max_stored_test_result_count",
              "max_failed_checks",
              "min_consecutive_succeeded_checks",
              "sticky_provider_filename",
              "providers",
              "test_cases",
              "policy",
              "fast_check_interval",
              "probe_timeout",
              "adaptive_probe_timeout",
              "probe_timeout_min",
              "probe_timeout_max",
              "reassert_interval",
              "foreign_default_routes",
              "status_file",
              "rt_tables_file",
              "plugins_dir",
              "hooks_dir",
              "hook_timeout",
              "http_listen",
              "pin_flows",
              "flush_flows_on_down",
              "fwmark_mask",
              "keepalived_track_file",
              "keepalived_track_file_ipv6")
          .addAll(Policies.DAMPED_KEYS)
          .build();

  /**
   * Keys an older version read, with what took their place: an operator who upgrades learns what
   * to write instead, not only that the key is unknown.
   */
  static final ImmutableMap<String, String> REPLACED_KEYS =
      ImmutableMap.of(
          "down_loss_percent",
          "replaced by the sequential loss test: loss_acceptable_percent, loss_degraded_percent"
              + " and loss_false_alarm_probability, see docs/policy-damped.md",
          "up_loss_percent",
          "replaced by the recovery test: loss_false_recovery_probability, see"
              + " docs/policy-damped.md");

  /**
   * The keys of a {@code [[providers]]} table, as the fields of config.py; {@code ipv4_address},
   * {@code network} and {@code gateway} may be omitted, to be learned from the interface. Then the
   * provider's own test cases ({@code [[providers.test_cases]]}) and whether it keeps the global
   * ones ({@code global_test_cases}, required with them). Then its address families: {@code ipv4}
   * (default true), {@code ipv6} (default true if an {@code ipv6_*} key is given), and the IPv6
   * values, each learned from the interface when omitted (docs/configuration.md, "IPv6").
   */
  static final List<String> PROVIDER_KEYS =
      List.of(
          "id",
          "interface_name",
          "ipv4_address",
          "network",
          "gateway",
          "rt_table_name",
          "rt_table_id",
          "test_cases",
          "global_test_cases",
          "ipv4",
          "ipv6",
          "ipv6_address",
          "ipv6_prefix",
          "ipv6_gateway");

  /** The IPv6 values of a provider; any of them given turns {@code ipv6} on by default. */
  static final List<String> IPV6_KEYS = List.of("ipv6_address", "ipv6_prefix", "ipv6_gateway");

  /**
   * The largest config file read, in bytes. A real config is a few kilobytes (the example, with
   * its comments, is about 12 KB); the bound keeps a wrong or hostile file from filling the
   * daemon's 32 MB heap ({@code -Xmx32m} in the unit) while it is parsed: a 12 MB file did.
   */
  public static final int MAX_CONFIG_BYTES = 256 * 1024;

  /** At most this many problems are listed; the rest are counted. */
  static final int MAX_PROBLEMS = 50;

  /** At most this many unknown keys of one table are listed; the rest are counted. */
  static final int MAX_UNKNOWN_KEYS_LISTED = 10;

  private final Function<Path, ScenarioFactories> factories;
  private final boolean buildTestCases;
  private final boolean runningAsRoot;

  /** A loader that finds test case types on the class path and in the config's plugins folder. */
  public ConfigLoader() {
    this(ScenarioFactories::load);
  }

  /**
   * A loader that takes its test case types from {@code factories}, given the configured plugins
   * folder; the loader closes what it returns.
   */
  public ConfigLoader(Function<Path, ScenarioFactories> factories) {
    this(factories, true, ProcessUser.isRoot());
  }

  /**
   * @param buildTestCases whether the test cases are built through their factories (loading the
   *     plugins); false only parses them
   * @param root whether the process runs as root: if not, a test case that cannot work here (no
   *     ICMP socket without root) is noted as not verified instead of refused
   */
  ConfigLoader(Function<Path, ScenarioFactories> factories, boolean buildTestCases, boolean root) {
    this.factories = checkNotNull(factories, "factories");
    this.buildTestCases = buildTestCases;
    this.runningAsRoot = root;
  }

  /**
   * A loader that checks the file's own rules but builds no test case: it loads no plugin and opens
   * no socket. For the commands that only need the config's paths and providers ({@code status},
   * {@code sticky}), which run without root and must not run plugin code; a test case's type and
   * settings are not checked.
   */
  public static ConfigLoader parsingOnly() {
    return new ConfigLoader(
        dir -> {
          throw new IllegalStateException("a parsing-only loader loads no plugins");
        },
        false,
        ProcessUser.isRoot());
  }

  /**
   * Reads and checks the config file {@code file}.
   *
   * @throws InvalidConfigException if the file cannot be read, is not TOML, or breaks a rule
   */
  public FailoverConfig load(Path file) throws InvalidConfigException {
    return check(file).config();
  }

  /**
   * Reads and checks the config file {@code file}, and notes what is valid but probably not meant
   * (keys of a policy that is not selected). The paths it names are also checked on this machine's
   * disk ({@link ConfigPaths#checkOnDisk(FailoverConfig)}).
   *
   * @throws InvalidConfigException if the file cannot be read, is not TOML, or breaks a rule
   */
  public LoadedConfig check(Path file) throws InvalidConfigException {
    checkNotNull(file, "file");
    String text = ConfigFile.read(file, MAX_CONFIG_BYTES);
    Path folder = file.toAbsolutePath().getParent();
    LoadedConfig loaded = check(text, folder == null ? Path.of("/") : folder);
    ConfigPaths.checkOnDisk(loaded.config());
    return loaded;
  }

  /**
   * Parses and checks {@code toml}, resolving relative paths against {@code baseDir}.
   *
   * @throws InvalidConfigException if the text is not TOML or breaks a rule
   */
  public FailoverConfig parse(String toml, Path baseDir) throws InvalidConfigException {
    return check(toml, baseDir).config();
  }

  /**
   * Parses and checks {@code toml} as {@link #parse}, and notes what is valid but probably not
   * meant (keys of a policy that is not selected).
   *
   * @throws InvalidConfigException if the text is not TOML or breaks a rule
   */
  public LoadedConfig check(String toml, Path baseDir) throws InvalidConfigException {
    checkNotNull(toml, "toml");
    checkNotNull(baseDir, "baseDir");
    ObjectNode root;
    try {
      root = JacksonTrees.readToml(toml);
    } catch (JacksonException e) {
      throw new InvalidConfigException("the file is not valid TOML: " + describeSyntax(e), e);
    } catch (IOException e) {
      throw new InvalidConfigException("the file is not valid TOML: " + describeIo(e), e);
    }
    Problems problems = new Problems();
    Table top = new Table("", root, problems);
    FailoverConfig.Builder builder =
        FailoverConfig.builder()
            .stickyProviderFilename(
                baseDir.resolve(FailoverConfig.DEFAULT_STICKY_PROVIDER_FILENAME));

    top.seconds("check_interval").ifPresent(builder::checkInterval);
    top.integer("start_metric").ifPresent(builder::startMetric);
    top.integer("max_stored_test_result_count").ifPresent(builder::maxStoredTestResultCount);
    top.integer("max_failed_checks").ifPresent(builder::maxFailedChecks);
    top.integer("min_consecutive_succeeded_checks")
        .ifPresent(builder::minConsecutiveSucceededChecks);
    top.path("sticky_provider_filename", baseDir).ifPresent(builder::stickyProviderFilename);
    top.tables("providers")
        .ifPresent(
            tables -> {
              builder.providers(providers(tables));
              builder.providerTestCases(providerTestCases(tables));
            });
    top.tables("test_cases").ifPresent(tables -> builder.testCases(testCases(tables)));
    top.string("policy").ifPresent(builder::policy);
    top.seconds("fast_check_interval").ifPresent(builder::fastCheckInterval);
    top.seconds("probe_timeout").ifPresent(builder::probeTimeout);
    top.bool("adaptive_probe_timeout").ifPresent(builder::adaptiveProbeTimeout);
    top.seconds("probe_timeout_min").ifPresent(builder::probeTimeoutMin);
    top.seconds("probe_timeout_max").ifPresent(builder::probeTimeoutMax);
    top.seconds("reassert_interval").ifPresent(builder::reassertInterval);
    top.string("foreign_default_routes")
        .ifPresent(
            name ->
                ForeignDefaultRoutes.fromConfigName(name)
                    .ifPresentOrElse(
                        builder::foreignDefaultRoutes,
                        () ->
                            problems.add(
                                String.format(
                                    "foreign_default_routes must be one of %s, was '%s'",
                                    Arrays.stream(ForeignDefaultRoutes.values())
                                        .map(ForeignDefaultRoutes::configName)
                                        .toList(),
                                    Messages.shorten(name)))));
    top.path("status_file", baseDir).ifPresent(builder::statusFile);
    top.path("rt_tables_file", baseDir).ifPresent(builder::rtTablesFile);
    top.path("plugins_dir", baseDir).ifPresent(builder::pluginsDir);
    top.path("hooks_dir", baseDir).ifPresent(builder::hooksDir);
    top.seconds("hook_timeout").ifPresent(builder::hookTimeout);
    top.stringOrEmpty("http_listen").ifPresent(builder::httpListen);
    top.path("keepalived_track_file", baseDir).ifPresent(builder::keepalivedTrackFile);
    top.path("keepalived_track_file_ipv6", baseDir).ifPresent(builder::keepalivedTrackFileIpv6);
    dampedPolicy(top, problems).ifPresent(builder::dampedPolicy);
    flowPinning(top, problems).ifPresent(builder::flowPinning);
    top.reportUnknownKeys(TOP_LEVEL_KEYS);
    if (!top.has("providers")) {
      problems.add(
          "providers is required: add one [[providers]] table per uplink, most preferred first");
    }
    checkAddressClasses(root, problems);
    if (!problems.isEmpty()) {
      throw problems.exception();
    }

    FailoverConfig config;
    try {
      config = builder.build();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new InvalidConfigException(String.valueOf(e.getMessage()));
    }
    try {
      Policies.create(config);
    } catch (IllegalArgumentException e) {
      problems.add(String.valueOf(e.getMessage()));
    }
    List<String> unverified = new ArrayList<>();
    if (buildTestCases) {
      checkTestCases(config, problems, unverified);
    }
    ConfigPaths.check(config, problems);
    if (!problems.isEmpty()) {
      throw problems.exception();
    }
    List<String> notes = new ArrayList<>(notes(config, top, baseDir));
    notes.addAll(unverified);
    return new LoadedConfig(config, notes);
  }

  /**
   * The address classes no provider or probe target can have ({@link AddressRules}), read from
   * the tree as written, so that the rules stand apart from the parsing of providers and test
   * cases; a value that is missing or does not parse is reported by that parsing.
   */
  private static void checkAddressClasses(ObjectNode root, List<String> problems) {
    for (Map.Entry<String, ObjectNode> provider : tablesOf(root, "providers").entrySet()) {
      String path = provider.getKey();
      textOf(provider.getValue(), "ipv4_address")
          .flatMap(text -> AddressRules.providerAddress(path + ".ipv4_address", text))
          .ifPresent(problems::add);
      textOf(provider.getValue(), "gateway")
          .flatMap(text -> AddressRules.providerAddress(path + ".gateway", text))
          .ifPresent(problems::add);
      textOf(provider.getValue(), "network")
          .flatMap(text -> AddressRules.providerNetwork(path + ".network", text))
          .ifPresent(problems::add);
    }
    // The global test cases and each provider's own ([[providers.test_cases]]), by their paths.
    Map<String, ObjectNode> testCases = new LinkedHashMap<>(tablesOf(root, "test_cases"));
    for (Map.Entry<String, ObjectNode> provider : tablesOf(root, "providers").entrySet()) {
      tablesOf(provider.getValue(), "test_cases")
          .forEach((path, table) -> testCases.put(provider.getKey() + "." + path, table));
    }
    for (Map.Entry<String, ObjectNode> testCase : testCases.entrySet()) {
      Optional<String> type = textOf(testCase.getValue(), "type");
      // The built-in types' address keys; a plugin's keys are its own to check.
      String key =
          type.equals(Optional.of("ping")) ? "target"
              : type.equals(Optional.of("tcp")) ? "host" : null;
      if (key != null) {
        String path = testCase.getKey() + "." + key;
        textOf(testCase.getValue(), key)
            .flatMap(text -> AddressRules.probeTarget(path, text))
            .ifPresent(problems::add);
        checkTimeoutFloor(testCase.getKey(), testCase.getValue(), problems);
      }
    }
  }

  /**
   * The floor of durations for a built-in test case's {@code timeout}, which its factory reads
   * (through failover-api's {@code ScenarioSettings}, which knows no floor).
   */
  private static void checkTimeoutFloor(String path, ObjectNode testCase, List<String> problems) {
    JsonNode timeout = testCase.get("timeout");
    if (timeout != null && timeout.isNumber()) {
      double seconds = timeout.doubleValue();
      if (seconds > 0 && Durations.ofSeconds(seconds).compareTo(Durations.MIN_CONFIGURED) < 0) {
        problems.add(
            String.format(
                "%s.timeout must be at least %s (the floor of every duration in the file), was"
                    + " %s",
                path, Durations.format(Durations.MIN_CONFIGURED), describe(timeout)));
      }
    }
  }

  /** The tables of the array of tables {@code key}, by path; none if it is not one. */
  private static Map<String, ObjectNode> tablesOf(ObjectNode root, String key) {
    Map<String, ObjectNode> tables = new LinkedHashMap<>();
    JsonNode array = root.get(key);
    if (array != null && array.isArray()) {
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i).isObject()) {
          tables.put(key + "[" + i + "]", (ObjectNode) array.get(i));
        }
      }
    }
    return tables;
  }

  private static Optional<String> textOf(ObjectNode table, String key) {
    JsonNode value = table.get(key);
    return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
  }

  /**
   * The flow pinning keys, starting from their defaults; empty (with the problem recorded) if a key
   * has the wrong type or value.
   */
  private static Optional<FlowPinningConfig> flowPinning(Table top, List<String> problems) {
    int before = problems.size();
    FlowPinningConfig defaults = FlowPinningConfig.defaults();
    boolean pin = top.bool("pin_flows").orElse(defaults.pinFlows());
    FlushFlowsOnDown flush = defaults.flushFlowsOnDown();
    Optional<String> flushName = top.string("flush_flows_on_down");
    if (flushName.isPresent()) {
      Optional<FlushFlowsOnDown> named = FlowPinningConfig.flushFromConfigName(flushName.get());
      if (named.isPresent()) {
        flush = named.get();
      } else {
        problems.add(
            String.format(
                "flush_flows_on_down must be one of %s, was '%s'",
                FlowPinningConfig.flushNames(), Messages.shorten(flushName.get())));
      }
    }
    int mask = top.mark("fwmark_mask").orElse(defaults.fwmarkMask());
    if (problems.size() > before) {
      return Optional.empty();
    }
    try {
      return Optional.of(new FlowPinningConfig(pin, flush, mask));
    } catch (IllegalArgumentException e) {
      problems.add(String.valueOf(e.getMessage()));
      return Optional.empty();
    }
  }

  /**
   * The damped policy's settings from the top-level keys, starting from its defaults; empty (with
   * the problem recorded) if a key has the wrong type or the settings break a rule.
   */
  private static Optional<DampedPolicySettings> dampedPolicy(Table top, List<String> problems) {
    int before = problems.size();
    DampedPolicySettings.Builder settings = DampedPolicySettings.builder();
    top.integer("down_consecutive_failures").ifPresent(settings::downConsecutiveFailures);
    top.integer("up_consecutive_successes").ifPresent(settings::upConsecutiveSuccesses);
    top.integer("loss_window_rounds").ifPresent(settings::lossWindowRounds);
    top.number("loss_acceptable_percent").ifPresent(settings::lossAcceptablePercent);
    top.number("loss_degraded_percent").ifPresent(settings::lossDegradedPercent);
    top.number("loss_false_alarm_probability").ifPresent(settings::lossFalseAlarmProbability);
    top.number("loss_false_recovery_probability")
        .ifPresent(settings::lossFalseRecoveryProbability);
    top.integer("min_targets_up").ifPresent(settings::minTargetsUp);
    top.seconds("max_latency").ifPresent(settings::maxLatency);
    top.secondsOrZero("failback_dwell").ifPresent(settings::failbackDwell);
    top.number("flap_penalty").ifPresent(settings::flapPenalty);
    top.number("flap_reuse_threshold").ifPresent(settings::flapReuseThreshold);
    top.seconds("flap_half_life").ifPresent(settings::flapHalfLife);
    top.seconds("flap_max_hold").ifPresent(settings::flapMaxHold);
    top.bool("target_correlation").ifPresent(settings::targetCorrelation);
    if (problems.size() > before) {
      return Optional.empty();
    }
    try {
      // The record's own checks; their messages name the key, the rule and the value.
      return Optional.of(settings.build());
    } catch (IllegalArgumentException e) {
      problems.add(String.valueOf(e.getMessage()));
      return Optional.empty();
    }
  }

  /**
   * What check-config points out: relative paths (with what they became), and keys set for a
   * policy other than the selected one.
   */
  private static List<String> notes(FailoverConfig config, Table top, Path baseDir) {
    List<String> notes = new ArrayList<>();
    for (String key : PATH_KEYS) {
      Optional<String> text = top.string(key);
      if (text.isPresent() && !Path.of(text.get()).isAbsolute()) {
        notes.add(
            String.format(
                "%s \"%s\" is a relative path, taken from the config file's folder %s: %s; write"
                    + " the absolute path to say so",
                key,
                text.get(),
                baseDir,
                baseDir.resolve(text.get()).normalize()));
      }
    }
    for (String policy : Policies.names()) {
      if (policy.equals(config.policy())) {
        continue;
      }
      List<String> unused = Policies.keys(policy).stream().filter(top::has).toList();
      if (!unused.isEmpty()) {
        notes.add(
            String.format(
                "%s %s unused by the selected policy '%s' (%s of policy '%s')",
                String.join(", ", unused),
                unused.size() == 1 ? "is" : "are",
                config.policy(),
                unused.size() == 1 ? "a setting" : "settings",
                policy));
      }
    }
    return List.copyOf(notes);
  }

  /**
   * Builds every test case once through its factory, so that the factory's own checks run. A test
   * case that cannot work in this process (a factory's {@link IllegalStateException}, such as no
   * ICMP socket) is a problem for root, who runs the daemon, and a note in {@code unverified} for
   * another user, who cannot tell whether root could run it.
   */
  private void checkTestCases(
      FailoverConfig config, List<String> problems, List<String> unverified) {
    ScenarioFactories types;
    try {
      types = factories.apply(config.pluginsDir());
    } catch (IllegalArgumentException e) {
      problems.add(String.valueOf(e.getMessage()));
      return;
    }
    try (types) {
      Map<String, Integer> names = new HashMap<>();
      // The family each test case tests, by path; a test case that could not be built is left out.
      Map<String, AddressFamily> families = new HashMap<>();
      for (int i = 0; i < config.testCases().size(); i++) {
        try {
          TestScenario scenario = types.create(i, config.testCases().get(i));
          families.put("test_cases[" + i + "]", scenario.family());
          Integer first = names.putIfAbsent(scenario.name(), i);
          if (first != null) {
            problems.add(
                String.format(
                    "test_cases[%s] must differ from every other test case, but test_cases[%s] is"
                        + " the same: '%s'",
                    i, first, scenario.name()));
          }
        } catch (IllegalArgumentException e) {
          // ScenarioFactories reports a factory's IllegalStateException as the cause.
          if (!runningAsRoot && e.getCause() instanceof IllegalStateException) {
            String path = "test_cases[" + i + "]";
            builtInFamily(config.testCases().get(i)).ifPresent(f -> families.put(path, f));
            unverified.add(
                String.format(
                    "test_cases[%s] not verified: it cannot run as this user (%s); the daemon"
                        + " runs as root, so run check-config as root to verify it",
                    i, e.getCause().getMessage()));
          } else {
            problems.add(String.valueOf(e.getMessage()));
          }
        }
      }
      checkProviderTestCases(config, types, problems, families);
      checkFamilies(config, families, problems);
    } catch (IOException e) {
      problems.add("plugins_dir: closing the plugin jars failed: " + describeIo(e));
    }
  }

  /**
   * Builds each provider's own test cases through their factories, and checks that names are unique
   * within the provider's list (the global ones too, if it keeps them).
   */
  private static void checkProviderTestCases(
      FailoverConfig config,
      ScenarioFactories types,
      List<String> problems,
      Map<String, AddressFamily> families) {
    List<String> ids = config.providerIds();
    for (Map.Entry<String, ProviderTestCases> entry : config.providerTestCases().entrySet()) {
      String provider = "providers[" + ids.indexOf(entry.getKey()) + "]";
      Map<String, String> names = new HashMap<>();
      if (entry.getValue().globalTestCases()) {
        for (int i = 0; i < config.testCases().size(); i++) {
          try {
            names.putIfAbsent(
                types.create(i, config.testCases().get(i)).name(), "test_cases[" + i + "]");
          } catch (IllegalArgumentException e) {
            // Reported with the global test cases.
          }
        }
      }
      List<TestCaseConfig> own = entry.getValue().testCases();
      for (int i = 0; i < own.size(); i++) {
        String path = provider + ".test_cases[" + i + "]";
        try {
          TestScenario scenario = types.create(path, own.get(i));
          families.put(path, scenario.family());
          String first = names.putIfAbsent(scenario.name(), path);
          if (first != null) {
            problems.add(
                String.format(
                    "%s must differ from every other test case of provider '%s'"
                        + " (global_test_cases = %s), but %s is the same: '%s'",
                    path,
                    entry.getKey(),
                    entry.getValue().globalTestCases(),
                    first,
                    scenario.name()));
          }
        } catch (IllegalArgumentException e) {
          problems.add(String.valueOf(e.getMessage()));
        }
      }
    }
  }

  /**
   * The family of a built-in test case ({@code ping}'s {@code target}, {@code tcp}'s {@code host})
   * from its settings, for one that could not be built as this user; empty for a plugin's type.
   */
  private static Optional<AddressFamily> builtInFamily(TestCaseConfig testCase) {
    String key =
        testCase.type().equals("ping") ? "target" : testCase.type().equals("tcp") ? "host" : null;
    return key != null && testCase.settings().get(key) instanceof String text
        ? AddressRules.familyOf(text)
        : Optional.empty();
  }

  /**
   * The address-family rules (issue 16): a test case tests one family (an IPv6 target, IPv6), and
   * runs through the providers that have it, so a test case of a family no provider has would
   * never run, and one of a provider's own of a family that provider lacks neither; and each
   * family of each provider needs a test case of that family, or it could never be judged. Test
   * cases whose family is unknown (they could not be built) are left to the problem that says so,
   * and a provider that runs any of them is not judged here.
   */
  private static void checkFamilies(
      FailoverConfig config, Map<String, AddressFamily> families, List<String> problems) {
    List<Provider> providers = config.providers();
    if (!providers.isEmpty() && providers.stream().noneMatch(p -> p.has(AddressFamily.IPV4))) {
      // The daemon's IPv4 engine carries the status file's top level and the page; an IPv6-only
      // router is not run yet. Said here, so that check-config and run agree.
      problems.add(
          String.format(
              "providers: at least one provider must have IPv4: this version runs IPv6 beside"
                  + " IPv4, not alone (issue 16); every provider has ipv4 = false: %s",
              providers.stream().map(Provider::id).toList()));
    }
    for (int i = 0; i < config.testCases().size(); i++) {
      String path = "test_cases[" + i + "]";
      AddressFamily family = families.get(path);
      if (family != null && providers.stream().noneMatch(p -> p.has(family))) {
        problems.add(
            String.format(
                "%s tests %s (%s), but no provider has %s: set %s = true or an %s_* key on a"
                    + " provider, or remove the test case",
                path, family, describeTestCase(config.testCases().get(i)), family, family.key(),
                family.key()));
      }
    }
    for (int k = 0; k < providers.size(); k++) {
      Provider provider = providers.get(k);
      String providerPath = "providers[" + k + "]";
      ProviderTestCases own = config.providerTestCases().get(provider.id());
      List<String> runs = new ArrayList<>();
      if (own == null || own.globalTestCases()) {
        for (int i = 0; i < config.testCases().size(); i++) {
          runs.add("test_cases[" + i + "]");
        }
      }
      if (own != null) {
        for (int j = 0; j < own.testCases().size(); j++) {
          String path = providerPath + ".test_cases[" + j + "]";
          runs.add(path);
          AddressFamily family = families.get(path);
          if (family != null && !provider.has(family)) {
            problems.add(
                String.format(
                    "%s tests %s (%s), but %s ('%s') has no %s (%s = false): it would never"
                        + " run",
                    path, family, describeTestCase(own.testCases().get(j)), providerPath,
                    provider.id(), family, family.key()));
          }
        }
      }
      if (runs.isEmpty() || !runs.stream().allMatch(families::containsKey)) {
        continue; // no test case at all is FailoverConfig's problem; an unbuilt one has its own
      }
      for (AddressFamily family : provider.families()) {
        long ofFamily = runs.stream().filter(path -> families.get(path) == family).count();
        int minTargetsUp = config.dampedPolicy().minTargetsUp();
        if (ofFamily > 0 && config.policy().equals(DampedPolicy.NAME) && ofFamily < minTargetsUp) {
          // Each family's rounds hold only its own targets, so min_targets_up must fit each;
          // FailoverConfig counted every test case a provider runs, of both families.
          problems.add(
              String.format(
                  "min_targets_up must be at most the number of %s test cases %s ('%s') runs"
                      + " (%s), since each family's rounds hold only its own targets, was %s",
                  family, providerPath, provider.id(), ofFamily, minTargetsUp));
        }
        if (ofFamily == 0) {
          problems.add(
              String.format(
                  "%s ('%s') has %s but runs no %s test case, so its %s could never be judged:"
                      + " add a test case whose target is an %s address, or set %s.%s = false",
                  providerPath, provider.id(), family, family, family, family, providerPath,
                  family.key()));
        }
      }
    }
  }

  /**
   * {@code type "ping", target 2001:db8::1}: a test case as a message names it, with its {@code
   * target} or {@code host} if it has one (the built-in types' keys, and the usual ones of
   * plugins).
   */
  private static String describeTestCase(TestCaseConfig testCase) {
    String key = testCase.settings().containsKey("target") ? "target" : "host";
    Object value = testCase.settings().get(key);
    return "type \""
        + Messages.shorten(testCase.type())
        + "\""
        + (value instanceof String text ? ", " + key + " " + Messages.shorten(text) : "");
  }

  private List<Provider> providers(List<Table> tables) {
    List<Provider> providers = new ArrayList<>();
    for (Table table : tables) {
      Optional<String> id = table.requiredString("id");
      Optional<String> interfaceName = table.requiredString("interface_name");
      // Omitted: learned from the interface (a DHCP lease, a point-to-point peer); see
      // docs/configuration.md, "Learned values". A key that is present must be valid.
      Optional<String> address = table.string("ipv4_address");
      Optional<String> network = table.string("network");
      Optional<String> gateway = table.string("gateway");
      Optional<String> tableName = table.requiredString("rt_table_name");
      Optional<Integer> tableId = table.requiredInteger("rt_table_id");
      // IPv6 (issue 16): ipv4 stays on unless turned off; ipv6 is on when asked for, or when any
      // ipv6_* value is given (writing an IPv6 address means wanting IPv6).
      Optional<Boolean> ipv4 = table.bool("ipv4");
      Optional<Boolean> ipv6 = table.bool("ipv6");
      Optional<String> ipv6Address = table.string("ipv6_address");
      Optional<String> ipv6Prefix = table.string("ipv6_prefix");
      Optional<String> ipv6Gateway = table.string("ipv6_gateway");
      table.reportUnknownKeys(PROVIDER_KEYS);
      boolean invalidLearnable =
          (table.has("ipv4_address") && address.isEmpty())
              || (table.has("network") && network.isEmpty())
              || (table.has("gateway") && gateway.isEmpty())
              || (table.has("ipv6_address") && ipv6Address.isEmpty())
              || (table.has("ipv6_prefix") && ipv6Prefix.isEmpty())
              || (table.has("ipv6_gateway") && ipv6Gateway.isEmpty())
              || (table.has("ipv4") && ipv4.isEmpty())
              || (table.has("ipv6") && ipv6.isEmpty());
      if (id.isEmpty()
          || interfaceName.isEmpty()
          || invalidLearnable
          || tableName.isEmpty()
          || tableId.isEmpty()) {
        continue;
      }
      boolean anyIpv6Value = IPV6_KEYS.stream().anyMatch(table::has);
      Provider provider;
      try {
        Provider ipv4Part =
            Provider.of(
                id.get(),
                interfaceName.get(),
                address.orElse(null),
                network.orElse(null),
                gateway.orElse(null),
                tableName.get(),
                tableId.get());
        provider =
            new Provider(
                ipv4Part.id(),
                ipv4Part.interfaceName(),
                ipv4Part.ipv4Address(),
                ipv4Part.network(),
                ipv4Part.gateway(),
                ipv4Part.rtTableName(),
                ipv4Part.rtTableId(),
                ipv4.orElse(true),
                ipv6.orElse(anyIpv6Value),
                parseIpv6("ipv6_address", ipv6Address, Ipv6::parse),
                parseIpv6("ipv6_prefix", ipv6Prefix, Ipv6Network::parse),
                parseIpv6("ipv6_gateway", ipv6Gateway, Ipv6::parse));
      } catch (IllegalArgumentException e) {
        // Provider's messages start with the field's name; the path makes it a key of the file.
        table.problems.add(table.path + "." + e.getMessage());
        continue;
      }
      if (provider.onlink()) {
        // A learned gateway outside the learned network is used on-link, as the kernel would; a
        // configured one is almost always a typo.
        table.problems.add(
            table.pathOf("gateway")
                + " must lie inside network "
                + provider.network()
                + ", was "
                + provider.gateway().getHostAddress());
        continue;
      }
      providers.add(provider);
    }
    return providers;
  }

  /**
   * The IPv6 value {@code key} written as {@code text}, or null if it is not given; a message that
   * starts with the key, as {@code Provider}'s do.
   */
  private static <T> @Nullable T parseIpv6(
      String key, Optional<String> text, Function<String, T> parser) {
    if (text.isEmpty()) {
      return null;
    }
    try {
      return parser.apply(text.get());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " " + e.getMessage(), e);
    }
  }

  /**
   * The test cases each provider lists of its own, by provider id (providers whose id or own test
   * cases have problems are left out, with the problems recorded): {@code global_test_cases} is
   * required with them and meaningless without them.
   */
  private Map<String, ProviderTestCases> providerTestCases(List<Table> tables) {
    Map<String, ProviderTestCases> own = new LinkedHashMap<>();
    for (Table table : tables) {
      boolean hasOwn = table.has("test_cases");
      Optional<Boolean> global = table.bool("global_test_cases");
      if (!hasOwn) {
        if (table.has("global_test_cases")) {
          table.problems.add(
              String.format(
                  "%s is set (was %s), but %s lists no test cases of its own: add"
                      + " [[providers.test_cases]] tables to it, or remove the key",
                  table.pathOf("global_test_cases"),
                  describe(table.node.get("global_test_cases")),
                  table.path));
        }
        continue;
      }
      Optional<List<Table>> tablesOfOwn = table.tables("test_cases");
      if (!table.has("global_test_cases")) {
        table.problems.add(
            String.format(
                "%s is required when %s is given: true runs the provider's own test cases in"
                    + " addition to the global test_cases, false runs them instead",
                table.pathOf("global_test_cases"), table.pathOf("test_cases")));
      }
      if (tablesOfOwn.isEmpty()) {
        continue;
      }
      if (tablesOfOwn.get().isEmpty()) {
        table.problems.add(
            table.pathOf("test_cases")
                + " must hold at least one test case ([[providers.test_cases]]), was an empty"
                + " array");
        continue;
      }
      List<TestCaseConfig> testCases = testCases(tablesOfOwn.get());
      JsonNode id = table.node.get("id");
      if (global.isPresent()
          && testCases.size() == tablesOfOwn.get().size()
          && id != null
          && id.isTextual()) {
        own.put(id.textValue(), new ProviderTestCases(global.get(), testCases));
      }
    }
    return own;
  }

  private List<TestCaseConfig> testCases(List<Table> tables) {
    List<TestCaseConfig> testCases = new ArrayList<>();
    for (Table table : tables) {
      Optional<String> type = table.requiredString("type");
      Map<String, Object> settings = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> entry : table.node.properties()) {
        if (!entry.getKey().equals("type")) {
          settings.put(entry.getKey(), toJava(entry.getValue()));
        }
      }
      type.ifPresent(t -> testCases.add(new TestCaseConfig(t, settings)));
    }
    return testCases;
  }

  /** A TOML value as the plain Java object a {@link dev.failover.api.ScenarioSettings} expects. */
  private static Object toJava(JsonNode node) {
    if (node.isTextual()) {
      return node.textValue();
    } else if (node.isBoolean()) {
      return node.booleanValue();
    } else if (node.isIntegralNumber()) {
      return node.canConvertToInt() ? (Object) node.intValue() : (Object) node.longValue();
    } else if (node.isNumber()) {
      return node.doubleValue();
    } else if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(element -> list.add(toJava(element)));
      return List.copyOf(list);
    } else if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), toJava(e.getValue())));
      return java.util.Collections.unmodifiableMap(map);
    }
    return node.asText();
  }

  /** A value for a message: strings quoted, everything else with its TOML type. */
  static String describe(@Nullable Object value) {
    if (value == null) {
      return "nothing";
    } else if (value instanceof String) {
      return "'" + Messages.shorten((String) value) + "'";
    } else if (value instanceof JsonNode) {
      JsonNode node = (JsonNode) value;
      if (node.isTextual()) {
        return "'" + Messages.shorten(node.textValue()) + "' (string)";
      } else if (node.isArray()) {
        return "an array";
      } else if (node.isObject()) {
        return "a table";
      }
      return Messages.shorten(node.asText()) + " (" + typeName(node) + ")";
    } else if (value instanceof List) {
      return "an array";
    } else if (value instanceof Map) {
      return "a table";
    }
    return value + " (" + (value instanceof Boolean ? "boolean" : "number") + ")";
  }

  private static String typeName(JsonNode node) {
    if (node.isIntegralNumber()) {
      return "integer";
    } else if (node.isNumber()) {
      return "float";
    } else if (node.isBoolean()) {
      return "boolean";
    }
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static String describeSyntax(JacksonException e) {
    JsonLocation location = e.getLocation();
    // The parser's message may quote the text at fault: escaped and cut like a value.
    String message = Messages.shorten(String.valueOf(e.getOriginalMessage()));
    if (location == null || location.getLineNr() < 1) {
      return message;
    }
    return message + " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private static String describeIo(IOException e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  /**
   * One table of the file, with its path for messages, which records the problems of its keys and
   * remembers which keys were read.
   */
  private static final class Table {
    final String path;
    final ObjectNode node;
    final List<String> problems;

    Table(String path, ObjectNode node, List<String> problems) {
      this.path = path;
      this.node = node;
      this.problems = problems;
    }

    String pathOf(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    boolean has(String key) {
      return node.has(key);
    }

    private Optional<JsonNode> get(String key) {
      return Optional.ofNullable(node.get(key));
    }

    private <T> Optional<T> fail(String key, String rule, JsonNode value) {
      problems.add(pathOf(key) + " must be " + rule + ", was " + describe(value));
      return Optional.empty();
    }

    Optional<String> string(String key) {
      Optional<JsonNode> value = get(key);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      JsonNode v = value.get();
      if (!v.isTextual() || v.textValue().isBlank()) {
        return fail(key, "a non-empty string", v);
      }
      return Optional.of(v.textValue());
    }

    /** A string that may be empty (where empty means "off"). */
    Optional<String> stringOrEmpty(String key) {
      Optional<JsonNode> value = get(key);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      JsonNode v = value.get();
      if (!v.isTextual()) {
        return fail(key, "a string", v);
      }
      return Optional.of(v.textValue());
    }

    Optional<String> requiredString(String key) {
      if (!has(key)) {
        problems.add(pathOf(key) + " is required");
        return Optional.empty();
      }
      return string(key);
    }

    Optional<Integer> integer(String key) {
      Optional<JsonNode> value = get(key);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      JsonNode v = value.get();
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        return fail(key, "a whole number between -2147483648 and 2147483647", v);
      }
      return Optional.of(v.intValue());
    }

    /** A 32-bit mark: a whole number from 0 to 0xffffffff (TOML takes {@code 0x0f000000}). */
    Optional<Integer> mark(String key) {
      Optional<JsonNode> value = get(key);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      JsonNode v = value.get();
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0
          || v.longValue() > 0xffffffffL) {
        return fail(key, "a whole number from 0x00000000 to 0xffffffff", v);
      }
      return Optional.of((int) v.longValue());
    }

    Optional<Integer> requiredInteger(String key) {
      if (!has(key)) {
        problems.add(pathOf(key) + " is required");
        return Optional.empty();
      }
      return integer(key);
    }

    /** A duration written as a (possibly fractional) number of seconds, > 0. */
    Optional<Duration> seconds(String key) {
      return seconds(key, false);
    }

    /** A duration written as a (possibly fractional) number of seconds, >= 0. */
    Optional<Duration> secondsOrZero(String key) {
      return seconds(key, true);
    }

    private Optional<Duration> seconds(String key, boolean zeroAllowed) {
      Optional<JsonNode> value = get(key);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      JsonNode v = value.get();
      if (!v.isNumber()) {
        return fail(key, "a number of seconds", v);
      }
      double seconds = v.doubleValue();
      if (!Double.isFinite(seconds)
          || (zeroAllowed ? seconds < 0 : seconds <= 0)
          || seconds > FailoverConfig.MAX_INTERVAL.getSeconds()) {
        return fail(
            key, "a number of seconds " + (zeroAllowed ? ">=" : ">") + " 0 and <= 86400", v);
      }
      Duration duration = Durations.ofSeconds(seconds);
      if (duration.compareTo(Durations.MIN_CONFIGURED) < 0 && !(zeroAllowed && seconds == 0)) {
        return fail(
            key,
            (zeroAllowed ? "0 or " : "")
                + "at least "
                + Durations.format(Durations.MIN_CONFIGURED)
                + " (the floor of every duration in the file)",
            v);
      }
      return Optional.of(duration);
    }

    /** A finite number, integer or float; its range is the reader's to check. */
    Optional<Double> number(String key) {
      Optional<JsonNode> value = get(key);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      JsonNode v = value.get();
      if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
        return fail(key, "a finite number", v);
      }
      return Optional.of(v.doubleValue());
    }

    Optional<Boolean> bool(String key) {
      Optional<JsonNode> value = get(key);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      JsonNode v = value.get();
      if (!v.isBoolean()) {
        return fail(key, "true or false", v);
      }
      return Optional.of(v.booleanValue());
    }

    Optional<Path> path(String key, Path baseDir) {
      Optional<String> text = string(key);
      if (text.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(baseDir.resolve(text.get()).normalize());
      } catch (InvalidPathException e) {
        // A NUL character, or text that is not valid Unicode (a lone surrogate).
        return fail(key, "a path without NUL characters, in valid Unicode", node.get(key));
      }
    }

    /** An array of tables, {@code [[key]]}. */
    Optional<List<Table>> tables(String key) {
      Optional<JsonNode> value = get(key);
      if (value.isEmpty()) {
        return Optional.empty();
      }
      JsonNode v = value.get();
      if (!v.isArray()) {
        return fail(key, "an array of tables ([[" + key + "]])", v);
      }
      List<Table> tables = new ArrayList<>();
      for (int i = 0; i < v.size(); i++) {
        String elementPath = pathOf(key) + "[" + i + "]";
        JsonNode element = v.get(i);
        if (element.isObject()) {
          tables.add(new Table(elementPath, (ObjectNode) element, problems));
        } else {
          problems.add(elementPath + " must be a table, was " + describe(element));
        }
      }
      return Optional.of(tables);
    }

    void reportUnknownKeys(List<String> known) {
      Set<String> unknown = new LinkedHashSet<>();
      node.fieldNames().forEachRemaining(unknown::add);
      unknown.removeAll(known);
      int listed = 0;
      for (String key : unknown) {
        if (listed++ == MAX_UNKNOWN_KEYS_LISTED) {
          // Each listed key costs a typo search and a message: a file of many keys is cut short.
          problems.add(
              String.format(
                  "%s %d more unknown keys, not listed",
                  path.isEmpty() ? "and" : path + ": and",
                  unknown.size() - MAX_UNKNOWN_KEYS_LISTED));
          break;
        }
        String replaced = REPLACED_KEYS.get(key);
        problems.add(
            pathOf(Messages.shorten(key))
                + " is not a known key"
                + (replaced != null
                    ? " (" + replaced + ")"
                    : suggestion(key, known).map(s -> " (did you mean '" + s + "'?)").orElse(""))
                // The value is not echoed: an unknown key's value may be anything, of any length.
                + "; known keys: "
                + String.join(", ", known));
      }
    }
  }

  /**
   * The problems found so far. After {@link #MAX_PROBLEMS} they are only counted: a file of a
   * hundred thousand unknown keys would otherwise make a message of a hundred megabytes.
   */
  private static final class Problems extends ArrayList<String> {
    private static final long serialVersionUID = 1L;
    private int dropped;

    @Override
    public boolean add(String problem) {
      if (size() >= MAX_PROBLEMS) {
        dropped++;
        return true;
      }
      return super.add(problem);
    }

    InvalidConfigException exception() {
      List<String> listed = new ArrayList<>(this);
      if (dropped > 0) {
        listed.add("and " + dropped + " more problems, not listed");
      }
      return new InvalidConfigException(listed);
    }
  }

  /** Longer keys get no suggestion: the longest known key has 32 characters. */
  private static final int MAX_SUGGESTED_KEY_LENGTH = 64;

  /** The known key closest to {@code key}, if it is a likely typo of it. */
  static Optional<String> suggestion(String key, List<String> known) {
    if (key.length() > MAX_SUGGESTED_KEY_LENGTH) {
      return Optional.empty(); // no typo of a known key, and the distance would be costly
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = distance(key.toLowerCase(Locale.ROOT), candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    // Two edits catch a dropped, doubled or swapped letter, and upper case carried over from
    // config.py, without suggesting unrelated keys.
    return bestDistance <= 2 ? Optional.ofNullable(best) : Optional.empty();
  }

  /** The Levenshtein distance between {@code a} and {@code b}. */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
