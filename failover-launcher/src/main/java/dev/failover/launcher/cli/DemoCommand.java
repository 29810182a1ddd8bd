package dev.failover.launcher.cli;

import dev.failover.launcher.demo.Demo;
import dev.failover.launcher.demo.DemoSummary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo [--fast] [--json]}: the main job, live, in network namespaces. */
@Command(
    name = "demo",
    header = "A live demo in network namespaces (needs root).",
    mixinStandardHelpOptions = true,
    description = {
      "Builds a network-namespace lab (three ISPs sharing one gateway address, a TEST-NET"
          + " internet, a LAN client pinging it every 10 ms), runs the real daemon in it,"
          + " breaks two uplinks and repairs them, prints what happened and how long it took, ends"
          + " with a summary table, and removes everything. About 2 minutes (--fast: 45 s). Needs"
          + " root, ip, ping and nft.",
      "Exit code 0 when every step went as expected, 1 otherwise."
    })
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--fast",
      description =
          "check_interval 0.2 s and failback_dwell 5 s instead of the defaults (0.5 s, 30 s).")
  boolean fast;

  @Option(
      names = "--json",
      description = "Print the summary as JSON on standard output; the transcript goes to standard"
          + " error.")
  boolean json;

  /** The slf4j-simple property of the lab's log level. */
  private static final String LAB_LOG_LEVEL_PROPERTY =
      "org.slf4j.simpleLogger.log.dev.failover.lab";

  @Override
  public Integer call() throws Exception {
    // The demo prints what the lab does in its own words; the lab's INFO lines would come
    // unstamped through standard error. Set before the lab's classes first log.
    if (System.getProperty(LAB_LOG_LEVEL_PROPERTY) == null) {
      System.setProperty(LAB_LOG_LEVEL_PROPERTY, "warn");
    }
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<String> unavailable = Demo.unavailableReason();
    if (unavailable.isPresent()) {
      err.println("Cannot run the demo: " + unavailable.get());
      err.flush();
      return ExitCodes.FAILURE;
    }
    Optional<Path> jar = InstallCommand.runningJar();
    if (jar.isEmpty()) {
      err.println("the demo runs the daemon from failover.jar: java -jar failover.jar demo");
      err.flush();
      return ExitCodes.FAILURE;
    }
    Demo demo =
        new Demo(
            json ? err : out,
            jar.get(),
            InstallCommand.runningJava(),
            fast ? Demo.Pace.FAST : Demo.Pace.DEFAULT);
    DemoSummary summary = demo.run();
    if (json) {
      out.println(summary.toJson());
      out.flush();
    }
    return summary.ok() ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
