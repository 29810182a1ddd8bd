package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.base.Ticker;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The socket engine refuses a mixed or link-local pair before it opens a socket, so these run
 * without privilege; what it does with a socket is proven against the kernel in failover-lab's
 * {@code SocketIcmpEchoEngineNamespaceTest} and {@code SocketIcmpEchoEngineIpv6NamespaceTest}.
 */
class SocketIcmpEchoEngineTest {
  private final SocketIcmpEchoEngine engine = new SocketIcmpEchoEngine(Ticker.systemTicker());

  private static InetAddress address(String literal) throws Exception {
    return InetAddress.getByName(literal);
  }

  @Test
  void echo_ipv4SourceIpv6Target_throwsNamingBoth() throws Exception {
    InetAddress source = address("192.168.1.12");
    InetAddress target = address("2001:db8::1");

    assertThatThrownBy(() -> engine.echo(source, target, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "source and target must be of one address family, were 192.168.1.12 and 2001:db8::1");
  }

  @Test
  void start_ipv6SourceIpv4Target_throwsAtOnceNamingBoth() throws Exception {
    InetAddress source = address("2001:db8::2");
    InetAddress target = address("192.0.2.1");

    assertThatThrownBy(
            () ->
                engine.start(
                    source,
                    target,
                    Duration.ofSeconds(1),
                    task -> {
                      throw new AssertionError("the socket engine runs no task");
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "source and target must be of one address family, were 2001:db8::2 and 192.0.2.1");
  }

  @Test
  void echo_linkLocalTarget_throws() throws Exception {
    InetAddress source = address("2001:db8::2");
    InetAddress target = address("fe80::1");

    assertThatThrownBy(() -> engine.echo(source, target, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("target must not be an IPv6 link-local address, was fe80::1");
  }
}
