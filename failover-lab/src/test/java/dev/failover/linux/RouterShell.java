package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.lab.NamespaceLab;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/** Reads the router namespace's kernel state as {@code ip} prints it, for assertions. */
final class RouterShell {
  private final NamespaceLab lab;

  RouterShell(NamespaceLab lab) {
    this.lab = lab;
  }

  /** Runs {@code ip ARGS} in the router namespace and returns its non-empty, stripped lines. */
  List<String> ip(String... args) throws IOException {
    String[] command = new String[args.length + 1];
    command[0] = "ip";
    System.arraycopy(args, 0, command, 1, args.length);
    CommandResult result = lab.exec(lab.routerNamespace(), command);
    assertThat(result.exitCode()).as("ip %s: %s", Arrays.toString(args), result.stderr()).isZero();
    return result.stdout().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  /** Runs {@code ip ARGS} in the router namespace and fails the test unless it succeeds. */
  void must(String... args) throws IOException {
    ip(args);
  }

  /** The default routes of the main table. */
  List<String> mainDefaults() throws IOException {
    return ip("-4", "route", "show", "table", "main", "default");
  }

  /**
   * Every IPv4 route of every table, and every rule, sorted (the kernel re-adds an interface's
   * prefix routes at the end of the list when it comes back up).
   */
  String dump() throws IOException {
    List<String> lines = new java.util.ArrayList<>(ip("-4", "route", "show", "table", "all"));
    lines.addAll(ip("-4", "rule", "show"));
    return String.join("\n", lines.stream().sorted().toList());
  }
}
