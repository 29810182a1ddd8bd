/**
 * A custom {@link dev.failover.api.TestScenario} shipped as a plugin: a DNS query sent through a
 * provider. Packaged as a jar with its {@code META-INF/services} entry, it is found by the
 * launcher's plugin folder without rebuilding failover.
 */
@NullMarked
package dev.failover.examples.dns;

import org.jspecify.annotations.NullMarked;
