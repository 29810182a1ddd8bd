package dev.failover.linux;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.api.Ipv4;
import java.io.IOException;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The state of one network interface at one moment, as {@code ip -json addr show} reports it.
 *
 * @param interfaceName the interface's name
 * @param index the kernel's interface index; 0 when the interface is absent
 * @param present whether the interface exists
 * @param adminUp whether it is administratively up (flag {@code UP})
 * @param carrier whether it has carrier (flag {@code LOWER_UP} and no {@code NO-CARRIER})
 * @param operState the operational state, such as {@code UP}, {@code DOWN}, {@code LOWERLAYERDOWN}
 *     or {@code UNKNOWN}; {@code ABSENT} when the interface does not exist
 * @param addresses its IPv4 addresses
 */
public record LinkStatus(
    String interfaceName,
    int index,
    boolean present,
    boolean adminUp,
    boolean carrier,
    String operState,
    List<Inet4Address> addresses) {

  /**
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code index} is negative
   */
  public LinkStatus {
    checkNotNull(interfaceName, "interfaceName");
    checkArgument(index >= 0, "index must be >= 0, was %s", index);
    checkNotNull(operState, "operState");
    addresses = List.copyOf(checkNotNull(addresses, "addresses"));
  }

  /** The status of an interface that does not exist. */
  public static LinkStatus absent(String interfaceName) {
    return new LinkStatus(interfaceName, 0, false, false, false, "ABSENT", List.of());
  }

  /**
   * Whether traffic can leave through the interface: it exists, is up, has carrier, and its
   * operational state is {@code UP} or {@code UNKNOWN} (see {@link LinkListener#onLinkChanged}).
   */
  public boolean usable() {
    return present && adminUp && carrier && (operState.equals("UP") || operState.equals("UNKNOWN"));
  }

  /**
   * Reads the current status of {@code interfaceName} once, with {@code ip -json addr show dev
   * NAME} through {@code runner} (which gives the flags and operational state of {@code ip link
   * show} plus the addresses). A missing interface is {@link #absent}, not an error.
   *
   * @throws IOException if {@code ip} could not run, failed for another reason, or printed
   *     something that is not the expected JSON
   */
  public static LinkStatus read(CommandRunner runner, String interfaceName) throws IOException {
    checkNotNull(runner, "runner");
    checkNotNull(interfaceName, "interfaceName");
    CommandResult result = runner.run(List.of("ip", "-json", "addr", "show", "dev", interfaceName));
    if (!result.succeeded()) {
      if (result.stderr().contains("does not exist")) {
        return absent(interfaceName);
      }
      throw new IOException("cannot read interface '" + interfaceName + "': " + String.join(" ", result.command())
          + " exited with " + result.exitCode() + ": " + result.stderr().strip());
    }
    List<LinkStatus> all = parse(result.stdout());
    return all.stream().filter(s -> s.interfaceName().equals(interfaceName)).findFirst()
        .orElse(absent(interfaceName));
  }

  /** Reads every interface once, with {@code ip -json addr show}. */
  static List<LinkStatus> readAll(CommandRunner runner) throws IOException {
    CommandResult result = runner.run(List.of("ip", "-json", "addr", "show"));
    if (!result.succeeded()) {
      throw new IOException(String.join(" ", result.command()) + " exited with " + result.exitCode() + ": "
          + result.stderr().strip());
    }
    return parse(result.stdout());
  }

  /**
   * Parses the output of {@code ip -json addr show}.
   *
   * @throws IOException if it is not the expected JSON
   */
  static List<LinkStatus> parse(String json) throws IOException {
    List<Map<String, Object>> objects;
    try {
      objects = Json.parseObjects(json);
    } catch (IllegalArgumentException e) {
      throw new IOException("unexpected output of ip -json addr show: " + e.getMessage(), e);
    }
    List<LinkStatus> statuses = new ArrayList<>();
    for (Map<String, Object> link : objects) {
      String name = Json.string(link, "ifname").orElse("");
      if (name.isEmpty()) {
        continue;
      }
      List<String> flags = Json.strings(link, "flags");
      List<Inet4Address> addresses = new ArrayList<>();
      Object info = link.get("addr_info");
      if (info instanceof List) {
        for (Object a : (List<?>) info) {
          if (a instanceof Map) {
            @SuppressWarnings("unchecked")
            Map<String, Object> address = (Map<String, Object>) a;
            if ("inet".equals(address.get("family"))) {
              Json.string(address, "local").map(Ipv4::parse).ifPresent(addresses::add);
            }
          }
        }
      }
      statuses.add(new LinkStatus(name,
          (int) Json.number(link, "ifindex").orElse(0L).longValue(),
          true,
          flags.contains("UP"),
          hasCarrier(flags),
          Json.string(link, "operstate").orElse("UNKNOWN"),
          addresses));
    }
    return statuses;
  }

  /** Whether {@code flags} say the link has carrier. */
  static boolean hasCarrier(Collection<String> flags) {
    // A veth whose peer just came up can briefly show both; NO-CARRIER is the one to believe.
    return flags.contains("LOWER_UP") && !flags.contains("NO-CARRIER");
  }
}
