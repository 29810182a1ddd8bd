package dev.failover.launcher;

import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * Qualifies an {@code int}: the metric of the main provider's default route ({@code start_metric}).
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@interface StartMetric {}
