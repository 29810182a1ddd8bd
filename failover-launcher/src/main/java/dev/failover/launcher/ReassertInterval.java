package dev.failover.launcher;

import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * Qualifies a {@code Duration}: how often unchanged routes are re-applied ({@code
 * reassert_interval}).
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@interface ReassertInterval {}
