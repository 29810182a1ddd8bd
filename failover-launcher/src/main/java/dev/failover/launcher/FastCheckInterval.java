package dev.failover.launcher;

import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * Qualifies a {@code Duration}: the time between two check rounds while a provider is in doubt
 * ({@code fast_check_interval}).
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@interface FastCheckInterval {}
