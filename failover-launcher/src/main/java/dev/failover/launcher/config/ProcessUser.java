package dev.failover.launcher.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who this process runs as, read from {@code /proc/self}, which belongs to the effective user. */
final class ProcessUser {
  private ProcessUser() {}

  /** Whether the process runs as root (effective uid 0); false if that cannot be told. */
  static boolean isRoot() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }
}
