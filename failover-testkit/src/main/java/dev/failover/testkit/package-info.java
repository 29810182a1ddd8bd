/**
 * Property-testing support for reliability policies, and fakes of failover's SPIs.
 *
 * <p>A library for failover's users as much as for its own tests: seeded, reproducible generators
 * of network-condition traces, shrinking of a failing trace, a conformance suite every {@link
 * dev.failover.api.ReliabilityPolicy} must pass, and scripted fakes of {@link
 * dev.failover.api.TestScenario} and {@link dev.failover.api.RouteBackend}. It depends on
 * failover-api and the JUnit Jupiter API only.
 */
@NullMarked
package dev.failover.testkit;

import org.jspecify.annotations.NullMarked;
