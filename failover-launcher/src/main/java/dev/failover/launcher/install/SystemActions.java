package dev.failover.launcher.install;

import dev.failover.launcher.config.FailoverConfig;
import java.io.IOException;
import java.util.List;

/**
 * What install and uninstall do to the running system beyond writing files: systemd commands and
 * the removal of the daemon's routes, rules and tables.
 *
 * <p>Install into a scratch root uses {@link #describing}, which only prints what it would do, so
 * that tests never touch systemd or the kernel.
 */
public interface SystemActions {

  /**
   * Runs {@code systemctl} with {@code arguments}, such as {@code [daemon-reload]}.
   *
   * @param mayFail whether a non-zero exit is expected and only reported (such as stopping a unit
   *     that is not loaded)
   * @throws IOException if it cannot run, or fails when {@code mayFail} is false
   */
  void systemctl(List<String> arguments, boolean mayFail) throws IOException;

  /**
   * Removes the routes, rules and table routes the daemon made for {@code config}'s providers.
   *
   * @throws IOException if the kernel refused
   */
  void removeRoutes(FailoverConfig config) throws IOException;

  /**
   * Removes what a daemon left without its config ({@code uninstall --force}): every route and rule
   * of the daemon's route protocol, in every table, {@code tables} (those of the install's
   * manifest) among them.
   *
   * @throws IOException if the kernel refused
   */
  void removeRoutesLeftBehind(List<Integer> tables) throws IOException;

  /**
   * Whether {@link #systemctl} runs {@code systemctl}; false when it only prints the command (a
   * scratch root, or systemd does not run this machine), so that install and uninstall do not claim
   * to have started or stopped anything.
   */
  boolean runsSystemctl();

  /**
   * Whether {@link #removeRoutes} changes the kernel; false when it only prints what it would
   * remove (a scratch root).
   */
  boolean removesRoutes();

  /** Actions that only print, prefixed with {@code reason}, what they would run. */
  static SystemActions describing(java.io.PrintWriter out, String reason) {
    return new SystemActions() {
      @Override
      public boolean runsSystemctl() {
        return false;
      }

      @Override
      public boolean removesRoutes() {
        return false;
      }

      @Override
      public void systemctl(List<String> arguments, boolean mayFail) {
        out.println("  (" + reason + ") would run: systemctl " + String.join(" ", arguments));
      }

      @Override
      public void removeRoutes(FailoverConfig config) {
        out.println(
            "  ("
                + reason
                + ") would remove the routes, rules and tables of providers "
                + config.providerIds()
                + ", and flow pinning's nftables table 'inet failover' and fwmark rules");
      }

      @Override
      public void removeRoutesLeftBehind(List<Integer> tables) {
        out.println(
            "  ("
                + reason
                + ") would remove every route and rule of protocol "
                + dev.failover.linux.NetlinkRouteBackendSettings.DEFAULT_ROUTE_PROTOCOL
                + " (failover), tables "
                + tables
                + " among them");
      }
    };
  }
}
