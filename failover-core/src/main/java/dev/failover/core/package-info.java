/**
 * The reliability engine of failover: the bounded per-provider {@link
 * dev.failover.core.HistoryStore}, the reliability policies (such as {@link
 * dev.failover.core.OriginalPolicy}), the selection of the main provider, the sticky-provider file,
 * and the {@link dev.failover.core.FailoverEngine} that runs one tick (probe, record, assess,
 * select, apply, publish) with its scheduling wrapper {@link dev.failover.core.FailoverService}.
 *
 * <p>Nothing here knows Linux: probes and the route backend come in through the SPIs of
 * failover-api. Time comes in through an injected {@link java.time.InstantSource} and Guava {@link
 * com.google.common.base.Ticker}; no class here reads the system clock. See docs/architecture.md.
 */
@NullMarked
package dev.failover.core;

import org.jspecify.annotations.NullMarked;
