package dev.failover.launcher.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What the daemon does with default routes in the main table that it did not install, such as one
 * re-added by a DHCP client; the TOML key {@code foreign_default_routes}.
 */
public enum ForeignDefaultRoutes {
  /** Leave them alone; one with a lower metric than {@code start_metric} wins over the daemon. */
  LEAVE,
  /** Move them behind the daemon's routes, so they remain a last resort. */
  DEMOTE,
  /** Delete them. */
  REMOVE;

  /** The name used in the config file, such as {@code demote}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The value whose {@link #configName()} is {@code text}, if any. */
  public static Optional<ForeignDefaultRoutes> fromConfigName(String text) {
    return Arrays.stream(values()).filter(v -> v.configName().equals(text)).findFirst();
  }
}
