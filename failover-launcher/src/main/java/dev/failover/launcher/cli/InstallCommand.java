package dev.failover.launcher.cli;

import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.config.InvalidConfigException;
import dev.failover.launcher.install.HostActions;
import dev.failover.launcher.install.InstallRefusedException;
import dev.failover.launcher.install.Installer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code install [--root DIR]}: puts the jar, config, table names and systemd unit in place. */
@Command(
    name = "install",
    header = "Installs the daemon as a systemd service.",
    mixinStandardHelpOptions = true,
    description = {
      "Installs failover under ROOT (default /): checks the config and writes every new file beside"
          + " its place first, then replaces a previous install (keeping its config and"
          + " routes): copies this jar to ROOT/"
          + Installer.JAR_PATH
          + ", the config to ROOT/"
          + Installer.CONFIG_PATH
          + " (an existing one is kept unless --force), writes the"
          + " routing-table names and the systemd unit ROOT/"
          + Installer.UNIT_PATH
          + ", then"
          + " enables and starts it.",
      "It never replaces a file it did not write (one without failover's header), nor writes"
          + " outside ROOT (symbolic links are resolved); it refuses, naming the path, and changes"
          + " nothing.",
      "systemctl runs only when ROOT is / and systemd runs the machine; otherwise the commands are"
          + " printed. Without --config and without an installed config, the example config is"
          + " installed and the service is not started."
    })
final class InstallCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--root", paramLabel = "DIR", description = "Install under DIR (default: /).")
  Path root = Path.of("/");

  @Option(names = "--config", paramLabel = "FILE", description = "The config to install.")
  @Nullable Path config;

  @Option(names = "--force", description = "Replace an installed config with --config.")
  boolean force;

  @Option(
      names = "--jar",
      paramLabel = "FILE",
      description = "The jar to install (default: the running failover.jar).")
  @Nullable Path jar;

  @Option(
      names = "--java",
      paramLabel = "PATH",
      description = "The java launcher the unit runs (default: the one running this command).")
  @Nullable Path java;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<Path> source = jar != null ? Optional.of(jar) : runningJar();
    if (source.isEmpty()) {
      err.println(
          "install must run from failover.jar (java -jar failover.jar install), or get --jar FILE");
      err.flush();
      return ExitCodes.INVALID;
    }
    Installer installer =
        new Installer(root, out, HostActions.forRoot(root, out, false), new ConfigLoader());
    try {
      installer.install(
          new Installer.Options(
              source.get(),
              Optional.ofNullable(config),
              force,
              java != null ? java : runningJava()));
    } catch (InvalidConfigException e) {
      err.println("Invalid configuration: " + e.getMessage());
      err.flush();
      return ExitCodes.INVALID;
    } catch (InstallRefusedException e) {
      out.flush();
      err.println("Refused: " + e.getMessage());
      err.flush();
      return ExitCodes.INVALID;
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** The jar this code runs from, if it runs from a jar. */
  static Optional<Path> runningJar() {
    try {
      var source = InstallCommand.class.getProtectionDomain().getCodeSource();
      if (source == null) {
        return Optional.empty();
      }
      Path path = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(path) && path.toString().endsWith(".jar")
          ? Optional.of(path)
          : Optional.empty();
    } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
      return Optional.empty();
    }
  }

  /** The java launcher running this process. */
  static Path runningJava() {
    return ProcessHandle.current()
        .info()
        .command()
        .map(Path::of)
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
  }
}
