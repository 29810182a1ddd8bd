/**
 * The values and service-provider interfaces of failover: what a provider (an uplink) is, how a
 * health check ({@link dev.failover.api.TestScenario}) reports, how a reliability policy judges a
 * provider's history, what routing state a {@link dev.failover.api.RouteBackend} must make true,
 * and the events a running engine publishes.
 *
 * <p>This package depends on the JDK alone (and jspecify's annotations), so that implementers of a
 * scenario, a backend or a policy need nothing else. Every value type validates itself when it is
 * built: an instance that exists is valid.
 */
@NullMarked
package dev.failover.api;

import org.jspecify.annotations.NullMarked;
