package dev.failover.launcher;

import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * Qualifies a {@code Path}: the folder whose jars may add test case types ({@code plugins_dir}).
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@interface PluginsDir {}
