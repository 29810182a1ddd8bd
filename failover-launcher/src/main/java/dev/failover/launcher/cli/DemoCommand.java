package dev.failover.launcher.cli;

import dev.failover.launcher.demo.Demo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code demo}: the main job, live, in network namespaces. */
@Command(
    name = "demo",
    header = "A live demo in network namespaces (needs root).",
    mixinStandardHelpOptions = true,
    description = {
      "Builds a network-namespace lab (three ISPs sharing one gateway address, a TEST-NET"
          + " internet, a LAN client), runs the real daemon in it, breaks and restores uplinks,"
          + " prints the live status, and removes everything. Needs root, ip, ping and nft."
    })
final class DemoCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
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
    boolean ok = new Demo(out, jar.get(), InstallCommand.runningJava()).run();
    return ok ? ExitCodes.OK : ExitCodes.FAILURE;
  }
}
