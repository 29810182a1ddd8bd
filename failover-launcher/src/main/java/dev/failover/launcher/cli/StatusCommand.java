package dev.failover.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.config.FailoverConfig;
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
          + " recent results, loss and latency, and the sticky state; per address family (IPv4,"
          + " IPv6) when a provider has IPv6.",
      "Reads the config's status_file (the config is only parsed: no plugin is loaded, no socket"
          + " opened) and says which file it read; a config that cannot be used is an error, never"
          + " a reason to read another file.",
      "Exits with 3 if the daemon is not running or its status is stale, with 2 if the config"
          + " cannot be used, and with 1 if the status file cannot be read (the message names the"
          + " file and the key at fault)."
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

  /** The key {@code --json} adds: the file the status was read from. */
  static final String READ_FROM_KEY = "read_from";

  @Option(
      names = "--json",
      description = "Print the status as JSON, with its freshness and the file read added.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // Only parsed: status runs without root, and must run no plugin code and open no socket.
    Optional<FailoverConfig> loaded = Optional.empty();
    Path file;
    String source;
    if (statusFile != null) {
      file = statusFile;
      source = "--status-file";
    } else {
      loaded = FailoverCommand.parseConfig(config, err);
      if (loaded.isEmpty()) {
        // Never another file in its place: a default that is not the daemon's would show a
        // status that is not this router's.
        err.println(
            "(the status file is named by the config; give --status-file FILE to read one"
                + " without it)");
        err.flush();
        return ExitCodes.INVALID;
      }
      file = loaded.get().statusFile();
      source = "status_file of " + config;
    }
    Optional<StatusDocument> status = new StatusFile(file).readDocument();
    if (status.isEmpty()) {
      err.println(
          "No status file at "
              + file
              + " ("
              + source
              + "): the daemon is not running (start it with 'systemctl start failover').");
      err.flush();
      return ExitCodes.NOT_RUNNING;
    }
    Instant now = Instant.now();
    if (json) {
      ObjectNode tree = StatusReport.annotate(status.get(), now);
      tree.put(READ_FROM_KEY, file.toString());
      out.println(StatusFile.toText(tree));
    } else {
      out.println("status file: " + file + " (" + source + ")");
      out.print(StatusReport.render(status.get(), now));
      if (loaded.isPresent()) {
        printFlows(loaded.get(), out);
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
  private static void printFlows(FailoverConfig loaded, PrintWriter out) {
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
}
