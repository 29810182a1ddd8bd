/**
 * Examples of using failover as a library: a custom health check shipped as a plugin ({@code
 * dns}), the core embedded in another program with its own route backend ({@code embedded}), and a
 * user's own reliability policy property-tested with failover-testkit (in the tests).
 */
@NullMarked
package dev.failover.examples;

import org.jspecify.annotations.NullMarked;
