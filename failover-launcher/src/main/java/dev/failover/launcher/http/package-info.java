/**
 * The daemon's local HTTP listener ({@code http_listen}): {@code /metrics} for Prometheus, the live
 * status page at {@code /} and the JSON it polls. Read-only, on a small bounded pool of its own, so
 * that neither a slow client nor a flood of requests can delay a tick.
 */
@NullMarked
package dev.failover.launcher.http;

import org.jspecify.annotations.NullMarked;
