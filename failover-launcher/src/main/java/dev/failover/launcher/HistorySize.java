package dev.failover.launcher;

import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * Qualifies an {@code int}: the rounds kept per provider ({@code max_stored_test_result_count}).
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@interface HistorySize {}
