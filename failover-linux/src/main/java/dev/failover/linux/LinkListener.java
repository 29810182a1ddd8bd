package dev.failover.linux;

import java.net.Inet4Address;

/**
 * Receives what a {@link LinkMonitor} sees happen to the interfaces: whether each one is usable,
 * and which IPv4 addresses come and go.
 *
 * <p>Calls come from the monitor's single thread, one at a time, in the kernel's order, and only
 * for changes: right after {@link LinkMonitor#start()} once for every interface present (its
 * current state) and for every address it has, then whenever a value differs from the one last
 * delivered. A listener should return quickly (hand work such as a re-decision to another
 * executor); an exception it throws is logged and does not stop the monitor.
 */
public interface LinkListener {

  /**
   * Interface {@code interfaceName} became usable or stopped being usable. Usable means: it exists,
   * is administratively up ({@code UP}), has carrier ({@code LOWER_UP}, no {@code NO-CARRIER}) and
   * its operational state is {@code UP} or {@code UNKNOWN} (PPP, tun and some drivers never report
   * one). Deleting or renaming an interface makes its old name not usable.
   */
  void onLinkChanged(String interfaceName, boolean usable);

  /**
   * IPv4 address {@code address} appeared on ({@code present}) or disappeared from interface
   * {@code interfaceName}. Ignored by default.
   */
  default void onAddressChanged(String interfaceName, Inet4Address address, boolean present) {}

  /**
   * Something about interface {@code view.name()} changed: the link, its IPv4 addresses, or (for a
   * monitor {@linkplain LinkMonitor#followingDefaultRoutes following them}) the main table's
   * default routes through it, its IPv6 addresses or IPv6 default routes (only what {@link
   * InterfaceView} keeps of them: a router advertisement that refreshes lifetimes is no change).
   * Comes after the finer calls above for the same change, once per change, with the whole
   * picture, for a listener that learns an uplink's values from its interface ({@link
   * UplinkResolver}, {@link Ipv6UplinkResolver}). Ignored by default.
   */
  default void onInterfaceChanged(InterfaceView view) {}

  /**
   * The monitor missed notifications (the kernel's queue overran, or a message could not be read)
   * and read every interface again; the differences have just been reported. A change that came
   * and went meanwhile is not among them, yet it may have had effects: an interface set down and
   * up again has lost every route through it, silently. A listener that keeps routes should
   * re-apply them. Ignored by default.
   */
  default void onResynced() {}
}
