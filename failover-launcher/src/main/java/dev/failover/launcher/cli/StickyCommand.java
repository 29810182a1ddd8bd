package dev.failover.launcher.cli;

import dev.failover.core.StickyProviderFile;
import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.status.StatusFile;
import dev.failover.linux.NoFollowFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code sticky set ID} and {@code sticky clear}: force a provider to be main, or stop forcing,
 * through the sticky file named in the config; the daemon reads it at every tick.
 *
 * <p>The config is only parsed ({@link dev.failover.launcher.config.ConfigLoader#parsingOnly}):
 * no plugin code runs and no socket is opened, whoever runs the command.
 */
@Command(
    name = "sticky",
    header = "Forces a provider to be main, or stops forcing.",
    mixinStandardHelpOptions = true,
    description = "Forces a provider to be main (set), or lets the daemon choose again (clear).",
    subcommands = {StickyCommand.Set.class, StickyCommand.Clear.class})
final class StickyCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The config file naming the sticky file (default: ${DEFAULT-VALUE}).",
      defaultValue = "/etc/failover/failover.toml",
      scope = CommandLine.ScopeType.INHERIT)
  Path config = ConfigLoader.DEFAULT_CONFIG_FILE;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing 'set ID' or 'clear'");
  }

  /** {@code sticky set ID}. */
  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description =
          "Writes ID to the sticky file: that provider becomes main at the daemon's next tick,"
              + " whatever its health.")
  static final class Set implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.ParentCommand StickyCommand parent;

    @Parameters(index = "0", paramLabel = "ID", description = "A configured provider's id.")
    String id = "";

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Optional<FailoverConfig> config = FailoverCommand.parseConfig(parent.config, err);
      if (config.isEmpty()) {
        return ExitCodes.INVALID;
      }
      if (!config.get().providerIds().contains(id)) {
        err.println(
            "Unknown provider '"
                + id
                + "': the configured providers are "
                + String.join(", ", config.get().providerIds()));
        err.flush();
        return ExitCodes.INVALID;
      }
      Path file = config.get().stickyProviderFilename();
      if (!mayReplace(file, err)) {
        return ExitCodes.INVALID;
      }
      writeAtomically(file, StickyProviderFile.content(id));
      out.println(
          "provider '" + id + "' is forced to be main from the daemon's next tick (" + file + ")");
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code sticky clear}. */
  @Command(
      name = "clear",
      mixinStandardHelpOptions = true,
      description = "Removes the sticky file: the daemon chooses the main provider again.")
  static final class Clear implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @CommandLine.ParentCommand StickyCommand parent;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      Optional<FailoverConfig> config =
          FailoverCommand.parseConfig(parent.config, spec.commandLine().getErr());
      if (config.isEmpty()) {
        return ExitCodes.INVALID;
      }
      Path file = config.get().stickyProviderFilename();
      if (!mayReplace(file, spec.commandLine().getErr())) {
        return ExitCodes.INVALID;
      }
      out.println(
          Files.deleteIfExists(file)
              ? "sticky provider cleared (" + file + " removed); the daemon chooses again"
              : "no sticky provider was set (" + file + " does not exist)");
      out.flush();
      return ExitCodes.OK;
    }
  }

  /**
   * Whether {@code file} is missing or holds a sticky file's content, which set may replace and
   * clear may remove; otherwise says why not on {@code err}. failover never replaces or removes a
   * file it did not write: a sticky path that names another file (a typo, a system file) is
   * refused, naming the path.
   */
  static boolean mayReplace(Path file, PrintWriter err) throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)
        || StickyProviderFile.holdsStickyContent(file, NoFollowFiles::read)) {
      return true;
    }
    err.println(
        "Refused: "
            + file
            + " (sticky_provider_filename) is not a sticky file: it is not a regular file of at"
            + " most "
            + StickyProviderFile.MAX_BYTES
            + " bytes holding one provider id, so failover did not write it and leaves it alone."
            + " Remove or move it yourself, or name another path in the config");
    err.flush();
    return false;
  }

  /** Writes {@code text} to {@code file} so that the daemon never reads half of it. */
  static void writeAtomically(Path file, String text) throws IOException {
    Path folder = file.toAbsolutePath().getParent();
    Files.createDirectories(folder);
    Path temporary = Files.createTempFile(folder, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      StatusFile.makeWorldReadable(temporary);
      try {
        Files.move(
            temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }
}
