/**
 * The daemon's configuration: {@link dev.failover.launcher.config.FailoverConfig}, the Java mirror
 * of the original {@code config.py}, and {@link dev.failover.launcher.config.ConfigLoader}, which
 * fills it from a TOML file and reports every mistake with the key's path, the rule and the value,
 * before anything touches the kernel.
 *
 * <p>Test case types are pluggable: {@link dev.failover.launcher.config.ScenarioFactories} finds
 * {@link dev.failover.api.TestScenarioFactory} implementations through {@link
 * java.util.ServiceLoader}, on the class path and in the jars of the plugins folder.
 */
@NullMarked
package dev.failover.launcher.config;

import org.jspecify.annotations.NullMarked;
