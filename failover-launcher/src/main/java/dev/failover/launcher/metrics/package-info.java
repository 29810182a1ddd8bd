/**
 * The daemon's metrics for Prometheus ({@code /metrics}, OpenMetrics or Prometheus text): per
 * provider its state, whether it is main, round-trip times and probes sent and lost; for the daemon
 * its switches, apply failures, hooks and tick durations. Names and alerts: docs/operations.md,
 * "Metrics".
 */
@NullMarked
package dev.failover.launcher.metrics;

import org.jspecify.annotations.NullMarked;
