package dev.failover.launcher.install;

import static com.google.common.base.Preconditions.checkNotNull;

import java.nio.file.Path;
import java.util.List;

/**
 * The systemd unit that runs the daemon: a notify service with a watchdog, reloaded by SIGHUP,
 * restarted on failure, sandboxed, with only the capabilities it needs ({@code CAP_NET_ADMIN} for
 * routes and rules, {@code CAP_NET_RAW} for ping), and a small JVM. {@code failover install} and
 * the Debian package write the same text.
 *
 * <p>The JVM flags keep a daemon that holds a few kilobytes of history small and quick to start
 * (peak RSS target 64 MB; measured in docs/benchmarks.md, reasons in docs/operations.md):
 *
 * <ul>
 *   <li>{@code -Xms8m -Xmx32m}: the live heap is a few MB; a small initial heap is committed only
 *       as far as it is used (with {@code -Xmx48m} alone the whole heap ended up resident), and the
 *       cap makes a leak fail fast;
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
   * The only folder the daemon may write ({@code RuntimeDirectory=failover}): {@code
   * ProtectSystem=strict} makes the rest of the file system read-only for it, and {@code
   * PrivateTmp} gives it a {@code /tmp} of its own that nobody else sees.
   */
  public static final String RUNTIME_FOLDER = "/run/failover";

  /** The header of the unit {@code failover install} writes. */
  public static final String INSTALL_HEADER =
      "# Installed by 'failover install'; removed by 'failover uninstall'. Do not edit:\n"
          + "# install rewrites it. Override settings with 'systemctl edit failover'.";

  /** How long systemd waits for {@code WATCHDOG=1} before it restarts the daemon. */
  public static final int WATCHDOG_SECONDS = 30;

  private SystemdUnit() {}

  /**
   * The unit's text, as {@code failover install} writes it.
   *
   * @param java the absolute path of the java launcher on the target system
   * @param jar the installed jar's absolute path on the target system
   * @param config the installed config's absolute path on the target system
   */
  public static String render(Path java, Path jar, Path config) {
    return render(INSTALL_HEADER, java, jar, config);
  }

  /**
   * The unit's text under {@code header} (comment lines, without the final line break): the same
   * unit for {@code failover install} and the Debian package.
   *
   * <p>The sandbox keeps what the daemon needs and nothing else (each directive is explained in
   * docs/operations.md, "The systemd unit"); {@code systemd-analyze security} rates it 2.0 (it was
   * 6.8 with {@code ProtectSystem=full} alone). {@code MemoryDenyWriteExecute} stays off: the JIT
   * writes the code it then runs. {@code User=} stays root: routes, rules and the hooks, which
   * operators write for root, need it, and the bounding set keeps only two capabilities anyway.
   */
  public static String render(String header, Path java, Path jar, Path config) {
    checkNotNull(header, "header");
    checkNotNull(java, "java");
    checkNotNull(jar, "jar");
    checkNotNull(config, "config");
    String exec =
        java + " " + String.join(" ", JVM_FLAGS) + " -jar " + jar + " run --config " + config;
    return String.join(
        "\n",
        header,
        "[Unit]",
        "Description=failover: keeps the router online across several internet uplinks",
        "Documentation=man:failover(1)",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        // READY=1 after the first routing state is applied; WATCHDOG=1 from the tick thread.
        "Type=notify",
        "NotifyAccess=main",
        "ExecStart=" + exec,
        // SIGHUP re-reads the config; an invalid one is refused and the running one kept.
        "ExecReload=/bin/kill -HUP $MAINPID",
        "WatchdogSec=" + WATCHDOG_SECONDS,
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
        // /run/failover for the status file, kept after a stop so that 'failover status' still
        // reads the last one; the only folder the daemon writes.
        "RuntimeDirectory=failover",
        "RuntimeDirectoryPreserve=yes",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "PrivateDevices=yes",
        "PrivateMounts=yes",
        "ProtectKernelTunables=yes",
        "ProtectKernelModules=yes",
        "ProtectKernelLogs=yes",
        "ProtectControlGroups=yes",
        "ProtectClock=yes",
        "ProtectHostname=yes",
        "ProtectProc=invisible",
        // rtnetlink (routes, rules, link events), IPv4/IPv6 probes, the notify socket.
        "RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6",
        "RestrictNamespaces=yes",
        "RestrictRealtime=yes",
        "RestrictSUIDSGID=yes",
        "LockPersonality=yes",
        "RemoveIPC=yes",
        // The JIT needs writable and executable memory: MemoryDenyWriteExecute stays off.
        "SystemCallArchitectures=native",
        "SystemCallFilter=@system-service",
        "SystemCallFilter=~@privileged @resources",
        "SystemCallErrorNumber=EPERM",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "");
  }
}
