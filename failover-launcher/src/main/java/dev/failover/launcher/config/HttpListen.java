package dev.failover.launcher.config;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The syntax of {@code http_listen}: {@code HOST:PORT}, where HOST is an IPv4 address, an IPv6
 * address in brackets ({@code [::1]:9680}) or {@code localhost}, and PORT is 0 to 65535 (0: a free
 * port the kernel chooses); the empty string turns the listener off.
 *
 * <p>Host names other than {@code localhost} are refused: resolving one would need DNS at start,
 * before the router may have a working uplink, and the listener must bind an address of the router
 * itself anyway. Stateless.
 */
final class HttpListen {
  private HttpListen() {}

  /**
   * The address {@code text} names, empty for {@code ""}.
   *
   * @throws IllegalArgumentException if {@code text} is neither empty nor {@code HOST:PORT} as
   *     above; the message names {@code http_listen}
   */
  static Optional<InetSocketAddress> parse(String text) {
    checkNotNull(text, "http_listen");
    if (text.isEmpty()) {
      return Optional.empty();
    }
    int colon = text.lastIndexOf(':');
    checkArgument(colon > 0, "%s", problem(text));
    String host = text.substring(0, colon);
    String port = text.substring(colon + 1);
    checkArgument(
        port.matches("[0-9]{1,5}") && Integer.parseInt(port) <= 65535, "%s", problem(text));
    InetAddress address;
    if (host.equals("localhost")) {
      address = InetAddress.getLoopbackAddress();
    } else if (host.startsWith("[") && host.endsWith("]")) {
      String literal = host.substring(1, host.length() - 1);
      checkArgument(
          literal.contains(":") && InetAddresses.isInetAddress(literal), "%s", problem(text));
      address = InetAddresses.forString(literal);
    } else {
      // An IPv6 address must be bracketed, so that its last group is not taken for the port.
      checkArgument(!host.contains(":") && InetAddresses.isInetAddress(host), "%s", problem(text));
      address = InetAddresses.forString(host);
    }
    return Optional.of(new InetSocketAddress(address, Integer.parseInt(port)));
  }

  private static String problem(String text) {
    return "http_listen must be \"\" (no listener) or HOST:PORT with an IP address or localhost"
        + " and a port from 0 to 65535, such as \"127.0.0.1:9680\" or \"[::1]:9680\", was '"
        + text
        + "'";
  }
}
