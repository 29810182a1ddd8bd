/**
 * What the daemon tells systemd and its journal: readiness, status, reloads and the watchdog over
 * {@code $NOTIFY_SOCKET} (sd_notify(3), without libsystemd and without a process per message), and
 * the syslog priority prefix journald reads from each line of standard error.
 */
@NullMarked
package dev.failover.launcher.systemd;

import org.jspecify.annotations.NullMarked;
