/**
 * A reusable network-namespace lab for tests, benchmarks and the demo: a router namespace with
 * several uplinks to simulated ISP namespaces (every modem on the same address, or on distinct
 * subnets), an "internet" namespace holding TEST-NET targets with no route out, and a LAN client,
 * plus ways to break an uplink (blackhole, random loss, link down) and to run code inside a
 * namespace. Everything the lab creates lives in namespaces it created itself and is removed on
 * {@code close()} and by a JVM shutdown hook, which is why it lives in its own module and never in
 * the daemon's code path; the host namespace's routes, rules, interfaces and nftables are never
 * touched. Needs root, {@code ip} and {@code nft}; a dual-stack lab also needs {@code radvd}, which
 * it runs inside the ISP namespaces with its files in a scratch folder of its own.
 */
@NullMarked
package dev.failover.lab;

import org.jspecify.annotations.NullMarked;
