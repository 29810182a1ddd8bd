package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.failover.api.TestScenario;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which health checks run through which provider: the global list, run through every provider, and
 * the lists some providers add (their ISP's DNS server, the far end of a tunnel), each either in
 * addition to the global ones or instead of them.
 *
 * <p>A provider's list ({@link #forProvider}) is its round's order: the global scenarios first
 * (unless the provider replaces them), then its own. So the first {@link #sharedCount()} results of
 * every round of a provider that keeps the global scenarios are the same targets on every such
 * provider, which is what target correlation compares (docs/policy-damped.md).
 *
 * <p>Names are unique within each provider's list (a scenario's name keys its round-trip time
 * estimate and its log lines); the same scenario may appear in several providers' lists. The global
 * list may be empty only if every provider that runs anything has its own list instead; {@link
 * FailoverEngine} checks that every provider has at least one scenario. Immutable and thread-safe.
 */
public final class ProviderScenarios {
  private final ImmutableList<TestScenario> global;
  private final ImmutableMap<String, ImmutableList<TestScenario>> own;
  private final ImmutableSet<String> replacing;

  private ProviderScenarios(
      ImmutableList<TestScenario> global,
      ImmutableMap<String, ImmutableList<TestScenario>> own,
      ImmutableSet<String> replacing) {
    this.global = global;
    this.own = own;
    this.replacing = replacing;
  }

  /**
   * The same scenarios for every provider, in this order.
   *
   * @throws IllegalArgumentException if two scenarios have the same name
   */
  public static ProviderScenarios shared(Collection<? extends TestScenario> global) {
    ImmutableList<TestScenario> list = ImmutableList.copyOf(checkNotNull(global, "global"));
    checkUnique("test_cases", list);
    return new ProviderScenarios(list, ImmutableMap.of(), ImmutableSet.of());
  }

  /**
   * These scenarios plus {@code scenarios} of its own for the provider {@code providerId}: after
   * the global ones if {@code keepGlobal}, instead of them otherwise.
   *
   * @throws IllegalArgumentException if {@code scenarios} is empty, the provider already has a list
   *     of its own, or two scenarios of its list (global and own) have the same name
   */
  public ProviderScenarios withOwn(
      String providerId, List<? extends TestScenario> scenarios, boolean keepGlobal) {
    checkNotNull(providerId, "providerId");
    ImmutableList<TestScenario> list = ImmutableList.copyOf(checkNotNull(scenarios, "scenarios"));
    checkArgument(
        !list.isEmpty(), "provider '%s': its own test_cases must not be empty", providerId);
    checkArgument(
        !own.containsKey(providerId),
        "provider '%s' already has test_cases of its own",
        providerId);
    checkUnique(
        "provider '" + providerId + "': test_cases",
        keepGlobal
            ? ImmutableList.<TestScenario>builder().addAll(global).addAll(list).build()
            : list);
    Map<String, ImmutableList<TestScenario>> owned = new LinkedHashMap<>(own);
    owned.put(providerId, list);
    return new ProviderScenarios(
        global,
        ImmutableMap.copyOf(owned),
        keepGlobal
            ? replacing
            : ImmutableSet.<String>builder().addAll(replacing).add(providerId).build());
  }

  private static void checkUnique(String what, List<TestScenario> scenarios) {
    Set<String> names = new HashSet<>();
    for (TestScenario scenario : scenarios) {
      checkNotNull(scenario, "%s: a scenario is null", what);
      checkArgument(
          names.add(scenario.name()),
          "%s must have unique names, but '%s' appears twice",
          what,
          scenario.name());
    }
  }

  /**
   * The scenarios run through the provider {@code providerId}, in the order of its rounds' results:
   * the global ones, then its own; or only its own if it replaces the global ones. A provider
   * without a list of its own runs the global ones.
   */
  public ImmutableList<TestScenario> forProvider(String providerId) {
    ImmutableList<TestScenario> mine = own.get(providerId);
    if (mine == null) {
      return global;
    }
    if (replacing.contains(providerId)) {
      return mine;
    }
    return ImmutableList.<TestScenario>builder().addAll(global).addAll(mine).build();
  }

  /** The scenarios of every provider that keeps them, first in its rounds. */
  public ImmutableList<TestScenario> global() {
    return global;
  }

  /** The ids of the providers with scenarios of their own, in the order they were added. */
  public ImmutableSet<String> withOwnScenarios() {
    return own.keySet();
  }

  /**
   * The ids of the providers that run only their own scenarios; they share no target with the
   * others, so target correlation leaves them out.
   */
  public ImmutableSet<String> replacingGlobal() {
    return replacing;
  }

  /**
   * How many results at the start of a round are the same targets on every provider that keeps the
   * global scenarios: the number of global scenarios.
   */
  public int sharedCount() {
    return global.size();
  }

  /** Whether every provider runs the same scenarios (none has a list of its own). */
  public boolean allShared() {
    return own.isEmpty();
  }

  @Override
  public String toString() {
    return "ProviderScenarios[global=" + names(global) + ", own=" + ownNames() + "]";
  }

  private Map<String, String> ownNames() {
    Map<String, String> names = new LinkedHashMap<>();
    own.forEach(
        (id, list) ->
            names.put(id, (replacing.contains(id) ? "instead " : "in addition ") + names(list)));
    return names;
  }

  private static List<String> names(List<TestScenario> scenarios) {
    return scenarios.stream().map(TestScenario::name).toList();
  }
}
