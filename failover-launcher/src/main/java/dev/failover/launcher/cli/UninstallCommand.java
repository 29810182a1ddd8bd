package dev.failover.launcher.cli;

import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.install.HostActions;
import dev.failover.launcher.install.InstallRefusedException;
import dev.failover.launcher.install.Installer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code uninstall [--root DIR]}: removes everything install made, and the daemon's routes. */
@Command(
    name = "uninstall",
    header = "Removes the daemon, its files and its routes.",
    mixinStandardHelpOptions = true,
    description = {
      "Stops and disables the service, removes the daemon's routes, rules and tables (when ROOT"
          + " is /), then the unit, the jar, the routing-table names and the config (say"
          + " --keep-config to keep it, with the sticky file). Only files failover wrote are"
          + " removed: those of its manifest that carry its header.",
      "With an invalid or unreadable installed config it changes nothing and exits non-zero,"
          + " since the daemon's routes could not be told; --force removes every route and rule"
          + " of failover's protocol (201) instead.",
      "The daemon's default routes are kept if no other default route would remain, so that an"
          + " uninstall over SSH does not cut the line; --remove-last-default-route removes them"
          + " anyway."
    })
final class UninstallCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--root", paramLabel = "DIR", description = "Uninstall from DIR (default: /).")
  Path root = Path.of("/");

  @Option(names = "--keep-config", description = "Keep the config and the sticky file.")
  boolean keepConfig;

  @Option(
      names = "--remove-last-default-route",
      description = "Remove the daemon's default routes even if no other default route remains.")
  boolean removeLastDefaultRoute;

  @Option(
      names = "--force",
      description =
          "Go on when the installed config is invalid or unreadable: remove every route and rule"
              + " of failover's protocol instead of those of the config's providers.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      new Installer(
              root, out, HostActions.forRoot(root, out, removeLastDefaultRoute), new ConfigLoader())
          .uninstall(keepConfig, force);
    } catch (InstallRefusedException e) {
      out.flush();
      err.println("Refused: " + e.getMessage());
      err.flush();
      return ExitCodes.INVALID;
    }
    out.flush();
    return ExitCodes.OK;
  }
}
