package dev.failover.launcher;

import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/** Qualifies a {@code Path}: where the daemon writes its status ({@code status_file}). */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@interface StatusFilePath {}
