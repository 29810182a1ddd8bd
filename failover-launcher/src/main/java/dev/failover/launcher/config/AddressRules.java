package dev.failover.launcher.config;

import dev.failover.api.AddressFamily;
import dev.failover.api.Ipv4;
import dev.failover.api.Ipv4Network;
import dev.failover.api.Ipv6;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Optional;

/**
 * The classes of IPv4 address a provider or a probe target may not have, with the reason.
 *
 * <p>{@code Provider} checks that its addresses parse and fit its network; these rules add what
 * parsing accepts but no uplink can be: an address that never leaves the host (loopback, {@code
 * 0.0.0.0/8}), one that names a group or every host (multicast, the limited broadcast), or one that
 * is reserved ({@code 240.0.0.0/4}); and a network so wide that its link route would cover much of
 * the internet ({@code 0.0.0.0/0} would take every destination onto the link).
 *
 * <p>IPv6 probe targets have rules of their own ({@link #notProbeable(Inet6Address)}); a provider's
 * IPv6 values are checked by {@code Provider} itself, which knows the prefix they must fit.
 * Stateless.
 */
final class AddressRules {
  /**
   * The shortest prefix a provider's network may have: 10.0.0.0/8 is the widest network that one
   * link is ever given; anything wider takes public address space onto the link, and a /0 would
   * make the provider's table route the whole internet to the link instead of its gateway.
   */
  static final int MIN_NETWORK_PREFIX = 8;

  private AddressRules() {}

  /** Why {@code address} cannot be a provider's address or gateway, or a probe's target. */
  static Optional<String> notUnicast(Inet4Address address) {
    int value = Ipv4.toInt(address);
    int first = value >>> 24;
    if (first == 0) {
      return Optional.of("not in 0.0.0.0/8 (\"this host\": no packet is sent to it)");
    } else if (first == 127) {
      return Optional.of("not loopback (127.0.0.0/8: it never leaves the router)");
    } else if (first >= 224 && first <= 239) {
      return Optional.of("not multicast (224.0.0.0/4)");
    } else if (value == -1) {
      return Optional.of("not the limited broadcast address 255.255.255.255");
    } else if (first >= 240) {
      return Optional.of("not reserved (240.0.0.0/4)");
    }
    return Optional.empty();
  }

  /**
   * The problem of a provider's {@code key} (an address) written as {@code text}, if it parses and
   * is not unicast; a value that does not parse is left to {@code Provider}, which names it.
   */
  static Optional<String> providerAddress(String path, String text) {
    Optional<Inet4Address> address = parse(text);
    return address.flatMap(AddressRules::notUnicast)
        .map(rule -> String.format("%s must be a unicast address, %s, was '%s'", path, rule,
            Messages.shorten(text)));
  }

  /** The problem of a provider's {@code network} written as {@code text}, if it parses. */
  static Optional<String> providerNetwork(String path, String text) {
    Ipv4Network network;
    try {
      network = Ipv4Network.parse(text);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    if (network.prefixLength() < MIN_NETWORK_PREFIX) {
      return Optional.of(
          String.format(
              "%s must have a prefix length of at least /%d (a link network, not a share of the"
                  + " internet), was '%s'",
              path, MIN_NETWORK_PREFIX, Messages.shorten(text)));
    }
    return notUnicast(network.address())
        .map(rule -> String.format("%s must be a unicast network, %s, was '%s'", path, rule,
            Messages.shorten(text)));
  }

  /**
   * Why {@code address} cannot be the target of a probe through a provider: it never leaves the
   * router (unspecified {@code ::}, loopback {@code ::1}), names a group (multicast {@code
   * ff00::/8}), has no meaning beyond one link (link-local {@code fe80::/10}: with no zone it names
   * no link, and through a provider it would reach at most its modem, not the internet), or is a
   * deprecated form (IPv4-compatible {@code ::/96}, site-local {@code fec0::/10}). The
   * documentation prefix {@code 2001:db8::/32} is fine: tests and labs use it, as they use
   * TEST-NET for IPv4.
   */
  static Optional<String> notProbeable(Inet6Address address) {
    byte[] b = address.getAddress();
    boolean leading96Zero = true;
    for (int i = 0; i < 12; i++) {
      leading96Zero &= b[i] == 0;
    }
    if (address.isAnyLocalAddress()) {
      return Optional.of("not the unspecified address :: (no packet is sent to it)");
    } else if (address.isLoopbackAddress()) {
      return Optional.of("not loopback (::1: it never leaves the router)");
    } else if (address.isMulticastAddress()) {
      return Optional.of("not multicast (ff00::/8)");
    } else if (address.isLinkLocalAddress()) {
      return Optional.of("not link-local (fe80::/10: it names no link, and is never routed)");
    } else if (address.isSiteLocalAddress()) {
      return Optional.of("not site-local (fec0::/10, deprecated by RFC 3879)");
    } else if (leading96Zero) {
      return Optional.of("not IPv4-compatible (::/96, deprecated by RFC 4291)");
    }
    return Optional.empty();
  }

  /**
   * The problem of a probe target {@code path} written as {@code text}, if it parses: an IPv6
   * target (a text with a colon) by {@link #notProbeable(Inet6Address)}, an IPv4 one by {@link
   * #notUnicast}.
   */
  static Optional<String> probeTarget(String path, String text) {
    if (text.indexOf(':') >= 0) {
      return parse6(text)
          .flatMap(AddressRules::notProbeable)
          .map(
              rule ->
                  String.format(
                      "%s must be an IPv6 address that a probe through a provider can reach, %s,"
                          + " was '%s'",
                      path, rule, Messages.shorten(text)));
    }
    return parse(text).flatMap(AddressRules::notUnicast)
        .map(rule -> String.format(
            "%s must be a unicast address that a probe through a provider can reach, %s, was"
                + " '%s'",
            path, rule, Messages.shorten(text)));
  }

  /** The family of a probe target written as {@code text}, if it parses as an address. */
  static Optional<AddressFamily> familyOf(String text) {
    if (text.indexOf(':') >= 0) {
      return parse6(text).map(a -> AddressFamily.IPV6);
    }
    return parse(text).map(a -> AddressFamily.IPV4);
  }

  private static Optional<Inet6Address> parse6(String text) {
    try {
      return Optional.of(Ipv6.parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<Inet4Address> parse(String text) {
    try {
      return Optional.of(Ipv4.parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
