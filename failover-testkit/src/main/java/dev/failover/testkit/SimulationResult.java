package dev.failover.testkit;

import dev.failover.api.Provider;
import dev.failover.api.ProviderHistory;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What a {@link PolicySimulation} saw and decided: for every step, the histories handed to the
 * policy, the statuses it got back as {@code previous} and the statuses it returned.
 *
 * <p>Providers are addressed by their index in priority order (0 is the most preferred), steps by
 * their index from 0. Before step 0 every provider counts as {@link
 * ProviderState#INSUFFICIENT_DATA} (not eligible) and provider 0 as the main one, as for an engine
 * that just started. The main provider at a step is the first eligible provider in priority order,
 * or the previous main provider when none is eligible, which is how the engine keeps the last
 * default route rather than dropping all of them.
 *
 * <p>Immutable and thread-safe. Methods taking a step or provider index throw {@link
 * IndexOutOfBoundsException} for an index out of range.
 */
public final class SimulationResult {
  private final String policyName;
  private final List<Provider> providers;
  private final Instant start;
  private final Duration interval;
  private final int historyCapacity;
  private final List<List<ProviderHistory>> histories;
  private final List<Map<String, ProviderStatus>> statuses;
  private final int[] mains;

  SimulationResult(
      String policyName,
      List<Provider> providers,
      Instant start,
      Duration interval,
      int historyCapacity,
      List<List<ProviderHistory>> histories,
      List<Map<String, ProviderStatus>> statuses) {
    this.policyName = policyName;
    this.providers = List.copyOf(providers);
    this.start = start;
    this.interval = interval;
    this.historyCapacity = historyCapacity;
    this.histories = List.copyOf(histories);
    this.statuses = List.copyOf(statuses);
    this.mains = new int[statuses.size()];
    int main = 0;
    for (int step = 0; step < mains.length; step++) {
      for (int p = 0; p < this.providers.size(); p++) {
        if (eligibleAt(step, p)) {
          main = p;
          break;
        }
      }
      mains[step] = main;
    }
  }

  /** The name of the policy simulated. */
  public String policyName() {
    return policyName;
  }

  /** The providers, in priority order. */
  public List<Provider> providers() {
    return providers;
  }

  /** How many steps (rounds) ran. */
  public int steps() {
    return statuses.size();
  }

  /** The most rounds kept per provider. */
  public int historyCapacity() {
    return historyCapacity;
  }

  /** The instant of step {@code step}: the start plus {@code step} intervals. */
  public Instant timeAt(int step) {
    Objects.checkIndex(step, steps());
    return start.plus(interval.multipliedBy(step));
  }

  /** The histories handed to the policy at {@code step}, in priority order. */
  public List<ProviderHistory> historiesAt(int step) {
    return histories.get(step);
  }

  /** Provider {@code provider}'s history as handed to the policy at {@code step}. */
  public ProviderHistory historyAt(int step, int provider) {
    return histories.get(step).get(provider);
  }

  /**
   * The statuses handed to the policy as {@code previous} at {@code step}: those it returned at the
   * step before, and an empty map at step 0. Unmodifiable, in priority order.
   */
  public Map<String, ProviderStatus> previousAt(int step) {
    Objects.checkIndex(step, steps());
    return step == 0 ? Map.of() : statuses.get(step - 1);
  }

  /** The statuses the policy returned at {@code step}, by provider id. Unmodifiable, in order. */
  public Map<String, ProviderStatus> statusesAt(int step) {
    return statuses.get(step);
  }

  /** Provider {@code provider}'s status at {@code step}. */
  public ProviderStatus statusAt(int step, int provider) {
    return statuses.get(step).get(providers.get(provider).id());
  }

  /** Provider {@code provider}'s state at {@code step}. */
  public ProviderState stateAt(int step, int provider) {
    return statusAt(step, provider).state();
  }

  /** Whether provider {@code provider} may carry the main route at {@code step}. */
  public boolean eligibleAt(int step, int provider) {
    return statusAt(step, provider).eligible();
  }

  /**
   * How often provider {@code provider} became eligible or stopped being eligible, counting from
   * the not-eligible start: a provider eligible from step 0 on has changed once.
   */
  public int eligibilityChanges(int provider) {
    Objects.checkIndex(provider, providers.size());
    int changes = 0;
    boolean eligible = false;
    for (int step = 0; step < steps(); step++) {
      boolean now = eligibleAt(step, provider);
      if (now != eligible) {
        changes++;
        eligible = now;
      }
    }
    return changes;
  }

  /** The first step at or after {@code fromStep} where provider {@code provider} is not eligible. */
  public OptionalInt firstStepNotEligible(int provider, int fromStep) {
    return firstStep(provider, fromStep, false);
  }

  /** The first step at or after {@code fromStep} where provider {@code provider} is eligible. */
  public OptionalInt firstStepEligible(int provider, int fromStep) {
    return firstStep(provider, fromStep, true);
  }

  private OptionalInt firstStep(int provider, int fromStep, boolean eligible) {
    Objects.checkIndex(provider, providers.size());
    if (fromStep < 0) {
      throw new IndexOutOfBoundsException("fromStep must be >= 0, was " + fromStep);
    }
    for (int step = fromStep; step < steps(); step++) {
      if (eligibleAt(step, provider) == eligible) {
        return OptionalInt.of(step);
      }
    }
    return OptionalInt.empty();
  }

  /**
   * The index of the main provider at {@code step}: the first eligible one in priority order, or
   * the main provider of the step before when none is eligible (provider 0 before step 0).
   */
  public int mainAt(int step) {
    Objects.checkIndex(step, steps());
    return mains[step];
  }

  /** The main provider at {@code step}, as {@link #mainAt} picks it. */
  public Provider mainProviderAt(int step) {
    return providers.get(mainAt(step));
  }

  /** How often the main provider changed, counting from provider 0 before step 0. */
  public int mainSwitches() {
    int switches = 0;
    int main = 0;
    for (int m : mains) {
      if (m != main) {
        switches++;
        main = m;
      }
    }
    return switches;
  }

  /**
   * Every provider's state at every step, one line per provider and one letter per step: {@code
   * I}nsufficient data, {@code U}p, {@code S}uspect, {@code D}own, {@code R}ecovering.
   */
  public String timeline() {
    List<String> lines = new ArrayList<>();
    for (int p = 0; p < providers.size(); p++) {
      StringBuilder line = new StringBuilder(providers.get(p).id()).append(": ");
      for (int step = 0; step < steps(); step++) {
        line.append(letter(stateAt(step, p)));
      }
      lines.add(line.toString());
    }
    return String.join("\n", lines);
  }

  private static char letter(ProviderState state) {
    switch (state) {
      case UP:
        return 'U';
      case SUSPECT:
        return 'S';
      case DOWN:
        return 'D';
      case RECOVERING:
        return 'R';
      default:
        return 'I';
    }
  }

  @Override
  public String toString() {
    return "SimulationResult[policy="
        + policyName
        + ", steps="
        + steps()
        + ", providers="
        + providers.size()
        + "]\n"
        + timeline();
  }
}
