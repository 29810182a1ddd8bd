package dev.failover.linux.netlink;

/**
 * How a dump went: how much the kernel sent, and whether the dumped objects changed while it ran.
 *
 * @param messages the objects the kernel sent (those the dump's filter asks for went to the
 *     consumer)
 * @param bytes the bytes received, headers included
 * @param interrupted whether the kernel flagged the dump as interrupted ({@code NLM_F_DUMP_INTR}):
 *     the objects changed meanwhile, so what was received may be inconsistent; dump again
 */
public record DumpResult(long messages, long bytes, boolean interrupted) {}
