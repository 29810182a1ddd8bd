/**
 * failover-core embedded in another program, with a route backend of that program's own: the
 * engine decides which uplink should be main, and the program carries the decision out however
 * its platform changes routes (here: a callback).
 */
@NullMarked
package dev.failover.examples.embedded;

import org.jspecify.annotations.NullMarked;
