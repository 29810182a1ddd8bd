package dev.failover.launcher.config;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.base.Preconditions.checkNotNull;

import dev.failover.linux.FlowPinningSettings;
import dev.failover.linux.FlushFlowsOnDown;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The flow pinning keys of the config (docs/configuration.md, "Flow pinning").
 *
 * @param pinFlows {@code pin_flows}: a flow keeps the uplink it started on while that uplink is
 *     usable; true by default
 * @param flushFlowsOnDown {@code flush_flows_on_down}: which flows end at once when a provider
 *     stops being usable; {@code "provider"} by default
 * @param fwmarkMask {@code fwmark_mask}: the mark bits failover owns, one run of contiguous bits
 *     that can number every provider; {@code 0x0f000000} by default
 */
public record FlowPinningConfig(
    boolean pinFlows, FlushFlowsOnDown flushFlowsOnDown, int fwmarkMask) {

  /**
   * @throws IllegalArgumentException if {@code fwmark_mask} is not one run of contiguous bits; the
   *     message names the key and the value
   */
  public FlowPinningConfig {
    checkNotNull(flushFlowsOnDown, "flush_flows_on_down");
    checkArgument(
        FlowPinningSettings.isContiguous(fwmarkMask),
        "fwmark_mask must be one run of contiguous set bits (such as 0x0f000000), was %s",
        hex(fwmarkMask));
  }

  /** {@code pin_flows = true}, {@code flush_flows_on_down = "provider"}, mask 0x0f000000. */
  public static FlowPinningConfig defaults() {
    return new FlowPinningConfig(
        true, FlushFlowsOnDown.PROVIDER, FlowPinningSettings.DEFAULT_FWMARK_MASK);
  }

  /** The config names of {@code flush_flows_on_down}, in the enum's order. */
  public static List<String> flushNames() {
    return Arrays.stream(FlushFlowsOnDown.values()).map(FlowPinningConfig::configName).toList();
  }

  /** {@code "provider"}, {@code "none"}, {@code "all"}. */
  public static String configName(FlushFlowsOnDown value) {
    return value.name().toLowerCase(Locale.ROOT);
  }

  /** The value named {@code name} in the config, if any. */
  public static Optional<FlushFlowsOnDown> flushFromConfigName(String name) {
    return Arrays.stream(FlushFlowsOnDown.values())
        .filter(v -> configName(v).equals(name))
        .findFirst();
  }

  /**
   * Checks that the mask can number {@code providers} providers.
   *
   * @throws IllegalArgumentException if it cannot; the message names the key and the value
   */
  void checkFits(int providers) {
    long capacity = FlowPinningSettings.capacity(fwmarkMask);
    checkArgument(
        providers <= capacity,
        "fwmark_mask must have room for one mark per provider (%s), but %s numbers at most %s",
        providers,
        hex(fwmarkMask),
        capacity);
  }

  /** The settings of failover-linux's flow pinning. */
  public FlowPinningSettings settings() {
    return new FlowPinningSettings(
        pinFlows,
        flushFlowsOnDown,
        fwmarkMask,
        FlowPinningSettings.DEFAULT_RULE_PRIORITY,
        FlowPinningSettings.DEFAULT_RULE_PROTOCOL);
  }

  static String hex(int value) {
    return String.format("0x%08x", value);
  }
}
