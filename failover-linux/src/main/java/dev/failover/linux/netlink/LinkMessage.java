package dev.failover.linux.netlink;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

/**
 * One network interface, as an {@code RTM_NEWLINK} or {@code RTM_DELLINK} message describes it
 * ({@code struct ifinfomsg}, {@code IFLA_IFNAME}, {@code IFLA_OPERSTATE}). Immutable.
 *
 * <p>The name is the kernel's {@code IFLA_IFNAME} bytes up to their NUL, decoded as UTF-8 (the
 * kernel accepts any bytes but '/', ':', white space and NUL; bytes that are not UTF-8 decode to
 * U+FFFD and so match no configured name).
 *
 * @param family {@code ifi_family}: 0 ({@code AF_UNSPEC}) for the interface itself; 7 ({@code
 *     AF_BRIDGE}) for a message about its bridge port, which is not about the interface's state
 * @param index the interface index, {@code ifi_index}
 * @param flags {@code ifi_flags}: {@link #IFF_UP}, {@link #IFF_RUNNING}, {@link #IFF_LOWER_UP}, ...
 * @param name the interface name
 * @param operState {@code IFLA_OPERSTATE} (RFC 2863): {@link #OPER_UP}, {@link #OPER_UNKNOWN}, ...;
 *     {@link #OPER_UNKNOWN} when absent
 */
public record LinkMessage(int family, int index, int flags, String name, int operState) {

  /** Administratively up. */
  public static final int IFF_UP = 0x1;

  /** Operationally up (the driver has carrier and the link is not dormant). */
  public static final int IFF_RUNNING = 0x40;

  /** The driver signals carrier (L1 up). */
  public static final int IFF_LOWER_UP = 0x10000;

  /** The driver does not report an operational state (tun, PPP, some drivers). */
  public static final int OPER_UNKNOWN = 0;

  /** Up and usable. */
  public static final int OPER_UP = 6;

  private static final String[] OPER_STATE_NAMES = {
    "UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"
  };

  /**
   * @throws IllegalArgumentException if {@code index} is not positive or {@code operState} not a u8
   */
  public LinkMessage {
    checkNotNull(name, "name");
    checkArgument(family >= 0 && family <= 0xff, "family must be 0 to 255, was %s", family);
    checkArgument(index > 0, "index must be > 0, was %s", index);
    checkArgument(
        operState >= 0 && operState <= 0xff, "operState must be 0 to 255, was %s", operState);
  }

  /** Whether it is administratively up ({@code UP}). */
  public boolean adminUp() {
    return (flags & IFF_UP) != 0;
  }

  /**
   * Whether it has carrier as {@code ip link} shows it: {@code LOWER_UP} and not {@code NO-CARRIER}
   * (which {@code ip} prints for an interface that is up but not running).
   */
  public boolean carrier() {
    boolean noCarrier = adminUp() && (flags & IFF_RUNNING) == 0;
    return (flags & IFF_LOWER_UP) != 0 && !noCarrier;
  }

  /** The operational state's name as {@code ip} prints it, such as {@code UP} or {@code DOWN}. */
  public String operStateName() {
    return operState < OPER_STATE_NAMES.length ? OPER_STATE_NAMES[operState] : "STATE" + operState;
  }

  @Override
  public String toString() {
    return index
        + ": "
        + name
        + " flags 0x"
        + Integer.toHexString(flags)
        + " state "
        + operStateName()
        + (family == 0 ? "" : " family " + family);
  }
}
