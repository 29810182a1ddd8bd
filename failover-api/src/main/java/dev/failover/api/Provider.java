package dev.failover.api;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One internet uplink: the interface it leaves through, its source address and network, the gateway
 * (often a modem whose address every other modem shares), and the policy routing table that carries
 * traffic bound to its source address; for IPv4, IPv6 or both.
 *
 * <p>Field names mirror the original {@code config.py} ({@code id}, {@code interface_name}, {@code
 * ipv4_address}, {@code network}, {@code gateway}, {@code rt_table_name}, {@code rt_table_id}), and
 * the IPv6 fields follow their habit ({@code ipv4}, {@code ipv6}, {@code ipv6_address}, {@code
 * ipv6_prefix}, {@code ipv6_gateway}). Every instance is valid: the compact constructor rejects bad
 * values with a message that names the field, the rule and the value.
 *
 * <p><b>Address families.</b> A provider has IPv4 ({@link #ipv4()}), IPv6 ({@link #ipv6()}) or
 * both ({@link #families()}); each family of it is probed, judged and routed on its own ({@link
 * AddressFamily}). The seven-value constructor and {@link #of} make an IPv4-only provider, as
 * every provider was before IPv6; {@link #withIpv6} adds IPv6 and {@link #withoutIpv4} removes
 * IPv4. The values of a family the provider does not have are null.
 *
 * <p><b>Learned values.</b> {@code ipv4Address}, {@code network} and {@code gateway}, and {@code
 * ipv6Address}, {@code ipv6Prefix} and {@code ipv6Gateway}, may be null in a provider <em>as
 * configured</em>: what is omitted is learned from the interface (a DHCP lease, a point-to-point
 * peer; for IPv6 a SLAAC or DHCPv6 address and the router advertisement's default route), and the
 * provider is {@linkplain ProviderResolution resolved} into one whose address and network of the
 * family are known ({@link #resolvedFor}). A resolved provider's null {@code gateway} means a
 * point-to-point link: its routes name only the device. An IPv4 gateway outside the network is
 * used as the kernel would, {@linkplain #onlink() on-link}; an IPv6 gateway must be link-local
 * (the usual case, often {@code fe80::1} on every uplink: the interface is its scope, and every
 * route names its device) or inside the prefix.
 *
 * @param id a short unique name used in logs, the sticky file and the command line, such as {@code
 *     isp-a}
 * @param interfaceName the kernel interface, such as {@code eth1}: any name the kernel accepts
 * @param ipv4Address the router's own IPv4 address on that interface; IPv4 probes are bound to it;
 *     null: to be learned from the interface, or the provider has no IPv4
 * @param network the IPv4 network the interface is on; holds the address (and usually the
 *     gateway); null: to be learned from the interface, or no IPv4
 * @param gateway the next hop of the provider's IPv4 default route; null: learned from the
 *     interface, none on a point-to-point link, or no IPv4
 * @param rtTableName the name of the provider's routing table, as written to {@code rt_tables.d};
 *     one table serves both families
 * @param rtTableId the number of the provider's routing table, 1 to 2^31-1 except the kernel's own
 *     252 to 255
 * @param ipv4 whether the provider has IPv4; if not, its IPv4 values must be null
 * @param ipv6 whether the provider has IPv6; if not, its IPv6 values must be null
 * @param ipv6Address the router's own global (or unique local) IPv6 address on the interface;
 *     IPv6 probes are bound to it; null: to be learned from the interface, or no IPv6
 * @param ipv6Prefix the IPv6 prefix the address lies in, such as {@code 2001:db8:1::/64}; null: to
 *     be learned from the interface, or no IPv6
 * @param ipv6Gateway the next hop of the provider's IPv6 default route: link-local (usually) or
 *     inside the prefix; null: learned from the interface (the router advertisement), or no IPv6
 */
public record Provider(
    String id,
    String interfaceName,
    @Nullable Inet4Address ipv4Address,
    @Nullable Ipv4Network network,
    @Nullable Inet4Address gateway,
    String rtTableName,
    int rtTableId,
    boolean ipv4,
    boolean ipv6,
    @Nullable Inet6Address ipv6Address,
    @Nullable Ipv6Network ipv6Prefix,
    @Nullable Inet6Address ipv6Gateway) {

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
    checkFamilies(ipv4, ipv6, ipv4Address, network, gateway, ipv6Address, ipv6Prefix, ipv6Gateway);
    checkIpv6(ipv6Address, ipv6Prefix, ipv6Gateway);
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
   * An IPv4-only provider, as every provider was before IPv6: {@code ipv4} true, {@code ipv6}
   * false, no IPv6 values.
   *
   * @throws NullPointerException if {@code id}, {@code interfaceName} or {@code rtTableName} is
   *     null
   * @throws IllegalArgumentException if a field breaks its rule; the message names the field
   */
  public Provider(
      String id,
      String interfaceName,
      @Nullable Inet4Address ipv4Address,
      @Nullable Ipv4Network network,
      @Nullable Inet4Address gateway,
      String rtTableName,
      int rtTableId) {
    this(
        id,
        interfaceName,
        ipv4Address,
        network,
        gateway,
        rtTableName,
        rtTableId,
        true,
        false,
        null,
        null,
        null);
  }

  /**
   * A provider needs a family, and a family that is off has no values: a value given for a family
   * turned off is a contradiction in the config, never silently dropped.
   */
  private static void checkFamilies(
      boolean ipv4,
      boolean ipv6,
      @Nullable Object ipv4Address,
      @Nullable Object network,
      @Nullable Object gateway,
      @Nullable Object ipv6Address,
      @Nullable Object ipv6Prefix,
      @Nullable Object ipv6Gateway) {
    Checks.checkArgument(
        ipv4 || ipv6,
        "ipv4 and ipv6 must not both be false: a provider needs at least one address family");
    if (!ipv4) {
      checkOff("ipv4", "ipv4_address", ipv4Address);
      checkOff("ipv4", "network", network);
      checkOff("ipv4", "gateway", gateway);
    }
    if (!ipv6) {
      checkOff("ipv6", "ipv6_address", ipv6Address);
      checkOff("ipv6", "ipv6_prefix", ipv6Prefix);
      checkOff("ipv6", "ipv6_gateway", ipv6Gateway);
    }
  }

  private static void checkOff(String family, String field, @Nullable Object value) {
    if (value != null) {
      throw new IllegalArgumentException(
          String.format(
              java.util.Locale.ROOT,
              "%s must not be set when %s = false, was %s",
              field,
              family,
              value instanceof InetAddress a ? AddressFamily.text(a) : value));
    }
  }

  /**
   * The IPv6 rules: the address is one of the router's own global (or unique local) unicast
   * addresses inside the prefix, and the gateway is link-local (the usual case: routers advertise
   * themselves from their link-local address, often {@code fe80::1} on every uplink) or a unicast
   * address inside the prefix. Unlike IPv4, no on-link gateway outside the network is accepted: an
   * IPv6 router always has a link-local address to be reached at.
   */
  private static void checkIpv6(
      @Nullable Inet6Address address,
      @Nullable Ipv6Network prefix,
      @Nullable Inet6Address gateway) {
    if (address != null) {
      Checks.checkArgument(
          isUnicast(address) && !address.isLinkLocalAddress(),
          "ipv6_address must be a global or unique local unicast address (not link-local,"
              + " multicast, loopback, unspecified or IPv4-compatible), was %s",
          Ipv6.toText(address));
    }
    if (prefix != null) {
      Checks.checkArgument(
          prefix.prefixLength() >= 8
              && !prefix.address().isLinkLocalAddress()
              && !prefix.address().isMulticastAddress(),
          "ipv6_prefix must be a global or unique local prefix of at least 8 bits, was %s",
          prefix);
    }
    if (address != null && prefix != null) {
      Checks.checkArgument(
          prefix.contains(address),
          "ipv6_address must lie inside ipv6_prefix %s, was %s",
          prefix,
          Ipv6.toText(address));
    }
    if (gateway != null) {
      Checks.checkArgument(
          isUnicast(gateway),
          "ipv6_gateway must be a link-local or unicast address (not multicast, loopback,"
              + " unspecified or IPv4-compatible), was %s",
          Ipv6.toText(gateway));
      Checks.checkArgument(
          !gateway.equals(address),
          "ipv6_gateway must differ from ipv6_address, both were %s",
          Ipv6.toText(gateway));
      if (prefix != null && !gateway.isLinkLocalAddress()) {
        Checks.checkArgument(
            prefix.contains(gateway),
            "ipv6_gateway must be link-local (like fe80::1) or lie inside ipv6_prefix %s, was %s",
            prefix,
            Ipv6.toText(gateway));
      }
    }
  }

  /**
   * Whether {@code address} can be a host's own address or a next hop: not unspecified ({@code
   * ::}), loopback ({@code ::1}), multicast ({@code ff00::/8}) or IPv4-compatible ({@code ::/96},
   * deprecated by RFC 4291).
   */
  static boolean isUnicast(Inet6Address address) {
    byte[] b = address.getAddress();
    boolean leading96Zero = true;
    for (int i = 0; i < 12; i++) {
      leading96Zero &= b[i] == 0;
    }
    return !address.isMulticastAddress() && !leading96Zero;
  }

  /**
   * Builds an IPv4-only provider from the textual form of its addresses, as a config file holds
   * them; {@link #withIpv6} adds IPv6.
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

  /**
   * This provider with IPv6 turned on and these IPv6 values, each null to be learned from the
   * interface; its IPv4 is kept as it is.
   *
   * @throws IllegalArgumentException if an IPv6 value breaks its rule; the message names the field
   */
  public Provider withIpv6(
      @Nullable Inet6Address ipv6Address,
      @Nullable Ipv6Network ipv6Prefix,
      @Nullable Inet6Address ipv6Gateway) {
    return new Provider(
        id,
        interfaceName,
        ipv4Address,
        network,
        gateway,
        rtTableName,
        rtTableId,
        ipv4,
        true,
        ipv6Address,
        ipv6Prefix,
        ipv6Gateway);
  }

  /**
   * This provider without IPv4: an IPv6-only uplink (a DS-Lite or 464XLAT line, whose IPv4 is
   * tunnelled and not the router's to route).
   *
   * @throws IllegalArgumentException if this provider has IPv4 values, which an IPv6-only provider
   *     must not have, or has no IPv6
   */
  public Provider withoutIpv4() {
    return new Provider(
        id,
        interfaceName,
        ipv4Address,
        network,
        gateway,
        rtTableName,
        rtTableId,
        false,
        ipv6,
        ipv6Address,
        ipv6Prefix,
        ipv6Gateway);
  }

  /** The families this provider has, IPv4 first; never empty. */
  public Set<AddressFamily> families() {
    EnumSet<AddressFamily> families = EnumSet.noneOf(AddressFamily.class);
    if (ipv4) {
      families.add(AddressFamily.IPV4);
    }
    if (ipv6) {
      families.add(AddressFamily.IPV6);
    }
    return Collections.unmodifiableSet(families);
  }

  /** Whether this provider has {@code family}. */
  public boolean has(AddressFamily family) {
    return switch (Checks.checkNotNull(family, "family")) {
      case IPV4 -> ipv4;
      case IPV6 -> ipv6;
    };
  }

  /**
   * The router's own address of {@code family} on this provider, which probes of that family are
   * bound to and its policy rule matches; empty if the provider does not have the family or the
   * address is still to be learned.
   */
  public Optional<InetAddress> address(AddressFamily family) {
    return Optional.ofNullable(
        switch (Checks.checkNotNull(family, "family")) {
          case IPV4 -> ipv4Address;
          case IPV6 -> ipv6Address;
        });
  }

  /**
   * The next hop of this provider's default route of {@code family}; empty if the provider does
   * not have the family, the gateway is still to be learned, or (IPv4) the link is point-to-point.
   */
  public Optional<InetAddress> gateway(AddressFamily family) {
    return Optional.ofNullable(
        switch (Checks.checkNotNull(family, "family")) {
          case IPV4 -> gateway;
          case IPV6 -> ipv6Gateway;
        });
  }

  /**
   * The network ({@link Ipv4Network}) or prefix ({@link Ipv6Network}) of {@code family} as {@code
   * ip} writes it, such as {@code 192.168.1.0/24} or {@code 2001:db8:1::/64}; empty if the
   * provider does not have the family or the network is still to be learned.
   */
  public Optional<String> networkText(AddressFamily family) {
    Object value =
        switch (Checks.checkNotNull(family, "family")) {
          case IPV4 -> network;
          case IPV6 -> ipv6Prefix;
        };
    return Optional.ofNullable(value).map(Object::toString);
  }

  /**
   * Whether this provider has {@code family} with its address and network known, so that it can
   * be probed and routed in that family (its gateway may still be absent: a point-to-point link).
   */
  public boolean resolvedFor(AddressFamily family) {
    return switch (Checks.checkNotNull(family, "family")) {
      case IPV4 -> ipv4 && ipv4Address != null && network != null;
      case IPV6 -> ipv6 && ipv6Address != null && ipv6Prefix != null;
    };
  }

  /**
   * Whether any of the address, network and gateway of a family this provider has is left to be
   * learned from the interface (as configured). A provider that learns nothing is its own
   * resolution, though its IPv4 gateway may still be absent on a point-to-point link.
   */
  public boolean learnsFromInterface() {
    return learnsFromInterface(AddressFamily.IPV4) || learnsFromInterface(AddressFamily.IPV6);
  }

  /**
   * Whether this provider has {@code family} and leaves any of that family's address, network and
   * gateway to be learned from the interface (as configured); false for a family it does not have.
   */
  public boolean learnsFromInterface(AddressFamily family) {
    return switch (Checks.checkNotNull(family, "family")) {
      case IPV4 -> ipv4 && (ipv4Address == null || network == null || gateway == null);
      case IPV6 -> ipv6 && (ipv6Address == null || ipv6Prefix == null || ipv6Gateway == null);
    };
  }

  /**
   * Whether this provider is {@code configured} with its learned values filled in: the same id,
   * interface, table and families, and every value the configuration names kept, in both
   * families. A provider that learns nothing resolves only to itself.
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
        && ipv4 == configured.ipv4
        && ipv6 == configured.ipv6
        && keeps(configured.ipv4Address, ipv4Address)
        && keeps(configured.network, network)
        && keeps(configured.gateway, gateway)
        && keeps(configured.ipv6Address, ipv6Address)
        && keeps(configured.ipv6Prefix, ipv6Prefix)
        && keeps(configured.ipv6Gateway, ipv6Gateway);
  }

  private static boolean keeps(@Nullable Object configuredValue, @Nullable Object value) {
    return configuredValue == null || configuredValue.equals(value);
  }

  /**
   * Whether the IPv4 gateway lies outside the network, so that the kernel must be told that it is
   * on-link (directly reachable through the interface) to accept a route through it.
   */
  public boolean onlink() {
    return gateway != null && network != null && !network.contains(gateway);
  }

  /** {@code provider 'id'}, the form logs and messages use. */
  @Override
  public String toString() {
    return "provider '" + id + "'";
  }
}
