package dev.failover.launcher.install;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.collect.ImmutableList;
import dev.failover.api.RouteBackendException;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.linux.CommandException;
import dev.failover.linux.CommandResult;
import dev.failover.linux.CommandRunner;
import dev.failover.linux.FlowPinning;
import dev.failover.linux.FlowPinningException;
import dev.failover.linux.ForeignRouteHandling;
import dev.failover.linux.NetlinkRouteBackend;
import dev.failover.linux.NetlinkRouteBackendSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@link SystemActions} of a real install: {@code systemctl} when systemd runs this machine,
 * and the removal of the daemon's routes, rules and tables through failover-linux's {@link
 * NetlinkRouteBackend#removeAll} and of flow pinning's nftables table and rules ({@link
 * FlowPinning#uninstall}). Each part falls back to printing what it would do when it does not apply
 * (a scratch root, or no systemd, as in a container).
 */
public final class HostActions implements SystemActions {
  private static final Duration SYSTEMCTL_TIMEOUT = Duration.ofSeconds(60);

  private final PrintWriter out;
  private final Optional<Path> systemctl;
  private final boolean realRoot;
  private final boolean removeLastDefaultRoute;
  private final SystemActions describing;

  private HostActions(
      PrintWriter out,
      Optional<Path> systemctl,
      boolean realRoot,
      boolean removeLastDefaultRoute,
      String reason) {
    this.out = out;
    this.systemctl = systemctl;
    this.realRoot = realRoot;
    this.removeLastDefaultRoute = removeLastDefaultRoute;
    this.describing = SystemActions.describing(out, reason);
  }

  /**
   * The actions for an install into {@code root}: real on {@code /}, printed elsewhere.
   *
   * @param removeLastDefaultRoute whether uninstall may remove the daemon's default routes even
   *     when no other default route remains (by default it keeps them, so that an uninstall over
   *     SSH does not cut the line)
   */
  public static SystemActions forRoot(Path root, PrintWriter out, boolean removeLastDefaultRoute)
      throws IOException {
    checkNotNull(root, "root");
    checkNotNull(out, "out");
    boolean realRoot = root.toRealPath().equals(Path.of("/").toRealPath());
    if (!realRoot) {
      return SystemActions.describing(out, "scratch root " + root);
    }
    Optional<Path> systemctl =
        Files.isDirectory(Path.of("/run/systemd/system"))
            ? findOnPath("systemctl")
            : Optional.empty();
    return new HostActions(
        out, systemctl, true, removeLastDefaultRoute, "systemd is not running here");
  }

  @Override
  public boolean runsSystemctl() {
    return systemctl.isPresent();
  }

  @Override
  public boolean removesRoutes() {
    return realRoot;
  }

  @Override
  public void systemctl(List<String> arguments, boolean mayFail) throws IOException {
    if (systemctl.isEmpty()) {
      describing.systemctl(arguments, mayFail);
      return;
    }
    List<String> command =
        ImmutableList.<String>builder().add(systemctl.get().toString()).addAll(arguments).build();
    out.println("running: " + String.join(" ", command));
    out.flush();
    CommandResult result;
    try {
      result = new CommandRunner(List.of(), SYSTEMCTL_TIMEOUT).run(command);
    } catch (CommandException e) {
      throw new IOException(e.getMessage(), e);
    }
    if (result.exitCode() != 0) {
      String message =
          String.join(" ", command)
              + " exited with "
              + result.exitCode()
              + ": "
              + result.stderr().strip();
      if (!mayFail) {
        throw new IOException(message);
      }
      out.println("  (" + message + ")");
    }
  }

  @Override
  public void removeRoutes(FailoverConfig config) throws IOException {
    if (!realRoot) {
      describing.removeRoutes(config);
      return;
    }
    try (NetlinkRouteBackend backend =
        new NetlinkRouteBackend(
            NetlinkRouteBackendSettings.defaults().withForeignRoutes(ForeignRouteHandling.LEAVE),
            config.providers())) {
      List<String> removed = backend.removeAll(removeLastDefaultRoute);
      if (removed.isEmpty()) {
        out.println("no route, rule or table of failover was left in the kernel");
      }
      for (String request : removed) {
        out.println("removed: " + request);
      }
    } catch (RouteBackendException e) {
      throw new IOException("removing the daemon's routes failed: " + e.getMessage(), e);
    }
    try {
      for (String removed :
          new FlowPinning(config.flowPinning().settings(), config.providers()).uninstall()) {
        out.println("removed: " + removed);
      }
    } catch (FlowPinningException e) {
      throw new IOException("removing flow pinning failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void removeRoutesLeftBehind(List<Integer> tables) throws IOException {
    if (!realRoot) {
      describing.removeRoutesLeftBehind(tables);
      return;
    }
    try (NetlinkRouteBackend backend =
        NetlinkRouteBackend.forRemoval(
            NetlinkRouteBackendSettings.defaults().withForeignRoutes(ForeignRouteHandling.LEAVE))) {
      List<String> removed = backend.removeAll(removeLastDefaultRoute);
      if (removed.isEmpty()) {
        out.println("no route or rule of failover's protocol was left in the kernel");
      }
      for (String request : removed) {
        out.println("removed: " + request);
      }
    } catch (RouteBackendException e) {
      throw new IOException("removing the daemon's routes failed: " + e.getMessage(), e);
    }
    out.println(
        "flow pinning needs the config to be removed; if it was on, remove its table with"
            + " 'nft delete table inet failover' ('ip failover' for a version before IPv6"
            + " pinning)");
  }

  private static Optional<Path> findOnPath(String tool) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String folder : path.split(":")) {
      if (folder.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(folder, tool);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
