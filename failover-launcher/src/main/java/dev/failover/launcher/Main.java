package dev.failover.launcher;

import dev.failover.launcher.cli.FailoverCommand;
import dev.failover.launcher.systemd.JournalPriorities;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** The entry point of {@code failover.jar}: runs the command line and exits with its code. */
public final class Main {
  private Main() {}

  /** Runs {@code failover ARGS...}; see {@code --help}. */
  public static void main(String[] args) {
    // Before anything logs: under systemd, each line of standard error gets its syslog priority.
    JournalPriorities.install(System.getenv());
    PrintWriter out =
        new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err =
        new PrintWriter(new java.io.OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    System.exit(FailoverCommand.execute(args, out, err));
  }
}
