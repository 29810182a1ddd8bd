package dev.failover.launcher.cli;

import dev.failover.api.Provider;
import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.config.Durations;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.TestCaseConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code check-config FILE}: checks a config without touching anything, and summarises it. */
@Command(
    name = "check-config",
    header = "Checks a config file; touches nothing.",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a config file: prints OK and a summary, or 'Invalid configuration: ...' naming the"
          + " key, the rule and the value, and exits with 2. Touches nothing."
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
    Optional<FailoverConfig> loaded = FailoverCommand.loadConfig(file, spec.commandLine().getErr());
    if (loaded.isEmpty()) {
      return ExitCodes.INVALID;
    }
    FailoverConfig config = loaded.get();
    out.println("OK: " + file);
    out.printf(
        Locale.ROOT,
        "check every %s (probe timeout %s), policy '%s', %d rounds kept per provider%n",
        Durations.format(config.checkInterval()),
        Durations.format(config.probeTimeout()),
        config.policy(),
        config.maxStoredTestResultCount());
    out.printf(Locale.ROOT, "%d providers, most preferred first:%n", config.providers().size());
    int metric = config.startMetric();
    for (Provider p : config.providers()) {
      out.printf(
          Locale.ROOT,
          "  %-12s dev %-10s src %-15s via %-15s table %s (%d), metric %d when first%n",
          p.id(),
          p.interfaceName(),
          p.ipv4Address().getHostAddress(),
          p.gateway().getHostAddress(),
          p.rtTableName(),
          p.rtTableId(),
          metric);
    }
    out.printf(
        Locale.ROOT,
        "%d test cases, run through every provider each round:%n",
        config.testCases().size());
    for (TestCaseConfig testCase : config.testCases()) {
      out.println("  " + testCase.table());
    }
    out.println("sticky file: " + config.stickyProviderFilename());
    out.println("status file: " + config.statusFile());
    out.println("foreign default routes: " + config.foreignDefaultRoutes().configName());
    out.flush();
    return ExitCodes.OK;
  }
}
