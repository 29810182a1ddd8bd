package dev.failover.benchmarks;

import static com.google.common.base.Preconditions.checkArgument;

import dev.failover.api.Provider;
import dev.failover.lab.NamespaceLab;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * More ISPs for a {@link NamespaceLab}, whose builder stops at 9, so that the daemon can be
 * measured with 16 providers.
 *
 * <p>ISP {@code i} (10 and up) is wired as the lab wires its own, with identical gateways: the
 * router's {@code wan<i>} 192.168.1.{@code 10+i}/24 to a modem at 192.168.1.1 in namespace {@code
 * <lab>-x<i>}, which forwards and masquerades to the internet namespace over 10.255.{@code i}.0/30.
 * No LAN route goes back through these ISPs: they carry only the daemon's probes. Its provider has
 * id and table {@code isp<i>}, table id {@code 100 + i}.
 *
 * <p>{@link #close()} deletes the namespaces it made (which deletes their links' far ends in the
 * router and internet namespaces); safe to call more than once. Not thread-safe.
 */
final class ExtraUplinks implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ExtraUplinks.class);

  private final NamespaceLab lab;
  private final List<String> namespaces = new ArrayList<>();
  private final List<Provider> providers = new ArrayList<>();

  private ExtraUplinks(NamespaceLab lab) {
    this.lab = lab;
  }

  /**
   * Adds ISPs {@code first} to {@code last} to {@code lab}; on failure removes what it made.
   *
   * @throws IllegalArgumentException unless {@code lab.isps().size() < first <= last <= 200}
   * @throws IOException if a command failed
   */
  static ExtraUplinks add(NamespaceLab lab, int first, int last) throws IOException {
    checkArgument(
        first > lab.isps().size() && first <= last && last <= 200,
        "extra ISPs must be numbered after the lab's %s and at most 200, were %s to %s",
        lab.isps().size(), first, last);
    ExtraUplinks extra = new ExtraUplinks(lab);
    try {
      for (int i = first; i <= last; i++) {
        extra.addIsp(i);
      }
    } catch (IOException | RuntimeException e) {
      extra.close();
      throw e;
    }
    return extra;
  }

  /** The extra ISPs' providers, in order. */
  List<Provider> providers() {
    return List.copyOf(providers);
  }

  private void addIsp(int i) throws IOException {
    String rt = lab.routerNamespace();
    String inet = lab.internetNamespace();
    String ns = lab.name() + "-x" + i;
    String routerAddress = "192.168.1." + (10 + i);
    Shell.must(List.of("ip", "netns", "add", ns));
    namespaces.add(ns);
    batch(ns, List.of(
        "link set lo up",
        "link add name uplink type veth peer name isp" + i + " netns " + inet));
    batch(rt, List.of(
        "link add name wan" + i + " type veth peer name lan netns " + ns,
        "addr add " + routerAddress + "/24 dev wan" + i,
        "link set wan" + i + " up"));
    batch(ns, List.of(
        "addr add 192.168.1.1/24 dev lan",
        "addr add 10.255." + i + ".2/30 dev uplink",
        "link set lan up",
        "link set uplink up",
        "route add default via 10.255." + i + ".1 dev uplink"));
    batch(inet, List.of(
        "addr add 10.255." + i + ".1/30 dev isp" + i,
        "link set isp" + i + " up"));
    Shell.must(List.of("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"));
    Shell.must(
        List.of("ip", "netns", "exec", ns, "nft", "-f", "-"),
        "table ip lab_nat {\n  chain post {\n    type nat hook postrouting priority 100;"
            + " policy accept;\n    oifname \"uplink\" masquerade\n  }\n}\n");
    providers.add(
        Provider.of(
            "isp" + i, "wan" + i, routerAddress, "192.168.1.0/24", "192.168.1.1", "isp" + i,
            NamespaceLab.FIRST_TABLE_ID + i));
  }

  private static void batch(String ns, List<String> lines) throws IOException {
    Shell.must(List.of("ip", "-n", ns, "-batch", "-"), String.join("\n", lines) + "\n");
  }

  @Override
  public void close() {
    for (String ns : List.copyOf(namespaces)) {
      try {
        String pids = Shell.run(List.of("ip", "netns", "pids", ns)).stdout();
        for (String pid : pids.split("\\s+")) {
          if (pid.matches("\\d+")) {
            ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
        Shell.must(List.of("ip", "netns", "del", ns));
        namespaces.remove(ns);
      } catch (IOException e) {
        logger.warn("could not delete namespace '{}'", ns, e);
      }
    }
  }
}
