/**
 * Event hooks: executables in {@code hooks_dir} run, in name order, on every event of the daemon
 * (started, main switched, a provider's state changed, stopping), with the event in {@code
 * FAILOVER_*} environment variables, as keepalived's {@code notify} scripts and mwan3's hotplug
 * scripts get theirs. They run on a thread of their own, one event at a time, each under {@code
 * hook_timeout}, so that no hook can delay a switch (docs/operations.md, "Event hooks").
 */
@NullMarked
package dev.failover.launcher.hooks;

import org.jspecify.annotations.NullMarked;
