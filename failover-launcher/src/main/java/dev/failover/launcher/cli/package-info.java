/**
 * The command line of {@code failover.jar} (picocli): {@code run}, {@code check-config}, {@code
 * status}, {@code sticky}, {@code install}, {@code uninstall} and {@code demo}.
 *
 * <p>Exit codes: 0 success, 1 failure, 2 invalid configuration or usage, 3 (status) the daemon is
 * not running or its status is stale. Every command writes to the streams picocli gives it, so that
 * tests can run it in-process.
 */
@NullMarked
package dev.failover.launcher.cli;

import org.jspecify.annotations.NullMarked;
