package dev.failover.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.lab.Netns;
import dev.failover.linux.CommandResult;
import dev.failover.linux.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * A network namespace of its own for one test ({@code ip netns add} with a random name, loopback
 * up), with {@code ip} run inside it as the independent oracle and Java code run inside it on a
 * thread of its own; {@link #close()} deletes it.
 */
final class TestNamespace implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration BATCH_LIMIT = Duration.ofSeconds(120);

  private final String name;
  private final CommandRunner runner = new CommandRunner();
  private boolean closed;

  private TestNamespace(String name) {
    this.name = name;
  }

  /** Why namespace tests cannot run here (not root, no {@code ip}), if they cannot. */
  static Optional<String> unavailableReason() {
    try {
      String status = Files.readString(Path.of("/proc/self/status"));
      boolean root = status.lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
      if (!root) {
        return Optional.of("namespace tests need root");
      }
    } catch (IOException e) {
      return Optional.of("cannot read /proc/self/status: " + e.getMessage());
    }
    boolean ip =
        List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip").stream()
            .anyMatch(p -> Files.isExecutable(Path.of(p)));
    return ip ? Optional.empty() : Optional.of("namespace tests need the ip command");
  }

  /** Creates namespace {@code PREFIX-RANDOM} with its loopback up. */
  static TestNamespace create(String prefix) throws IOException {
    String name = prefix + "-" + HexFormat.of().formatHex(RANDOM.generateSeed(3));
    TestNamespace namespace = new TestNamespace(name);
    namespace.run(List.of("ip", "netns", "add", name), "");
    try {
      namespace.ip("link", "set", "lo", "up");
    } catch (IOException | AssertionError e) {
      namespace.close();
      throw e;
    }
    return namespace;
  }

  String name() {
    return name;
  }

  /** Runs {@code ip -n NAME ARGS}, fails the test unless it succeeds, and returns its output. */
  String ip(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "-n", name));
    command.addAll(List.of(args));
    return run(command, "");
  }

  /** Runs {@code lines} through {@code ip -n NAME -batch -}; fails the test unless all succeed. */
  void batch(List<String> lines) throws IOException {
    run(List.of("ip", "-n", name, "-batch", "-"), String.join("\n", lines) + "\n");
  }

  /** Runs {@code task} on a new thread inside the namespace and returns its result. */
  <T> T call(Callable<T> task) throws Exception {
    try {
      return Netns.call(name, task);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  private String run(List<String> command, String stdin) throws IOException {
    CommandResult result = runner.run(command, stdin, BATCH_LIMIT);
    assertThat(result.exitCode()).as("%s: %s", command, result.stderr()).isZero();
    return result.stdout();
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      run(List.of("ip", "netns", "del", name), "");
    }
  }

  @Override
  public String toString() {
    return "namespace " + name;
  }
}
