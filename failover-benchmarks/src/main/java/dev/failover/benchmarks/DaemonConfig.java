package dev.failover.benchmarks;

import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv6;
import dev.failover.api.Provider;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.nio.file.Path;
import java.util.List;

/**
 * The daemon's config for a lab: its defaults, with only the providers, the ping test cases, the
 * status file's path and an empty hooks folder set, plus any extra lines a harness asks for. The
 * one definition shared by {@link FailoverBenchmark} and {@link ChaosSoak}. A provider with IPv6
 * gets its IPv6 values written out (a benchmark measures the routing, not the learning).
 */
final class DaemonConfig {
  private DaemonConfig() {}

  /**
   * The TOML text.
   *
   * @param writer who wrote it, for the first comment line
   * @param providers the uplinks, in priority order
   * @param targets one {@code ping} test case per target
   * @param statusFile where the daemon writes its status
   * @param hooksDir a folder of its own (absent, so empty): the host's hooks must not run on the
   *     lab's events
   * @param settings extra {@code key = value} lines (experiments, or a test's quick settings)
   */
  static String toml(String writer, List<Provider> providers, List<Inet4Address> targets,
      Path statusFile, Path hooksDir, List<String> settings) {
    return toml(writer, providers, targets, List.of(), statusFile, hooksDir, settings);
  }

  /**
   * As {@link #toml(String, List, List, Path, Path, List)}, with one {@code ping} test case per
   * IPv6 target too ({@code targetsV6}, which a config whose providers have IPv6 needs).
   */
  static String toml(String writer, List<Provider> providers, List<Inet4Address> targets,
      List<Inet6Address> targetsV6, Path statusFile, Path hooksDir, List<String> settings) {
    StringBuilder toml = new StringBuilder();
    toml.append("# Written by ").append(writer)
        .append(": the daemon's default settings; only the providers,\n# the test cases'"
            + " targets, the status file's path and an empty hooks_dir are set.\n");
    toml.append("status_file = \"").append(statusFile).append("\"\n");
    toml.append("hooks_dir = \"").append(hooksDir).append("\"\n");
    for (String line : settings) {
      toml.append(line).append('\n');
    }
    for (Provider p : providers) {
      toml.append("\n[[providers]]\n")
          .append("id = \"").append(p.id()).append("\"\n")
          .append("interface_name = \"").append(p.interfaceName()).append("\"\n")
          .append("ipv4_address = \"").append(p.ipv4Address().getHostAddress()).append("\"\n")
          .append("network = \"").append(p.network()).append("\"\n")
          .append("gateway = \"").append(p.gateway().getHostAddress()).append("\"\n")
          .append("rt_table_name = \"").append(p.rtTableName()).append("\"\n")
          .append("rt_table_id = ").append(p.rtTableId()).append('\n');
      if (p.has(AddressFamily.IPV6)) {
        toml.append("ipv6_address = \"").append(Ipv6.toText(p.ipv6Address())).append("\"\n")
            .append("ipv6_prefix = \"").append(p.ipv6Prefix()).append("\"\n")
            .append("ipv6_gateway = \"").append(Ipv6.toText(p.ipv6Gateway())).append("\"\n");
      }
    }
    for (Inet4Address target : targets) {
      toml.append("\n[[test_cases]]\ntype = \"ping\"\ntarget = \"")
          .append(target.getHostAddress()).append("\"\n");
    }
    for (Inet6Address target : targetsV6) {
      toml.append("\n[[test_cases]]\ntype = \"ping\"\ntarget = \"")
          .append(Ipv6.toText(target)).append("\"\n");
    }
    return toml.toString();
  }
}
