/**
 * Property-testing support for reliability policies, and fakes of failover's SPIs.
 *
 * <p>A library for failover's users as much as for its own tests: seeded, reproducible generators
 * of network-condition traces, shrinking of a failing trace, a conformance suite every {@link
 * dev.failover.api.ReliabilityPolicy} must pass, and scripted fakes of {@link
 * dev.failover.api.TestScenario} and {@link dev.failover.api.RouteBackend}. It depends on
 * failover-api and the JUnit Jupiter API only.
 *
 * <p>Where to start: subclass {@link dev.failover.testkit.ReliabilityPolicyConformanceTest} to
 * check a policy against the invariants; use {@link dev.failover.testkit.PolicySimulation} with
 * {@link dev.failover.testkit.Traces} to write properties of its own behaviour, run by {@link
 * dev.failover.testkit.Property#forAll} and shrunk by {@link dev.failover.testkit.Shrinkers}; use
 * {@link dev.failover.testkit.FakeClock} and {@link dev.failover.testkit.FakeScheduler} to drive
 * time-dependent code without sleeping. A failing property prints its seed; {@code
 * -Dfailover.testkit.seed=<seed>} replays it, and {@code -Dfailover.testkit.cases=<factor>} scales
 * the number of cases.
 */
@NullMarked
package dev.failover.testkit;

import org.jspecify.annotations.NullMarked;
