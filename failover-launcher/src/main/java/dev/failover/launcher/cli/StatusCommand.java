package dev.failover.launcher.cli;

import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.InvalidConfigException;
import dev.failover.launcher.status.StatusDocument;
import dev.failover.launcher.status.StatusFile;
import dev.failover.launcher.status.StatusReport;
import dev.failover.linux.FlowPinning;
import dev.failover.linux.FlowPinningException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code status [--json]}: what the running daemon knows, from the status file it writes. */
@Command(
    name = "status",
    header = "Shows the running daemon's status.",
    mixinStandardHelpOptions = true,
    description = {
      "Shows the running daemon's status: the main provider and why, each provider's verdict,"
          + " recent results, loss and latency, and the sticky state.",
      "Exits with 3 if the daemon is not running or its status is stale, and with 1 if the"
          + " status file cannot be read (the message names the file and the key at fault)."
    })
final class StatusCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The config file naming the status file (default: ${DEFAULT-VALUE}).",
      defaultValue = "/etc/failover/failover.toml")
  Path config = ConfigLoader.DEFAULT_CONFIG_FILE;

  @Option(
      names = "--status-file",
      paramLabel = "FILE",
      description = "Read this status file instead of the config's status_file.")
  @Nullable Path statusFile;

  @Option(names = "--json", description = "Print the status as JSON, with its freshness added.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path file = statusFile != null ? statusFile : statusFileOf(config, err);
    Optional<StatusDocument> status = new StatusFile(file).readDocument();
    if (status.isEmpty()) {
      err.println(
          "No status file at "
              + file
              + ": the daemon is not running (start it with 'systemctl start failover').");
      err.flush();
      return ExitCodes.NOT_RUNNING;
    }
    Instant now = Instant.now();
    if (json) {
      out.println(StatusFile.toText(StatusReport.annotate(status.get(), now)));
    } else {
      out.print(StatusReport.render(status.get(), now));
      if (statusFile == null) {
        printFlows(config, out);
      }
    }
    out.flush();
    return StatusReport.freshness(status.get(), now) == StatusReport.Freshness.FRESH
        ? ExitCodes.OK
        : ExitCodes.NOT_RUNNING;
  }

  /**
   * Prints how many flows (conntrack entries) carry each provider's mark, counted now over
   * ctnetlink in the command's own network namespace; says why if they cannot be counted.
   */
  private static void printFlows(Path config, PrintWriter out) {
    FailoverConfig loaded;
    try {
      loaded = new ConfigLoader().load(config);
    } catch (InvalidConfigException e) {
      return; // already reported by statusFileOf
    }
    if (!loaded.flowPinning().settings().needsMarks()) {
      out.println("flows per provider: not counted (pin_flows = false, flush_flows_on_down not"
          + " 'provider': flows are not marked)");
      return;
    }
    try {
      Map<String, Long> counts =
          new FlowPinning(loaded.flowPinning().settings(), loaded.providers()).flowCounts();
      StringBuilder line = new StringBuilder("flows per provider (conntrack):");
      counts.forEach((id, count) -> line.append(' ').append(id).append(' ').append(count));
      out.println(line);
    } catch (FlowPinningException e) {
      out.println("flows per provider: cannot count (" + e.getMessage() + ")");
    }
  }

  /** The config's status file, or the default one if the config cannot be read. */
  private static Path statusFileOf(Path config, PrintWriter err) {
    try {
      FailoverConfig loaded = new ConfigLoader().load(config);
      return loaded.statusFile();
    } catch (InvalidConfigException e) {
      err.println(
          "(cannot use the config "
              + config
              + ", reading the default status file: "
              + e.getMessage()
              + ")");
      return FailoverConfig.DEFAULT_STATUS_FILE;
    }
  }
}
