package dev.failover.launcher.install;

import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.file.Path;
import java.util.List;

/**
 * The systemd unit that runs the daemon: restarted on failure, with only the capabilities it needs
 * ({@code CAP_NET_ADMIN} for routes and rules, {@code CAP_NET_RAW} for ping), and a small JVM.
 *
 * <p>The JVM flags keep a daemon that holds a few kilobytes of history small and quick to start
 * (peak RSS target 64 MB; measured in docs/benchmarks.md, reasons in docs/operations.md):
 *
 * <ul>
 *   <li>{@code -Xms8m -Xmx32m}: the live heap is a few MB; a small initial heap is committed only as
 *       far as it is used (with {@code -Xmx48m} alone the whole heap ended up resident), and the cap
 *       makes a leak fail fast;
 *   <li>{@code -Xss256k}: the daemon's threads (one per running probe) never recurse deeply;
 *   <li>{@code -XX:+UseSerialGC}: one GC thread and no concurrent GC machinery, the smallest
 *       footprint for a tiny heap on a router;
 *   <li>{@code -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1}: C1 only, on one compiler thread; the
 *       daemon is mostly idle, so C2's peak speed is not worth its threads and memory;
 *   <li>{@code -XX:ReservedCodeCacheSize=16m}: C1's code for this daemon takes about 4 MB;
 *   <li>{@code -XX:-UsePerfData}: no {@code hsperfdata} file mapped and written every tick;
 *   <li>{@code -XX:+ExitOnOutOfMemoryError}: a broken JVM exits, and systemd restarts it.
 * </ul>
 */
public final class SystemdUnit {

  /** The unit's file name. */
  public static final String NAME = "failover.service";

  /** The JVM flags of {@code ExecStart}, documented in the class comment and operations.md. */
  public static final List<String> JVM_FLAGS =
      List.of(
          "-Xms8m",
          "-Xmx32m",
          "-Xss256k",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-XX:CICompilerCount=1",
          "-XX:ReservedCodeCacheSize=16m",
          "-XX:-UsePerfData",
          "-XX:+ExitOnOutOfMemoryError");

  /**
   * The folders the unit makes read-only for the daemon ({@code ProtectSystem=full}; {@code /efi}
   * too on newer systemd), so that it can write nothing there: not its status file, for one.
   */
  public static final List<String> READ_ONLY_FOLDERS = List.of("/usr", "/boot", "/efi", "/etc");

  private SystemdUnit() {}

  /**
   * The unit's text.
   *
   * @param java the absolute path of the java launcher on the target system
   * @param jar the installed jar's absolute path on the target system
   * @param config the installed config's absolute path on the target system
   */
  public static String render(Path java, Path jar, Path config) {
    checkNotNull(java, "java");
    checkNotNull(jar, "jar");
    checkNotNull(config, "config");
    String exec =
        java + " " + String.join(" ", JVM_FLAGS) + " -jar " + jar + " run --config " + config;
    return String.join(
        "\n",
        "# Installed by 'failover install'; removed by 'failover uninstall'. Do not edit:",
        "# install rewrites it. Override settings with 'systemctl edit failover'.",
        "[Unit]",
        "Description=failover: keeps the router online across several internet uplinks",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=simple",
        "ExecStart=" + exec,
        // SIGTERM: the daemon stops within a second and leaves the routes in place.
        "KillSignal=SIGTERM",
        // The JVM exits with 128 + 15 after a SIGTERM; that is a clean stop, not a failure.
        "SuccessExitStatus=143",
        "TimeoutStopSec=10",
        "Restart=on-failure",
        "RestartSec=5",
        // Only what the daemon needs: routes and rules (NET_ADMIN), ping sockets (NET_RAW).
        "AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW",
        "CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW",
        "NoNewPrivileges=yes",
        // /run/failover for the status file, made and removed by systemd.
        "RuntimeDirectory=failover",
        "ProtectSystem=full",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "");
  }
}
