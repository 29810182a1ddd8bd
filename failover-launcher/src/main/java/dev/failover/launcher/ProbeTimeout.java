package dev.failover.launcher;

import jakarta.inject.Qualifier;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/** Qualifies a {@code Duration}: how long one check may take ({@code probe_timeout}). */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
@interface ProbeTimeout {}
