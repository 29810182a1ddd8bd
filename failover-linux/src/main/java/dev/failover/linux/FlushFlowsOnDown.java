package dev.failover.linux;

/**
 * Which connection-tracking entries {@link FlowPinning#release} deletes when a provider stops being
 * usable (config key {@code flush_flows_on_down}).
 */
public enum FlushFlowsOnDown {
  /**
   * The entries marked with that provider's mark only: its flows fail at once (the LAN's
   * applications see a reset on their next packet and reconnect over the new main uplink); every
   * other flow stays. The default.
   */
  PROVIDER,
  /**
   * None: flows of the dead uplink hang until the application gives up (often minutes of TCP
   * retransmission), as without failover's table.
   */
  NONE,
  /**
   * Every entry of the router's conntrack table, whichever uplink (or none) it uses: healthy flows
   * on other uplinks, the LAN's connections to the router and port forwards are cut too, as "kill
   * all states" does in OPNsense. For setups that must not keep any state across a switch.
   */
  ALL
}
