package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.base.Ticker;
import dev.failover.api.Ipv4;
import dev.failover.api.TestResult;
import dev.failover.api.TestResult.Outcome;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the output of {@code ping} becomes a result, with stand-in ping programs. */
class PingCommandEngineTest {
  @TempDir Path dir;

  private PingCommandEngine fakePing(String body) throws Exception {
    Path script = dir.resolve("ping");
    Files.writeString(script, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return new PingCommandEngine(script.toString(), new CommandRunner(), Ticker.systemTicker());
  }

  private static TestResult echo(PingCommandEngine engine) {
    return engine.echo(Ipv4.parse("192.168.1.12"), Ipv4.parse("192.0.2.1"), Duration.ofSeconds(1));
  }

  @Test
  void echo_reply_isSuccessWithReportedTime() throws Exception {
    TestResult result = echo(fakePing(
        "echo '64 bytes from 192.0.2.1: icmp_seq=1 ttl=62 time=12.5 ms'; exit 0"));

    assertThat(result).isEqualTo(TestResult.success(Duration.ofMillis(12).plusNanos(500_000)));
  }

  @Test
  void echo_noReply_isTimeoutAtTheLimit() throws Exception {
    TestResult result = echo(fakePing("echo '1 packets transmitted, 0 received, 100% packet loss'; exit 1"));

    assertThat(result).isEqualTo(TestResult.timeout(Duration.ofSeconds(1)));
  }

  @Test
  void echo_icmpError_isFailureWithTheError() throws Exception {
    TestResult result = echo(fakePing(
        "echo 'From 192.168.1.1 icmp_seq=1 Destination Host Unreachable'; exit 1"));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILURE);
    assertThat(result.detail()).contains("Destination Host Unreachable");
  }

  @Test
  void echo_sourceAddressGone_isFailureWithPingsMessage() throws Exception {
    TestResult result = echo(fakePing("echo 'ping: bind: Cannot assign requested address' >&2; exit 2"));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILURE);
    assertThat(result.detail()).isEqualTo("ping: bind: Cannot assign requested address");
  }

  @Test
  void echo_always_passesSourceTargetAndFractionalTimeoutAsArguments() throws Exception {
    TestResult result = echo(fakePing("echo \"$*\" >&2; exit 2"));

    assertThat(result.detail()).isEqualTo("-n -c 1 -W 1.000 -I 192.168.1.12 192.0.2.1");
  }

  @Test
  void echo_ipv6_addsDash6AndPassesTheCompressedAddresses() throws Exception {
    PingCommandEngine engine = fakePing("echo \"$*\" >&2; exit 2");

    TestResult result = engine.echo(InetAddress.getByName("2001:db8:1:0::2"),
        InetAddress.getByName("2001:db8:ff::1"), Duration.ofMillis(800));

    assertThat(result.detail()).isEqualTo("-6 -n -c 1 -W 0.800 -I 2001:db8:1::2 2001:db8:ff::1");
  }

  @Test
  void echo_ipv6IcmpError_isFailureWithTheError() throws Exception {
    PingCommandEngine engine = fakePing(
        "echo 'From 2001:db8:1::1 icmp_seq=1 Destination unreachable: No route'; exit 1");

    TestResult result = engine.echo(InetAddress.getByName("2001:db8:1::2"),
        InetAddress.getByName("2001:db8:ee::1"), Duration.ofSeconds(1));

    assertThat(result.outcome()).isEqualTo(Outcome.FAILURE);
    assertThat(result.detail())
        .isEqualTo("From 2001:db8:1::1 icmp_seq=1 Destination unreachable: No route");
  }

  @Test
  void echo_mixedFamilies_throwsNamingBothAndRunsNothing() throws Exception {
    PingCommandEngine engine = fakePing("echo ran > " + dir.resolve("ran") + "; exit 0");

    assertThatThrownBy(() -> engine.echo(Ipv4.parse("192.168.1.12"),
        InetAddress.getByName("2001:db8::1"), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("source and target must be of one address family, were 192.168.1.12 and"
            + " 2001:db8::1");
    assertThat(dir.resolve("ran")).doesNotExist();
  }

  /** The engine cancels a probe still running at probe_timeout by interrupting its thread. */
  @Test
  void echo_interrupted_killsPingAndIsATimeoutWithoutException() throws Exception {
    PingCommandEngine engine = fakePing("exec sleep 30");

    TestResult result;
    boolean stillInterrupted;
    Thread.currentThread().interrupt();
    try {
      result = echo(engine);
    } finally {
      stillInterrupted = Thread.interrupted(); // clears the flag for the next tests
    }

    assertThat(result).isEqualTo(TestResult.timeout(Duration.ofSeconds(1)));
    assertThat(stillInterrupted).as("the interrupt flag is kept").isTrue();
    for (ProcessHandle child : ProcessHandle.current().children().toList()) {
      // A ping left running would sleep for 30 s; a killed one is gone at once.
      assertThat(child.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS).isAlive()).isFalse();
    }
  }

  @Test
  void checkUsable_missingBinary_isStartupError() {
    PingCommandEngine engine =
        new PingCommandEngine(dir.resolve("no-such-ping").toString(), new CommandRunner(), Ticker.systemTicker());

    assertThatThrownBy(engine::checkUsable)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot run")
        .hasMessageContaining("iputils-ping");
  }

  @Test
  void checkUsable_noPrivilege_isStartupError() throws Exception {
    PingCommandEngine engine = fakePing("echo 'ping: socket: Operation not permitted' >&2; exit 2");

    assertThatThrownBy(engine::checkUsable)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("may not open an ICMP socket");
  }
}
