package dev.failover.linux.netlink;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;
import static dev.failover.linux.netlink.RouteMessage.checkFamily;
import static dev.failover.linux.netlink.RouteMessage.checkU8;

import com.google.common.net.InetAddresses;
import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/**
 * One address of an interface, as an {@code RTM_NEWADDR} or {@code RTM_DELADDR} message describes
 * it ({@code struct ifaddrmsg}, {@code IFA_LOCAL}, {@code IFA_ADDRESS}). Immutable.
 *
 * <p>For IPv4, {@code IFA_LOCAL} is the interface's own address and {@code IFA_ADDRESS} the peer's
 * on a point-to-point link (the same as {@code IFA_LOCAL} otherwise); IPv6 sends only {@code
 * IFA_ADDRESS}. {@link #interfaceAddress()} picks the right one.
 *
 * @param family IPv4 or IPv6
 * @param prefixLength the prefix length
 * @param flags {@code IFA_FLAGS} if present, else {@code ifa_flags}
 * @param scope the address scope
 * @param index the interface's index
 * @param local {@code IFA_LOCAL}, if present
 * @param address {@code IFA_ADDRESS}, if present
 */
public record AddressMessage(
    AddressFamily family,
    int prefixLength,
    int flags,
    int scope,
    int index,
    @Nullable InetAddress local,
    @Nullable InetAddress address) {

  /**
   * @throws IllegalArgumentException if a field is out of range, an address is of another family,
   *     or there is no address at all
   */
  public AddressMessage {
    checkNotNull(family, "family");
    checkArgument(
        prefixLength >= 0 && prefixLength <= family.maxPrefixLength(),
        "prefixLength must be 0 to %s, was %s",
        family.maxPrefixLength(),
        prefixLength);
    checkU8(scope, "scope");
    checkArgument(index > 0, "index must be > 0, was %s", index);
    checkFamily(family, local, "local");
    checkFamily(family, address, "address");
    checkArgument(local != null || address != null, "an address message needs an address");
  }

  /** The interface's own address: {@code IFA_LOCAL} if present, else {@code IFA_ADDRESS}. */
  public InetAddress interfaceAddress() {
    return local != null ? local : checkNotNull(address);
  }

  @Override
  public String toString() {
    String text =
        "#" + index + " " + InetAddresses.toAddrString(interfaceAddress()) + "/" + prefixLength;
    if (local != null && address != null && !local.equals(address)) {
      text += " peer " + InetAddresses.toAddrString(address);
    }
    return text;
  }
}
