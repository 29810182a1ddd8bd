/**
 * The status file: the daemon writes its {@link dev.failover.core.EngineStatus} there atomically
 * after every tick ({@link dev.failover.launcher.status.StatusFile}), as a {@link
 * dev.failover.launcher.status.StatusDocument}, the one definition of the file's JSON layout; and
 * {@code failover status} reads it back and shows it ({@link
 * dev.failover.launcher.status.StatusReport}), noticing when it is stale because the daemon stopped
 * or hangs.
 */
@NullMarked
package dev.failover.launcher.status;

import org.jspecify.annotations.NullMarked;
