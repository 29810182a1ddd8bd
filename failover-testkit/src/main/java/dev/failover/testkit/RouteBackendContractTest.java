package dev.failover.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.AddressFamily;
import dev.failover.api.ApplyOutcome;
import dev.failover.api.Provider;
import dev.failover.api.RouteBackend;
import dev.failover.api.RoutingState;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link RouteBackend} must keep, as an abstract JUnit Jupiter test: a subclass
 * gives the backend under test and at least three providers it can route through, and inherits the
 * tests.
 *
 * <p>The contract: after {@code apply(s)}, {@code current()} equals {@code s}; applying the same
 * state twice is a no-op (the {@link #snapshot()} of the system does not change); switching the
 * main provider and re-ordering the others are reflected exactly; a provider left out of the state
 * loses its main-table route; a state of one address family leaves the other family's state as it
 * was. A backend whose {@code current()} is empty cannot be checked and is skipped with a reason,
 * and so is the family test for a backend that does not serve IPv6 or providers without it.
 *
 * <p>The subclass owns the lifecycle: {@link #backend()} must return a backend on a clean system
 * for every test (for example, built in a {@code @BeforeEach} of the subclass, which runs after this
 * class's own). Assertions use JUnit's {@code Assertions}, since this module's public API depends
 * on the JUnit Jupiter API alone.
 */
public abstract class RouteBackendContractTest {

  /** The backend under test, fresh for the current test. */
  protected abstract RouteBackend backend() throws Exception;

  /** At least three distinct providers the backend can route through, in priority order. */
  protected abstract List<Provider> providers() throws Exception;

  /** The metric of the main provider's route; 100, the original's {@code START_METRIC}. */
  protected int startMetric() {
    return 100;
  }

  /**
   * A description of everything the backend controls in the system, compared before and after a
   * repeated apply; by default {@code current()}. A kernel backend returns a dump of its tables.
   */
  protected Object snapshot() throws Exception {
    return backend().current();
  }

  private List<Provider> three() throws Exception {
    List<Provider> providers = providers();
    assertTrue(providers.size() >= 3, "the contract needs at least 3 providers, got " + providers.size());
    return providers.subList(0, 3);
  }

  private RoutingState state(Provider... ranked) {
    return RoutingState.ranked(List.of(ranked), startMetric());
  }

  private RoutingState applyAndRead(RoutingState desired) throws Exception {
    RouteBackend backend = backend();
    ApplyOutcome outcome = backend.apply(desired);
    assertTrue(outcome.isComplete(), "a healthy system's apply must be complete, was " + outcome);
    Optional<RoutingState> current = backend.current();
    assumeTrue(current.isPresent(), backend + " cannot read its state back; contract not checkable");
    return current.get();
  }

  @Test
  void apply_threeProviders_currentEqualsDesired() throws Exception {
    List<Provider> p = three();
    RoutingState desired = state(p.get(0), p.get(1), p.get(2));

    assertEquals(desired, applyAndRead(desired));
  }

  @Test
  void apply_sameStateTwice_secondIsNoOp() throws Exception {
    List<Provider> p = three();
    RoutingState desired = state(p.get(0), p.get(1), p.get(2));
    backend().apply(desired);
    Object before = snapshot();

    ApplyOutcome second = backend().apply(desired);

    assertEquals(ApplyOutcome.complete(), second);
    assertEquals(before, snapshot(), "the second apply of the same state changed the system");
    assertEquals(Optional.of(desired), backend().current());
  }

  @Test
  void apply_switchMain_currentHasNewMainAtStartMetric() throws Exception {
    List<Provider> p = three();
    backend().apply(state(p.get(0), p.get(1), p.get(2)));

    RoutingState switched = state(p.get(1), p.get(0), p.get(2));
    RoutingState current = applyAndRead(switched);

    assertEquals(switched, current);
    assertEquals(Optional.of(p.get(1)), current.main());
    assertEquals(startMetric(), current.routes().get(0).metric());
  }

  @Test
  void apply_reorderEveryPermutation_currentFollowsEachOrder() throws Exception {
    List<Provider> p = three();
    int[][] orders = {{0, 1, 2}, {2, 1, 0}, {1, 2, 0}, {0, 2, 1}, {2, 0, 1}, {1, 0, 2}, {0, 1, 2}};
    for (int[] order : orders) {
      RoutingState desired = state(p.get(order[0]), p.get(order[1]), p.get(order[2]));

      assertEquals(desired, applyAndRead(desired), "after applying order " + java.util.Arrays.toString(order));
    }
  }

  @Test
  void apply_providerLeftOut_currentNoLongerListsIt() throws Exception {
    List<Provider> p = three();
    backend().apply(state(p.get(0), p.get(1), p.get(2)));

    RoutingState fewer = state(p.get(2), p.get(0));

    assertEquals(fewer, applyAndRead(fewer));
  }

  /** The families are apart (issue 16): an IPv6 state changes nothing of the IPv4 one. */
  @Test
  void apply_ipv6State_leavesTheIpv4StateAsItWas() throws Exception {
    RouteBackend backend = backend();
    assumeTrue(backend.supports(AddressFamily.IPV6), backend + " does not serve IPv6");
    List<Provider> p = three();
    assumeTrue(
        p.stream().allMatch(provider -> provider.resolvedFor(AddressFamily.IPV6)),
        "the providers have no IPv6 address and prefix; the family test needs them");
    RoutingState ipv4 = state(p.get(0), p.get(1), p.get(2));
    backend.apply(ipv4);

    RoutingState ipv6 =
        RoutingState.ranked(
            AddressFamily.IPV6, List.of(p.get(1), p.get(0), p.get(2)), startMetric());
    ApplyOutcome outcome = backend.apply(ipv6);

    assertTrue(outcome.isComplete(), "a healthy system's apply must be complete, was " + outcome);
    assertEquals(Optional.of(ipv4), backend.current());
    Optional<RoutingState> current = backend.current(AddressFamily.IPV6);
    assumeTrue(current.isPresent(), backend + " cannot read its IPv6 state back");
    assertEquals(ipv6, current.get());
  }
}
