package dev.failover.linux;

import static com.google.common.base.Preconditions.checkNotNull;

import com.google.common.base.Stopwatch;
import com.google.common.base.Ticker;
import com.google.common.collect.ImmutableList;
import com.google.common.net.InetAddresses;
import dev.failover.api.TestResult;
import dev.failover.linux.IcmpPacket.Family;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@link IcmpEchoEngine} that runs iputils {@code ping -n -c 1 -W SECONDS -I SOURCE TARGET} once
 * per echo and reads the round-trip time from its output; for IPv6 it adds {@code -6} (iputils
 * 20161105 and later, and BusyBox, take both families in one {@code ping}; with an address, {@code
 * -I} sets the source of either).
 *
 * <p>One process per probe is simple and robust, but costs a fork and an exec each time, about 15
 * times the CPU of {@link SocketIcmpEchoEngine}, the default (see {@code docs/benchmarks.md}). It
 * stays for systems where only {@code ping} may open ICMP sockets ({@code engine = "command"}).
 *
 * <p>Outcomes: exit 0 is a success with the reported {@code time=}; exit 1 with an ICMP error
 * ("Destination Host Unreachable", "errors") is a failure, otherwise a timeout; any other exit (such
 * as a source address that is gone: "bind: Cannot assign requested address") is a failure with
 * ping's message. A check whose thread is interrupted (the engine cancels a probe still running at
 * {@code probe_timeout}) kills its ping and returns a timeout, keeping the interrupt flag set.
 * ICMPv6 errors ("Destination unreachable: No route", "... Address unreachable", "...
 * Administratively prohibited") are failures like their IPv4 kin. IPv6 link-local addresses are
 * refused as {@link SocketIcmpEchoEngine} refuses them. Thread-safe.
 */
public final class PingCommandEngine implements IcmpEchoEngine {
  private static final Pattern TIME = Pattern.compile("time[=<]([0-9]+(?:\\.[0-9]+)?) ms");
  /** How long after its own timeout a ping process is killed: it normally exits at -W. */
  private static final Duration GRACE = Duration.ofSeconds(2);

  private final String pingCommand;
  private final CommandRunner runner;
  private final Ticker ticker;

  /** Uses {@code pingCommand} (a path, or a name looked up on the PATH) through {@code runner}. */
  public PingCommandEngine(String pingCommand, CommandRunner runner, Ticker ticker) {
    this.pingCommand = checkNotNull(pingCommand, "pingCommand");
    this.runner = checkNotNull(runner, "runner");
    this.ticker = checkNotNull(ticker, "ticker");
  }

  /**
   * Fails fast if {@code ping} cannot run here: missing, or without the privilege to open an ICMP
   * socket. Runs one echo to 127.0.0.1; its outcome does not matter (loopback may be down in a
   * namespace), only whether ping could start and open its socket.
   *
   * @throws IllegalStateException with the reason and the remedy
   */
  public void checkUsable() {
    CommandResult result;
    try {
      result = runner.run(List.of(pingCommand, "-n", "-c", "1", "-W", "1", "127.0.0.1"), "", Duration.ofSeconds(5));
    } catch (CommandException e) {
      throw new IllegalStateException("the ping command '" + pingCommand + "' cannot run (" + e.getMessage()
          + "); install iputils-ping or set the path of ping", e);
    }
    String output = result.stdout() + result.stderr();
    if (output.contains("Operation not permitted") || output.contains("Permission denied")) {
      throw new IllegalStateException("the ping command '" + pingCommand + "' may not open an ICMP socket ("
          + output.strip() + "); run failover as root, or give ping the cap_net_raw capability, or open"
          + " net.ipv4.ping_group_range to failover's group");
    }
  }

  /**
   * Runs one {@code ping} from {@code source} to {@code target}.
   *
   * @throws IllegalArgumentException if {@code source} and {@code target} are of different
   *     families, or either is an IPv6 link-local address
   * @throws IllegalStateException if {@code ping} cannot be run at all
   */
  @Override
  public TestResult echo(InetAddress source, InetAddress target, Duration timeout) {
    Family family = IcmpPacket.family(source, target);
    ImmutableList.Builder<String> command = ImmutableList.builder();
    command.add(pingCommand);
    if (family == Family.IPV6) {
      // Without it, ping picks the family from the target; with it, an old ping that cannot do
      // IPv6 says so ("invalid option") instead of failing some other way. IPv4 keeps the
      // command it always had, which every ping understands.
      command.add("-6");
    }
    command.add("-n", "-c", "1",
        "-W", String.format(Locale.ROOT, "%.3f", Math.max(0.001, timeout.toNanos() / 1e9)),
        "-I", InetAddresses.toAddrString(source), InetAddresses.toAddrString(target));
    Stopwatch stopwatch = Stopwatch.createStarted(ticker);
    CommandResult result;
    try {
      result = runner.run(command.build(), "", timeout.plus(GRACE));
    } catch (CommandException e) {
      if (e.timedOut()) {
        return TestResult.timeout(timeout);
      }
      if (Thread.currentThread().isInterrupted()) {
        // The engine cancelled the probe at probe_timeout: the runner has killed ping already (and
        // kept the interrupt flag set). That is a timeout, not a broken probe, so no exception.
        return TestResult.timeout(timeout);
      }
      // ping vanished after startup checks passed: the probe, not the provider, is broken.
      throw new IllegalStateException("could not run ping: " + e.getMessage(), e);
    }
    Duration elapsed = stopwatch.elapsed();
    String output = result.stdout() + result.stderr();
    if (result.exitCode() == 0) {
      return TestResult.success(rtt(result.stdout()).orElse(elapsed));
    }
    if (result.exitCode() == 1) {
      Optional<String> error = output.lines()
          .filter(l -> l.contains("Unreachable") || l.contains("unreachable") || l.contains("Prohibited")
              || l.contains("errors"))
          .findFirst();
      if (error.isPresent()) {
        return TestResult.failure(elapsed, error.get().strip());
      }
      return TestResult.timeout(timeout);
    }
    String detail = output.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()
        .orElse("ping exited with " + result.exitCode());
    return TestResult.failure(elapsed, detail);
  }

  /** The round-trip time ping printed, such as {@code time=0.063 ms}. */
  static Optional<Duration> rtt(String output) {
    Matcher m = TIME.matcher(output);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofNanos(Math.round(Double.parseDouble(m.group(1)) * 1_000_000)));
  }

  @Override
  public String toString() {
    return "PingCommandEngine[" + pingCommand + "]";
  }
}
