/**
 * The Linux data plane of failover: health checks bound to a provider's source address (ICMP
 * echo through a socket of its own or the {@code ping} program, TCP connect), the route backend
 * that maintains the routing layout of DESIGN.md section 2 over rtnetlink, the link monitor that
 * reports interfaces going down or losing carrier as it happens (rtnetlink notifications), and the
 * install step that names the routing tables. The kernel is talked to through {@link
 * dev.failover.linux.netlink}; no process is started for it.
 *
 * <p>Flow pinning ({@link dev.failover.linux.FlowPinning}) keeps failover's own nftables table, a
 * {@code fwmark} rule per provider, and deletes a dead uplink's conntrack entries over ctnetlink.
 *
 * <p>The external programs left, {@code ping} for the command echo engine and {@code nft} (run by
 * flow pinning at start and uninstall, never in a switch), run through {@link
 * dev.failover.linux.CommandRunner}, as argument lists and never through a shell, so that no
 * configured value can inject a command. Nothing here knows about network namespaces: sockets are
 * opened in the calling thread's namespace, so tests run the same code in a namespace by running
 * it on a thread that joined one or by giving the runner a prefix (the namespace lab, module
 * failover-lab, does both; nothing here depends on it).
 */
@NullMarked
package dev.failover.linux;

import org.jspecify.annotations.NullMarked;
