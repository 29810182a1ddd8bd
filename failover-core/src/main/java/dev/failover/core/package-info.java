/**
 * The reliability engine of failover: the bounded per-provider {@link
 * dev.failover.core.HistoryStore}, the reliability policies (such as {@link
 * dev.failover.core.OriginalPolicy}), the selection of the main provider, the sticky-provider file,
 * and the engine: a pure step over an immutable state ({@code EngineStep}, {@code EngineState})
 * inside the shell {@link dev.failover.core.FailoverEngine}, which probes, steps, applies and
 * publishes once per tick, with its scheduling wrapper {@link dev.failover.core.FailoverService}.
 *
 * <p>Nothing here knows Linux: probes and the route backend come in through the SPIs of
 * failover-api. Time comes in through an injected {@link java.time.InstantSource} and Guava {@link
 * com.google.common.base.Ticker}; no class here reads the system clock. See docs/architecture.md.
 */
@NullMarked
package dev.failover.core;

import org.jspecify.annotations.NullMarked;
