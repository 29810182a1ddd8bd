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

  /** Actions that only print, prefixed with {@code reason}, what they would run. */
  static SystemActions describing(java.io.PrintWriter out, String reason) {
    return new SystemActions() {
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
                + config.providerIds());
      }
    };
  }
}
