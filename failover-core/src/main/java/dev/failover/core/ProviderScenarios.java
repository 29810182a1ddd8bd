package dev.failover.core;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ImmutableSet;
import dev.failover.api.AddressFamily;
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
 *
 * <p><b>Address families.</b> Each scenario tests one family ({@link TestScenario#family()}): a
 * ping of {@code 2001:db8::1} is evidence about a provider's IPv6 path, not its IPv4 one. An engine
 * runs only the scenarios of its family ({@link #forFamily}), so a dual-stack router configures one
 * list, and each family's engine takes its part of it.
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

  /**
   * The scenarios of {@code family} only, each list (global and own) keeping its order. A provider
   * that replaces the global scenarios still replaces them, so if none of its own is of {@code
   * family}, it runs nothing in that family (and {@link FailoverEngine} refuses it if it has the
   * family); an own list left empty is dropped from {@link #withOwnScenarios()}.
   */
  public ProviderScenarios forFamily(AddressFamily family) {
    checkNotNull(family, "family");
    Map<String, ImmutableList<TestScenario>> owned = new LinkedHashMap<>();
    own.forEach(
        (id, list) -> {
          ImmutableList<TestScenario> kept = ofFamily(list, family);
          if (!kept.isEmpty()) {
            owned.put(id, kept);
          }
        });
    return new ProviderScenarios(ofFamily(global, family), ImmutableMap.copyOf(owned), replacing);
  }

  private static ImmutableList<TestScenario> ofFamily(
      List<TestScenario> scenarios, AddressFamily family) {
    return scenarios.stream()
        .filter(scenario -> scenario.family() == family)
        .collect(ImmutableList.toImmutableList());
  }

  /**
   * The families the scenarios test, global and own, in {@link AddressFamily} order; a family none
   * of them tests cannot be judged.
   */
  public ImmutableSet<AddressFamily> families() {
    ImmutableSet.Builder<AddressFamily> families = ImmutableSet.builder();
    for (AddressFamily family : AddressFamily.values()) {
      boolean tested = global.stream().anyMatch(s -> s.family() == family);
      for (List<TestScenario> list : own.values()) {
        tested |= list.stream().anyMatch(s -> s.family() == family);
      }
      if (tested) {
        families.add(family);
      }
    }
    return families.build();
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
    if (replacing.contains(providerId)) {
      return mine == null ? ImmutableList.of() : mine;
    }
    if (mine == null) {
      return global;
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
