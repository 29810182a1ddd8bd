/**
 * Install and uninstall, as the original's {@code install.py} did, into a root folder ({@code /} on
 * a real router, a scratch folder in tests): the jar, the config, the routing-table names and a
 * systemd unit, recorded in a manifest so that uninstall removes exactly what install made.
 */
@NullMarked
package dev.failover.launcher.install;

import org.jspecify.annotations.NullMarked;
