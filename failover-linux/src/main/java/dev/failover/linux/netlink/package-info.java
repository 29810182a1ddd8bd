/**
 * The kernel's routing netlink (rtnetlink) over JNA: a socket opened in the calling thread's
 * network namespace, a bounds-checked codec of the route, rule, link and address messages, dumps
 * filtered by the kernel and decoded as they stream in ({@link
 * dev.failover.linux.netlink.RtNetlink}), transactions of write requests with one result per
 * request, and one event socket subscribed to the link, address and route notifications, with a
 * full resync after an overrun ({@link dev.failover.linux.netlink.NetlinkEvents}).
 *
 * <p>No Java library for rtnetlink is maintained, so this package is ours; it holds only what the
 * route backend and the link monitor need. Names and addresses are taken as the kernel gives them
 * (the bytes of {@code IFLA_IFNAME}, the raw address bytes), never parsed from text, and nothing
 * here starts a process. The decoder throws only {@link
 * dev.failover.linux.netlink.NetlinkFormatException}, whatever bytes it is given.
 */
@NullMarked
package dev.failover.linux.netlink;

import org.jspecify.annotations.NullMarked;
