package dev.failover.launcher.cli;

import dev.failover.launcher.DaemonSupervisor;
import dev.failover.launcher.DryRun;
import dev.failover.launcher.FailoverComponent;
import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.LoadedConfig;
import dev.failover.launcher.systemd.HangupSignal;
import dev.failover.launcher.systemd.SystemdNotify;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code run --config FILE [--dry-run]}: the daemon, in the foreground.
 *
 * <p>It does five things, in order: check the config, create the component, start the daemon,
 * register a shutdown hook that stops it (waiting at most 5 s), and wait; it exits non-zero if the
 * daemon fails. SIGTERM or Ctrl-C stop it within a second, leaving the routes in place. SIGHUP
 * reloads the config ({@link DaemonSupervisor}). Under systemd ({@code $NOTIFY_SOCKET}) it tells
 * systemd when it is ready, what it does, and that its tick loop is alive.
 */
@Command(
    name = "run",
    header = "Runs the daemon in the foreground (or once, with --dry-run).",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the daemon in the foreground until SIGTERM or Ctrl-C, which leave the routes in place.",
      "SIGHUP (systemctl reload failover) re-reads the config; an invalid one is refused and the"
          + " running one kept. Under systemd it reports readiness, status and a watchdog.",
      "With --dry-run: runs one round of probes (a few if the first decision waits) and prints"
          + " the routing state it would apply, without touching routes, rules or tables."
    })
final class RunCommand implements Callable<Integer> {
  private static final Logger logger = LoggerFactory.getLogger(RunCommand.class);

  /** How long the shutdown hook waits for the daemon to stop. */
  static final Duration STOP_LIMIT = Duration.ofSeconds(5);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The config file (default: ${DEFAULT-VALUE}).",
      defaultValue = "/etc/failover/failover.toml")
  Path config = ConfigLoader.DEFAULT_CONFIG_FILE;

  @Option(
      names = "--dry-run",
      description = "Probe once, print what would be applied, apply nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    // 1. Check the config, before anything touches the kernel.
    Optional<LoadedConfig> checked = FailoverCommand.checkConfig(config, err);
    if (checked.isEmpty()) {
      return ExitCodes.INVALID;
    }
    checked.get().notes().forEach(note -> logger.warn("config {}: {}", config, note));
    Optional<FailoverConfig> loaded = checked.map(LoadedConfig::config);
    if (dryRun) {
      DryRun.run(loaded.get(), spec.commandLine().getOut());
      spec.commandLine().getOut().flush();
      return ExitCodes.OK;
    }
    // 2. Create the component (systemd hears from it when it runs the daemon), and 3. start it.
    SystemdNotify notify =
        SystemdNotify.fromEnvironment(System.getenv(), ProcessHandle.current().pid());
    DaemonSupervisor supervisor =
        DaemonSupervisor.of(
            config,
            new ConfigLoader(),
            notify,
            c -> FailoverComponent.create(c, notify).daemon(),
            STOP_LIMIT);
    try {
      supervisor.start(loaded.get());
    } catch (IllegalArgumentException e) {
      err.println("Invalid configuration: " + e.getMessage());
      err.flush();
      return ExitCodes.INVALID;
    }
    // SIGHUP ('systemctl reload failover') re-reads the config; an invalid one is refused.
    HangupSignal.onHangup(supervisor::reload);
    // 4. Stop it on SIGTERM or Ctrl-C; the routes stay.
    Runtime.getRuntime().addShutdownHook(new Thread(supervisor::stop, "failover-shutdown"));
    // 5. Wait; a failed daemon exits non-zero (systemd then restarts it).
    return supervisor.awaitStopped() ? ExitCodes.FAILURE : ExitCodes.OK;
  }
}
