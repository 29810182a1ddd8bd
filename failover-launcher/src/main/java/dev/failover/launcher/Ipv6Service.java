package dev.failover.launcher;

import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * Qualifies an {@code Optional<FailoverService>}: the service of the IPv6 engine, present when a
 * provider has IPv6 (issue 16). The unqualified {@code FailoverService} is the IPv4 one.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@interface Ipv6Service {}
