package dev.failover.launcher.config;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableMap;
import dev.failover.api.ReliabilityPolicy;
import dev.failover.core.DampedPolicy;
import dev.failover.core.DampedPolicySettings;
import dev.failover.core.OriginalPolicy;
import java.util.Set;
import java.util.function.Function;

/**
 * The reliability policies the {@code policy} key can name, each built from the config.
 *
 * <p>A small map on purpose: adding a policy, or changing the default, is a one-line change. The
 * {@code damped} policy runs with its documented defaults (docs/policy-damped.md); its own keys are
 * not read from the config file yet.
 */
public final class Policies {

  /** The policy used when the config names none. */
  public static final String DEFAULT = "original";

  private static final ImmutableMap<String, Function<FailoverConfig, ReliabilityPolicy>> POLICIES =
      ImmutableMap.of(
          OriginalPolicy.NAME,
          config ->
              new OriginalPolicy(config.maxFailedChecks(), config.minConsecutiveSucceededChecks()),
          DampedPolicy.NAME,
          config -> {
            DampedPolicySettings settings = DampedPolicySettings.defaults();
            settings.checkFits(config.maxStoredTestResultCount(), config.testCases().size());
            return new DampedPolicy(settings);
          });

  private Policies() {}

  /** The names of the known policies, in a stable order. */
  public static Set<String> names() {
    return POLICIES.keySet();
  }

  /**
   * The policy that {@code config} names, built from its settings.
   *
   * @throws IllegalArgumentException if the name is unknown (a valid config never has one), or the
   *     policy's settings do not fit the rest of the config; the message names the keys
   */
  public static ReliabilityPolicy create(FailoverConfig config) {
    Function<FailoverConfig, ReliabilityPolicy> factory = POLICIES.get(config.policy());
    checkArgument(factory != null, "policy must be one of %s, was '%s'", names(), config.policy());
    return factory.apply(config);
  }
}
