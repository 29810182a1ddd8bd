package dev.failover.launcher;

import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * Qualifies a {@code Path}: the sticky-provider file, resolved ({@code sticky_provider_filename}).
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@interface StickyFile {}
