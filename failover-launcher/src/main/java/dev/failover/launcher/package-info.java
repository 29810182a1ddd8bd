/**
 * The failover daemon: the command line ({@link dev.failover.launcher.Main}), the Dagger component
 * that wires the config, the engine of failover-core, the Linux route backend and the configured
 * test cases ({@link dev.failover.launcher.FailoverComponent}), and the daemon's lifecycle.
 *
 * <p>This is the only module that knows Dagger and picocli. Core and Linux classes are built
 * through their {@code jakarta.inject} constructors or through {@code @Provides} methods here.
 */
@NullMarked
package dev.failover.launcher;

import org.jspecify.annotations.NullMarked;
