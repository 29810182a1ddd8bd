/**
 * The Linux data plane of failover: health checks bound to a provider's source address (ICMP
 * echo through a socket of its own or the {@code ping} program, TCP connect), the {@code
 * ip}-command route backend that maintains the routing layout of DESIGN.md section 2, the link
 * monitor that reports interfaces going down or losing carrier as it happens, and the install step
 * that names the routing tables.
 *
 * <p>Every external program runs through {@link dev.failover.linux.CommandRunner}, as an argument
 * list and never through a shell, so that no configured value can inject a command. Nothing here
 * knows about network namespaces: tests run the same code in a namespace by giving the runner a
 * prefix or by running it on a thread that joined one (the namespace lab, module failover-lab,
 * does both; nothing here depends on it).
 */
@NullMarked
package dev.failover.linux;

import org.jspecify.annotations.NullMarked;
