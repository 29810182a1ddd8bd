package dev.failover.launcher.cli;

import dev.failover.api.AddressFamily;
import dev.failover.api.Provider;
import dev.failover.core.DampedPolicy;
import dev.failover.core.DampedPolicySettings;
import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.config.Durations;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.LoadedConfig;
import dev.failover.launcher.config.Messages;
import dev.failover.launcher.config.TestCaseConfig;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.IntSummaryStatistics;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code check-config FILE}: checks a config without touching anything, and summarises it.
 *
 * <p>Plugin jars: their files are checked first ({@code PluginJars}: root's and writable by nobody
 * else), and only then loaded, so that the test cases of their types are checked too; code that
 * does not pass never runs. Without root, a test case that needs root to work (an ICMP socket)
 * becomes a note saying it was not verified, not a refusal.
 */
@Command(
    name = "check-config",
    header = "Checks a config file; touches nothing.",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a config file: prints OK and a summary, or 'Invalid configuration: ...' naming the"
          + " key, the rule and the value, and exits with 2. Touches nothing.",
      "The jars of plugins_dir are loaded (to check their test cases) only after the folder and"
          + " every jar have passed the ownership checks (root's, writable by nobody else). Run as"
          + " another user, it notes what it could not verify without root (such as opening an"
          + " ICMP socket) instead of refusing the config."
    })
final class CheckConfigCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      description = "The config file (default: ${DEFAULT-VALUE}).",
      defaultValue = "/etc/failover/failover.toml")
  Path file = ConfigLoader.DEFAULT_CONFIG_FILE;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<LoadedConfig> loaded = FailoverCommand.checkConfig(file, spec.commandLine().getErr());
    if (loaded.isEmpty()) {
      return ExitCodes.INVALID;
    }
    FailoverConfig config = loaded.get().config();
    out.println("OK: " + file);
    out.printf(
        Locale.ROOT,
        "check every %s, every %s while a provider is in doubt (probe timeout %s), %d rounds kept"
            + " per provider%n",
        Durations.format(config.checkInterval()),
        Durations.format(config.fastCheckInterval()),
        config.probeTimeouts().adaptive()
            ? "following the round trip, "
                + Durations.format(config.probeTimeouts().min())
                + " to "
                + Durations.format(config.probeTimeouts().max())
                + ", "
                + Durations.format(config.probeTimeout())
                + " until a target first answers"
            : Durations.format(config.probeTimeout()),
        config.maxStoredTestResultCount());
    out.println("policy '" + config.policy() + "': " + policySummary(config));
    out.printf(Locale.ROOT, "%d providers, most preferred first:%n", config.providers().size());
    int metric = config.startMetric();
    for (Provider p : config.providers()) {
      out.printf(
          Locale.ROOT,
          "  %-12s dev %-10s src %-15s via %-15s table %s (%d), metric %d when first%n",
          p.id(),
          p.interfaceName(),
          !p.ipv4() ? "(no IPv4)" : learnedOr(p.ipv4Address()),
          !p.ipv4() ? "-" : learnedOr(p.gateway()),
          p.rtTableName(),
          p.rtTableId(),
          metric);
      if (p.ipv6()) {
        // The IPv6 values on a line of their own, so that the IPv4 line reads as it always has.
        out.printf(
            Locale.ROOT,
            "  %-12s IPv6 src %s prefix %s via %s%n",
            "",
            learnedOr(p.ipv6Address()),
            p.ipv6Prefix() == null ? "(learned)" : p.ipv6Prefix(),
            learnedOr(p.ipv6Gateway()));
      }
    }
    printTestCases(config, out);
    out.println("sticky file: " + config.stickyProviderFilename());
    out.println("status file: " + config.statusFile());
    out.println("foreign default routes: " + config.foreignDefaultRoutes().configName());
    for (String note : loaded.get().notes()) {
      out.println("note: " + Messages.escape(note));
    }
    out.flush();
    return ExitCodes.OK;
  }

  private static String learnedOr(@Nullable InetAddress address) {
    return address == null ? "(learned)" : AddressFamily.text(address);
  }

  /** The global test cases, and each provider's own with whether it keeps the global ones. */
  private static void printTestCases(FailoverConfig config, PrintWriter out) {
    if (!config.globalTestCasesRun()) {
      out.println("no global test cases run: every provider runs only its own");
    } else {
      out.printf(
          Locale.ROOT,
          "%d test cases, run through every provider each round%s:%n",
          config.testCases().size(),
          config.providerTestCases().isEmpty() ? "" : " (except those that run only their own)");
      for (TestCaseConfig testCase : config.testCases()) {
        out.println("  " + testCase.table());
      }
    }
    config
        .providerTestCases()
        .forEach(
            (id, own) -> out.println("provider " + id + " lists test cases: " + own.summary()));
  }

  /** The selected policy's settings, in the config's words. */
  private static String policySummary(FailoverConfig config) {
    if (config.policy().equals(DampedPolicy.NAME)) {
      DampedPolicySettings d = config.dampedPolicy();
      return String.format(
          Locale.ROOT,
          "down after %d failed rounds in a row or when the loss test finds packet loss nearer"
              + " %s%% than %s%% (false alarm probability %s); up after %d successes in a row and"
              + " the recovery test (false recovery probability %s), then failback_dwell %s; %d"
              + " of %s targets must answer%s; flap damping %s",
          d.downConsecutiveFailures(),
          plain(d.lossDegradedPercent()),
          plain(d.lossAcceptablePercent()),
          plain(d.lossFalseAlarmProbability()),
          d.upConsecutiveSuccesses(),
          plain(d.lossFalseRecoveryProbability()),
          Durations.format(d.failbackDwell()),
          d.minTargetsUp(),
          targetCount(config),
          d.maxLatency().map(l -> ", within " + Durations.format(l)).orElse(""),
          d.flapPenalty() == 0
              ? "off"
              : "penalty " + plain(d.flapPenalty()) + ", half-life "
                  + Durations.format(d.flapHalfLife()));
    }
    return String.format(
        Locale.ROOT,
        "reliable with at most %d failed rounds kept and more than %d successes in a row",
        config.maxFailedChecks(),
        config.minConsecutiveSucceededChecks());
  }

  /** How many targets each round holds: one number, or the range over the providers. */
  private static String targetCount(FailoverConfig config) {
    IntSummaryStatistics counts =
        config.providerIds().stream()
            .mapToInt(id -> config.testCasesOf(id).size())
            .summaryStatistics();
    return counts.getMin() == counts.getMax()
        ? String.valueOf(counts.getMin())
        : counts.getMin() + " to " + counts.getMax();
  }

  private static String plain(double value) {
    return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
