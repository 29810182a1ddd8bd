/**
 * Benchmarks of failover, outside the test suite: JMH benchmarks of the core's per-tick work
 * (recording a round, snapshotting the histories, assessing them with each policy, a whole engine
 * tick without I/O), and {@link dev.failover.benchmarks.FailoverBenchmark}, which runs the real
 * daemon in a namespace lab and measures failover end to end. Results and commands are in
 * docs/benchmarks.md.
 */
@NullMarked
package dev.failover.benchmarks;

import org.jspecify.annotations.NullMarked;
