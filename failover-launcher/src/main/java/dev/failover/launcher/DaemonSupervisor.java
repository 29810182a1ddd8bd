package dev.failover.launcher;

import static com.google.common.base.Preconditions.checkNotNull;
import static com.google.common.base.Preconditions.checkState;

import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.InvalidConfigException;
import dev.failover.launcher.config.LoadedConfig;
import dev.failover.launcher.systemd.SystemdNotify;
import dev.failover.linux.RoutingTableNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon as {@code failover run} keeps it: started from a checked config, reloaded in place
 * when the config file changes ({@code systemctl reload failover}, which sends SIGHUP), stopped
 * once.
 *
 * <p><b>Reload</b> re-reads and checks the config file. An invalid file is refused: the message is
 * logged at ERROR, systemd hears {@code READY=1} with a status that says so, and the running daemon
 * goes on with its config untouched. A file whose config equals the running one changes nothing.
 * Otherwise the daemon is replaced inside the process: a new one is built from the new config
 * (refused like an invalid file if that fails, before anything stops), the running one stops (its
 * routes stay, as at every stop), and the new one starts; its first decision, held as at every
 * start until the better-ranked providers are judged, applies the new routing state, and then it
 * tells systemd {@code READY=1}. Every setting takes effect. What does not carry over, because it
 * belongs to the old config: the providers' histories and statuses (so the new daemon judges every
 * provider afresh, as after a restart), the status page's charts and timeline, and the metrics'
 * counters; the HTTP listener is closed and opened again, and the hooks hear {@code stopping} and
 * {@code started}. Routes and rules of providers no longer configured are removed by the new
 * daemon's first apply (the backend removes its own routes that are not desired). Not changed by
 * a reload, and logged when the tables changed: the routing-table names file, which {@code
 * failover install} or the package writes. The JVM's own flags are the unit's and need a restart.
 *
 * <p>Reloads run one at a time; {@link #stop} waits for one in progress. Thread-safe.
 */
public final class DaemonSupervisor {
  private static final Logger logger = LoggerFactory.getLogger(DaemonSupervisor.class);

  /** What a reload did. */
  public enum ReloadOutcome {
    /** The file is invalid (or its daemon could not be built); the running daemon goes on. */
    REFUSED,
    /** The file holds the running config; nothing changed. */
    UNCHANGED,
    /** A daemon with the new config replaced the running one. */
    RELOADED,
    /** The supervisor is stopping or was never started; nothing was done. */
    IGNORED
  }

  private final Path configFile;
  private final ConfigLoader loader;
  private final SystemdNotify notify;
  private final Function<FailoverConfig, Daemon> factory;
  private final Duration stopLimit;

  private @Nullable Daemon current;
  private @Nullable FailoverConfig currentConfig;
  private boolean reloading;
  private boolean stopping;

  /** What the supervisor needs of a daemon: {@link FailoverDaemon}'s life cycle. */
  interface Daemon {
    void startAsync();

    void stopAsync();

    boolean awaitStopped(Duration limit);

    void awaitStopped();

    boolean failed();
  }

  /**
   * A supervisor of {@link FailoverDaemon}s.
   *
   * @param configFile the file a reload reads
   * @param loader checks it
   * @param notify tells systemd about reloads and the stop
   * @param factory builds a daemon, not yet started, from a valid config; may throw {@link
   *     IllegalArgumentException} for a config it cannot build
   * @param stopLimit how long a stop (or the stop of a reload) waits for a daemon
   */
  public static DaemonSupervisor of(
      Path configFile,
      ConfigLoader loader,
      SystemdNotify notify,
      Function<FailoverConfig, FailoverDaemon> factory,
      Duration stopLimit) {
    checkNotNull(factory, "factory");
    return new DaemonSupervisor(
        configFile,
        loader,
        notify,
        config -> {
          FailoverDaemon daemon = factory.apply(config);
          return new Daemon() {
            @Override
            public void startAsync() {
              daemon.startAsync();
            }

            @Override
            public void stopAsync() {
              daemon.stopAsync();
            }

            @Override
            public boolean awaitStopped(Duration limit) {
              return daemon.awaitStopped(limit);
            }

            @Override
            public void awaitStopped() {
              daemon.awaitStopped();
            }

            @Override
            public boolean failed() {
              return daemon.failed();
            }
          };
        },
        stopLimit);
  }

  DaemonSupervisor(
      Path configFile,
      ConfigLoader loader,
      SystemdNotify notify,
      Function<FailoverConfig, Daemon> factory,
      Duration stopLimit) {
    this.configFile = checkNotNull(configFile, "configFile");
    this.loader = checkNotNull(loader, "loader");
    this.notify = checkNotNull(notify, "notify");
    this.factory = checkNotNull(factory, "factory");
    this.stopLimit = checkNotNull(stopLimit, "stopLimit");
  }

  /**
   * Builds and starts the daemon for {@code config}.
   *
   * @throws IllegalArgumentException if the factory cannot build it
   * @throws IllegalStateException if started before
   */
  public synchronized void start(FailoverConfig config) {
    checkNotNull(config, "config");
    checkState(current == null, "the daemon was started before");
    Daemon daemon = factory.apply(config);
    current = daemon;
    currentConfig = config;
    daemon.startAsync();
  }

  /** The running daemon (the newest, after a reload). */
  synchronized Daemon daemon() {
    checkState(current != null, "the daemon was not started");
    return current;
  }

  /** The running daemon's config (the newest, after a reload). */
  public synchronized FailoverConfig config() {
    checkState(currentConfig != null, "the daemon was not started");
    return currentConfig;
  }

  /** Re-reads the config file and, if it is valid and different, replaces the daemon. */
  public ReloadOutcome reload() {
    Daemon old;
    FailoverConfig oldConfig;
    synchronized (this) {
      if (stopping || current == null || currentConfig == null) {
        return ReloadOutcome.IGNORED;
      }
      reloading = true;
      old = current;
      oldConfig = currentConfig;
    }
    try {
      return replace(old, oldConfig);
    } finally {
      synchronized (this) {
        reloading = false;
        notifyAll();
      }
    }
  }

  private ReloadOutcome replace(Daemon old, FailoverConfig oldConfig) {
    logger.info("reloading the config {}", configFile);
    notify.reloading("reloading " + configFile);
    FailoverConfig config;
    Daemon next;
    try {
      LoadedConfig loaded = loader.check(configFile);
      config = loaded.config();
      loaded.notes().forEach(note -> logger.warn("config {}: {}", configFile, note));
      if (config.equals(oldConfig)) {
        logger.info("the config is unchanged; nothing to reload");
        notify.ready("reloaded: the config is unchanged");
        return ReloadOutcome.UNCHANGED;
      }
      next = factory.apply(config);
    } catch (InvalidConfigException | IllegalArgumentException e) {
      logger.error(
          "reload refused, the daemon goes on with the config it runs: Invalid configuration: {}",
          e.getMessage());
      notify.ready("reload refused (invalid configuration: " + e.getMessage() + ")");
      return ReloadOutcome.REFUSED;
    }
    if (!config.rtTablesFile().equals(oldConfig.rtTablesFile())
        || !RoutingTableNames.tablesContent(config.providers())
            .equals(RoutingTableNames.tablesContent(oldConfig.providers()))) {
      logger.info(
          "the routing-table names ({}) are written by 'failover install' or the package, not by"
              + " a reload; until then 'ip rule' shows the new tables by number",
          config.rtTablesFile());
    }
    logger.info(
        "replacing the daemon with one for the new config: the routes stay until its first"
            + " decision; every provider is judged afresh (histories, charts and counters start"
            + " empty)");
    old.stopAsync();
    if (!old.awaitStopped(stopLimit)) {
      logger.warn(
          "the old daemon did not stop within {} ms; starting the new one anyway",
          stopLimit.toMillis());
    }
    synchronized (this) {
      current = next;
      currentConfig = config;
    }
    // READY=1 comes from the new daemon's SystemdNotifier, at its first apply.
    next.startAsync();
    return ReloadOutcome.RELOADED;
  }

  /**
   * Stops the daemon, after a reload in progress, waiting at most the stop limit; the routes stay.
   *
   * @return whether it stopped in time
   */
  public boolean stop() {
    Daemon daemon;
    synchronized (this) {
      stopping = true;
      while (reloading) {
        try {
          wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      daemon = current;
    }
    if (daemon == null) {
      return true;
    }
    notify.stopping("stopping; the routes stay as they are");
    daemon.stopAsync();
    return daemon.awaitStopped(stopLimit);
  }

  /**
   * Waits until the daemon stopped for good: by {@link #stop}, or because it failed; a daemon
   * replaced by a reload does not count.
   *
   * @return whether it failed
   * @throws IllegalStateException if it was not started
   */
  public boolean awaitStopped() {
    while (true) {
      Daemon daemon = daemon();
      daemon.awaitStopped();
      synchronized (this) {
        while (reloading) {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return daemon.failed();
          }
        }
        if (current == daemon) {
          return daemon.failed();
        }
      }
    }
  }
}
