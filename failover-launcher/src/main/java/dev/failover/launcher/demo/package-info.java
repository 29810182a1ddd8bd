/**
 * {@code failover demo}: the main job, live, in a network-namespace lab of failover-linux, with the
 * real daemon running as a child process inside the lab's router namespace. Also the helpers the
 * jar test shares with it: the config of a lab ({@link dev.failover.launcher.demo.LabConfig}) and
 * the reading of a namespace's default routes ({@link dev.failover.launcher.demo.KernelRoutes}).
 */
@NullMarked
package dev.failover.launcher.demo;

import org.jspecify.annotations.NullMarked;
