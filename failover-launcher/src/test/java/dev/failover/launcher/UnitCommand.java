package dev.failover.launcher;

import dev.failover.launcher.install.SystemdUnit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command lines with which the jar tests run the launcher jar as the systemd unit runs it: this
 * JVM's {@code java}, the unit's JVM flags ({@link SystemdUnit#JVM_FLAGS}), {@code -jar}, the jar
 * and its arguments; in a lab's namespace through {@code ip netns exec} where the daemon must see
 * the lab's interfaces and never the host's.
 */
final class UnitCommand {
  private UnitCommand() {}

  /** The java launcher of this JVM, or {@code java.home}'s if the process does not say. */
  static String java() {
    return ProcessHandle.current()
        .info()
        .command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /** {@code java}, the unit's JVM flags, {@code jvmFlags}, {@code -jar jar} and {@code args}. */
  static List<String> javaJar(Path jar, List<String> jvmFlags, String... args) {
    List<String> command = new ArrayList<>();
    command.add(java());
    command.addAll(SystemdUnit.JVM_FLAGS);
    command.addAll(jvmFlags);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(List.of(args));
    return command;
  }

  /** As {@link #javaJar(Path, List, String...)} with no JVM flags of the test's own. */
  static List<String> javaJar(Path jar, String... args) {
    return javaJar(jar, List.of(), args);
  }

  /** {@link #javaJar(Path, List, String...)} in network namespace {@code namespace}. */
  static List<String> inNamespace(
      String namespace, Path jar, List<String> jvmFlags, String... args) {
    List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
    command.addAll(javaJar(jar, jvmFlags, args));
    return command;
  }

  /** {@link #javaJar(Path, String...)} in network namespace {@code namespace}. */
  static List<String> inNamespace(String namespace, Path jar, String... args) {
    return inNamespace(namespace, jar, List.of(), args);
  }
}
