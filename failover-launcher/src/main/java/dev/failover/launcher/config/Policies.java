package dev.failover.launcher.config;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.core.DampedPolicy;
import dev.failover.core.DampedPolicySettings;
import dev.failover.core.OriginalPolicy;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The reliability policies the {@code policy} key can name, each built from the config, and the
 * top-level keys each one reads.
 *
 * <p>A small map on purpose: adding a policy, or changing the default, is a one-line change. The
 * keys of a policy that is not selected are accepted (a file may keep them while trying the other
 * policy); {@code check-config} says they are unused. Stateless.
 */
public final class Policies {

  /**
   * The policy used when the config names none: {@code damped}, which fails over in under a second
   * without switching on the odd lost probe (docs/policy-damped.md). {@code original}
   * keeps config.py's rule exactly.
   */
  public static final String DEFAULT = DampedPolicy.NAME;

  /** The keys of the original policy, as config.py names them. */
  static final List<String> ORIGINAL_KEYS =
      List.of("max_failed_checks", "min_consecutive_succeeded_checks");

  /** The keys of the damped policy, as docs/policy-damped.md names them, in its order. */
  static final List<String> DAMPED_KEYS =
      List.of(
          "down_consecutive_failures",
          "up_consecutive_successes",
          "loss_window_rounds",
          "loss_acceptable_percent",
          "loss_degraded_percent",
          "loss_false_alarm_probability",
          "loss_false_recovery_probability",
          "min_targets_up",
          "max_latency",
          "failback_dwell",
          "flap_penalty",
          "flap_reuse_threshold",
          "flap_half_life",
          "flap_max_hold",
          "target_correlation");

  private static final ImmutableMap<String, Function<FailoverConfig, ReliabilityPolicy>> POLICIES =
      ImmutableMap.of(
          OriginalPolicy.NAME,
          config ->
              new OriginalPolicy(config.maxFailedChecks(), config.minConsecutiveSucceededChecks()),
          // FailoverConfig has already checked that the settings fit the history and test cases.
          DampedPolicy.NAME,
          config -> new DampedPolicy(dampedSettings(config)));

  private static final ImmutableMap<String, List<String>> KEYS =
      ImmutableMap.of(OriginalPolicy.NAME, ORIGINAL_KEYS, DampedPolicy.NAME, DAMPED_KEYS);

  private Policies() {}

  /** The names of the known policies, in a stable order. */
  public static Set<String> names() {
    return POLICIES.keySet();
  }

  /**
   * The top-level config keys that the policy {@code name} reads; empty for an unknown name.
   */
  public static List<String> keys(String name) {
    return KEYS.getOrDefault(name, List.of());
  }

  /**
   * The damped policy's settings for {@code config}: its keys, and which targets target correlation
   * may compare. Where providers list test cases of their own, only the global ones are shared
   * (they come first in every round of a provider that keeps them), and a provider that runs only
   * its own shares none, so it takes no part.
   */
  static DampedPolicySettings dampedSettings(FailoverConfig config) {
    if (config.providerTestCases().isEmpty()) {
      return config.dampedPolicy();
    }
    Set<String> uncorrelated = new LinkedHashSet<>();
    config
        .providerTestCases()
        .forEach(
            (id, own) -> {
              if (!own.globalTestCases()) {
                uncorrelated.add(id);
              }
            });
    return config.dampedPolicy().toBuilder()
        .sharedTargets(config.globalTestCasesRun() ? config.testCases().size() : 0)
        .uncorrelatedProviders(uncorrelated)
        .build();
  }

  /**
   * The policy that {@code config} names, built from its settings.
   *
   * @throws IllegalArgumentException if the name is unknown (a valid config never has one)
   */
  public static ReliabilityPolicy create(FailoverConfig config) {
    Function<FailoverConfig, ReliabilityPolicy> factory = POLICIES.get(config.policy());
    checkArgument(factory != null, "policy must be one of %s, was '%s'", names(), config.policy());
    return factory.apply(config);
  }
}
