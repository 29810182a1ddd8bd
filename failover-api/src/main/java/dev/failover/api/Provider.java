package dev.failover.api;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One internet uplink: the interface it leaves through, its source address and network, the gateway
 * (often a modem whose address every other modem shares), and the policy routing table that carries
 * traffic bound to its source address.
 *
 * <p>Field names mirror the original {@code config.py} ({@code id}, {@code interface_name}, {@code
 * ipv4_address}, {@code network}, {@code gateway}, {@code rt_table_name}, {@code rt_table_id}).
 * Every instance is valid: the compact constructor rejects bad values with a message that names the
 * field, the rule and the value.
 *
 * <p><b>Learned values.</b> {@code ipv4Address}, {@code network} and {@code gateway} may be null in
 * a provider <em>as configured</em>: what is omitted is learned from the interface (a DHCP lease, a
 * point-to-point peer), and the provider is {@linkplain ProviderResolution resolved} into one whose
 * address and network are known. A resolved provider's null {@code gateway} means a point-to-point
 * link: its routes name only the device. A gateway outside the network is used as the kernel would,
 * {@linkplain #onlink() on-link}.
 *
 * @param id a short unique name used in logs, the sticky file and the command line, such as {@code
 *     isp-a}
 * @param interfaceName the kernel interface, such as {@code eth1}: any name the kernel accepts
 * @param ipv4Address the router's own address on that interface; probes are bound to it; null: to
 *     be learned from the interface
 * @param network the network the interface is on; holds the address (and usually the gateway);
 *     null: to be learned from the interface
 * @param gateway the next hop of the provider's default route; null: learned from the interface,
 *     or none on a point-to-point link
 * @param rtTableName the name of the provider's routing table, as written to {@code rt_tables.d}
 * @param rtTableId the number of the provider's routing table, 1 to 2^31-1 except the kernel's own
 *     252 to 255
 */
public record Provider(
    String id,
    String interfaceName,
    @Nullable Inet4Address ipv4Address,
    @Nullable Ipv4Network network,
    @Nullable Inet4Address gateway,
    String rtTableName,
    int rtTableId) {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
  /** The bytes {@code dev_valid_name} refuses: NUL, '/', ':', and the kernel's isspace(). */
  private static final String INTERFACE_NAME_FORBIDDEN = "\0/: \t\n\u000b\f\r\u00a0";

  private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,63}");

  /**
   * Table ids the kernel or iproute2 owns: 0 (unspec), 253 (default), 254 (main), 255 (local).
   * 252 is named "compat" by older iproute2 and is avoided too.
   */
  private static final Set<Integer> RESERVED_TABLE_IDS = Set.of(0, 252, 253, 254, 255);

  private static final Set<String> RESERVED_TABLE_NAMES =
      Set.of("unspec", "default", "main", "local", "compat", "all");

  /**
   * @throws NullPointerException if {@code id}, {@code interfaceName} or {@code rtTableName} is null
   * @throws IllegalArgumentException if a field breaks its rule; the message names the field
   */
  public Provider {
    Checks.checkNotNull(id, "id");
    Checks.checkNotNull(interfaceName, "interface_name");
    Checks.checkNotNull(rtTableName, "rt_table_name");
    Checks.checkArgument(
        ID.matcher(id).matches(),
        "id must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit,"
            + " was '%s'",
        id);
    checkInterfaceName(interfaceName);
    if (ipv4Address != null && network != null) {
      Checks.checkArgument(
          network.contains(ipv4Address),
          "ipv4_address must lie inside network %s, was %s",
          network,
          ipv4Address.getHostAddress());
    }
    if (gateway != null && ipv4Address != null) {
      Checks.checkArgument(
          !ipv4Address.equals(gateway),
          "gateway must differ from ipv4_address, both were %s",
          gateway.getHostAddress());
    }
    if (network != null && network.prefixLength() < 31) {
      for (String field : new String[] {"ipv4_address", "gateway"}) {
        Inet4Address value = field.equals("gateway") ? gateway : ipv4Address;
        if (value == null || !network.contains(value)) {
          continue;
        }
        Checks.checkArgument(
            !value.equals(network.address()) && !value.equals(network.broadcast()),
            "%s must be a host address of network %s, not its network or broadcast address,"
                + " was %s",
            field,
            network,
            value.getHostAddress());
      }
    }
    Checks.checkArgument(
        TABLE_NAME.matcher(rtTableName).matches()
            && !RESERVED_TABLE_NAMES.contains(rtTableName),
        "rt_table_name must be 1 to 64 letters, digits, '_', '.' or '-', starting with a letter"
            + " or '_', and not one of %s, was '%s'",
        RESERVED_TABLE_NAMES.stream().sorted().toList(),
        rtTableName);
    Checks.checkArgument(
        rtTableId > 0 && !RESERVED_TABLE_IDS.contains(rtTableId),
        "rt_table_id must be between 1 and 2147483647 and not one of the kernel's tables"
            + " 252, 253, 254, 255, was %s",
        rtTableId);
  }

  /**
   * Builds a provider from the textual form of its addresses, as a config file holds them.
   *
   * @throws IllegalArgumentException if an address or the network does not parse, or a field
   *     breaks its rule; the message names the field
   */
  public static Provider of(
      String id,
      String interfaceName,
      @Nullable String ipv4Address,
      @Nullable String network,
      @Nullable String gateway,
      String rtTableName,
      int rtTableId) {
    return new Provider(
        id,
        interfaceName,
        parseField("ipv4_address", ipv4Address, Ipv4::parse),
        parseField("network", network, Ipv4Network::parse),
        parseField("gateway", gateway, Ipv4::parse),
        rtTableName,
        rtTableId);
  }

  private static <T> @Nullable T parseField(
      String field, @Nullable String text, java.util.function.Function<String, T> parser) {
    if (text == null) {
      return null;
    }
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + " " + e.getMessage(), e);
    }
  }

  /**
   * An interface name as the kernel accepts it ({@code dev_valid_name}): 1 to 15 bytes in UTF-8,
   * not "." or "..", and none of '/', ':', NUL or white space (space, tab, line feed, vertical tab,
   * form feed, carriage return, and the byte 0xA0, which the kernel counts as a space). Names such
   * as {@code eth0}, {@code enp3s0}, {@code eth0.100}, {@code br-lan} and {@code wan#1} fit: the
   * route backend sends the name to the kernel as bytes over netlink, never in a command line, so
   * no character can cut or break anything.
   */
  private static void checkInterfaceName(String name) {
    boolean valid =
        StandardCharsets.UTF_8.newEncoder().canEncode(name)
            && !name.equals(".")
            && !name.equals("..");
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    valid &= bytes.length >= 1 && bytes.length <= 15;
    for (byte b : bytes) {
      valid &= INTERFACE_NAME_FORBIDDEN.indexOf(b & 0xff) < 0;
    }
    Checks.checkArgument(
        valid,
        "interface_name must be 1 to 15 bytes (UTF-8), not '.' or '..', without '/', ':' or white"
            + " space, was '%s'",
        name);
  }

  /** {@code provider 'id'}, the form logs and messages use. */
  /**
   * Whether any of the address, network and gateway is left to be learned from the interface (as
   * configured). A provider that learns nothing is its own resolution, though its gateway may
   * still be absent on a point-to-point link.
   */
  public boolean learnsFromInterface() {
    return ipv4Address == null || network == null || gateway == null;
  }

  /**
   * Whether this provider is {@code configured} with its learned values filled in: the same id,
   * interface and table, and every value the configuration names kept. A provider that learns
   * nothing resolves only to itself.
   */
  public boolean resolves(Provider configured) {
    Checks.checkNotNull(configured, "configured");
    if (!configured.learnsFromInterface()) {
      return equals(configured);
    }
    return id.equals(configured.id)
        && interfaceName.equals(configured.interfaceName)
        && rtTableName.equals(configured.rtTableName)
        && rtTableId == configured.rtTableId
        && keeps(configured.ipv4Address, ipv4Address)
        && keeps(configured.network, network)
        && keeps(configured.gateway, gateway);
  }

  private static boolean keeps(@Nullable Object configuredValue, @Nullable Object value) {
    return configuredValue == null || configuredValue.equals(value);
  }

  /**
   * Whether the gateway lies outside the network, so that the kernel must be told that it is
   * on-link (directly reachable through the interface) to accept a route through it.
   */
  public boolean onlink() {
    return gateway != null && network != null && !network.contains(gateway);
  }

  @Override
  public String toString() {
    return "provider '" + id + "'";
  }
}
