package dev.failover.launcher.cli;

import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.InvalidConfigException;
import dev.failover.launcher.config.LoadedConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code failover} command; it only dispatches to its subcommands. */
@Command(
    name = "failover",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Keeps a Linux router online across several internet uplinks: checks every uplink through"
          + " itself, and gives the best reliable one the lowest-metric default route.",
      ""
    },
    subcommands = {
      RunCommand.class,
      CheckConfigCommand.class,
      StatusCommand.class,
      StickyCommand.class,
      InstallCommand.class,
      UninstallCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Exit codes: 0 ok, 1 failure, 2 invalid configuration or usage, 3 daemon not running.",
      "Docs: docs/configuration.md and docs/operations.md."
    })
public final class FailoverCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command");
  }

  /**
   * Runs the command line {@code args}, printing to {@code out} and {@code err}.
   *
   * @return the exit code
   */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new FailoverCommand());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(
        (exception, line, parseResult) -> {
          line.getErr().println("failover: " + exception.getMessage());
          if (Boolean.getBoolean("failover.debug")) {
            exception.printStackTrace(line.getErr());
          }
          line.getErr().flush();
          return ExitCodes.FAILURE;
        });
    int code = commandLine.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /**
   * Parses and checks {@code file} as {@link #checkConfig}, but only parsing: no plugin is loaded
   * and no test case is built (so no socket is opened), for the commands that need only the
   * config's paths and providers and run without root ({@code status}, {@code sticky}).
   */
  static Optional<FailoverConfig> parseConfig(Path file, PrintWriter err) {
    try {
      return Optional.of(ConfigLoader.parsingOnly().load(file));
    } catch (InvalidConfigException e) {
      err.println("Invalid configuration: " + e.getMessage());
      err.flush();
      return Optional.empty();
    }
  }

  /**
   * Loads and checks {@code file}, keeping the loader's notes (valid settings that are probably
   * not meant, such as keys of a policy that is not selected); on failure prints {@code Invalid
   * configuration: <message>} to {@code err}, without a stack trace, and returns empty.
   */
  static Optional<LoadedConfig> checkConfig(Path file, PrintWriter err) {
    try {
      return Optional.of(new ConfigLoader().check(file));
    } catch (InvalidConfigException e) {
      err.println("Invalid configuration: " + e.getMessage());
      err.flush();
      return Optional.empty();
    }
  }
}
