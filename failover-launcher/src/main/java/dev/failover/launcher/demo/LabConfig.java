package dev.failover.launcher.demo;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.Provider;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the TOML config of a lab's router: its providers, ping test cases of lab targets, and
 * files in a scratch folder (status, sticky, table names, plugins, hooks); every other setting is
 * left at its default, so that the demo and the jar test show the daemon as it ships.
 *
 * <p>The values come from a {@code NamespaceLab} and are valid by construction; strings are quoted
 * as TOML basic strings. Stateless.
 */
public final class LabConfig {
  private LabConfig() {}

  /**
   * The config text.
   *
   * @param providers the lab's providers, most preferred first
   * @param targets addresses to ping through every provider (the lab's TEST-NET targets)
   * @param folder a scratch folder for the status, sticky and table-names files
   */
  public static String toml(List<Provider> providers, List<Inet4Address> targets, Path folder) {
    return toml(providers, targets, folder, Map.of());
  }

  /**
   * The config text, with {@code settings} added to the top-level keys.
   *
   * @param settings top-level keys and their values as TOML literals (such as {@code
   *     "failback_dwell" -> "5"}), written in their map's order; the loader checks them
   * @throws IllegalArgumentException if a key is not a plain lower-case TOML key
   */
  public static String toml(
      List<Provider> providers,
      List<Inet4Address> targets,
      Path folder,
      Map<String, String> settings) {
    checkNotNull(folder, "folder");
    checkArgument(!providers.isEmpty(), "providers must not be empty");
    checkArgument(!targets.isEmpty(), "targets must not be empty");
    StringBuilder toml = new StringBuilder();
    toml.append("# Written by failover for a namespace lab; the defaults apply to the rest.\n");
    settings.forEach(
        (key, value) -> {
          checkArgument(key.matches("[a-z_]+"), "settings keys must be plain keys, was '%s'", key);
          key(toml, key, checkNotNull(value, "settings[%s]", key));
        });
    key(toml, "sticky_provider_filename", quote(folder.resolve("sticky.provider")));
    key(toml, "status_file", quote(folder.resolve("status.json")));
    key(toml, "rt_tables_file", quote(folder.resolve("rt_tables.d/failover.conf")));
    key(toml, "plugins_dir", quote(folder.resolve("plugins")));
    // Never the host's /etc/failover/hooks.d: a lab's events must not page the operator.
    key(toml, "hooks_dir", quote(folder.resolve("hooks.d")));
    for (Provider p : providers) {
      toml.append("\n[[providers]]\n");
      key(toml, "id", quote(p.id()));
      key(toml, "interface_name", quote(p.interfaceName()));
      // A provider that learns a value from its interface (a DHCP uplink) omits its key.
      if (p.ipv4Address() != null) {
        key(toml, "ipv4_address", quote(p.ipv4Address().getHostAddress()));
      }
      if (p.network() != null) {
        key(toml, "network", quote(p.network().toString()));
      }
      if (p.gateway() != null) {
        key(toml, "gateway", quote(p.gateway().getHostAddress()));
      }
      key(toml, "rt_table_name", quote(p.rtTableName()));
      key(toml, "rt_table_id", String.valueOf(p.rtTableId()));
    }
    for (Inet4Address target : targets) {
      toml.append("\n[[test_cases]]\ntype = \"ping\"\ntarget = ")
          .append(quote(target.getHostAddress()))
          .append('\n');
    }
    return toml.toString();
  }

  private static void key(StringBuilder toml, String key, String value) {
    toml.append(key).append(" = ").append(value).append('\n');
  }

  private static String quote(Object value) {
    String text = value.toString();
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
