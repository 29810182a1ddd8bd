package dev.failover.examples.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.Provider;
import dev.failover.api.ScenarioSettings;
import dev.failover.api.TestResult;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Runs the DNS scenario against a tiny DNS responder on the loopback interface. */
class DnsQueryScenarioTest {
  /** A provider whose source address is the loopback address, so the test needs no namespace. */
  private static final Provider LOOPBACK =
      Provider.of("lo", "lo", "127.0.0.1", "127.0.0.0/8", "127.0.0.2", "lo_table", 100);

  private DatagramSocket server;
  private Thread responder;

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null) {
      server.close();
    }
    if (responder != null) {
      responder.join(5_000);
    }
  }

  @Test
  void check_serverAnswersNoError_succeeds() throws IOException {
    InetSocketAddress address = startResponder(0);

    TestResult result =
        new DnsQueryScenario(address, "example.com").check(LOOPBACK, Duration.ofSeconds(5));

    assertThat(result.outcome()).isEqualTo(TestResult.Outcome.SUCCESS);
  }

  @Test
  void check_serverAnswersNxdomain_fails() throws IOException {
    InetSocketAddress address = startResponder(3);

    TestResult result =
        new DnsQueryScenario(address, "example.com").check(LOOPBACK, Duration.ofSeconds(5));

    assertThat(result.outcome()).isEqualTo(TestResult.Outcome.FAILURE);
    assertThat(result.detail()).contains("response code 3");
  }

  @Test
  void check_serverSilent_timesOut() throws IOException {
    server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    InetSocketAddress address = (InetSocketAddress) server.getLocalSocketAddress();

    TestResult result =
        new DnsQueryScenario(address, "example.com").check(LOOPBACK, Duration.ofMillis(100));

    assertThat(result.outcome()).isEqualTo(TestResult.Outcome.TIMEOUT);
  }

  @Test
  void create_serverNotAnAddress_namesTheKey() {
    ScenarioSettings settings =
        new ScenarioSettings("test_cases[2]", Map.of("type", "dns", "server", "dns.example"));

    assertThatThrownBy(() -> new DnsScenarioFactory().create(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test_cases[2].server")
        .hasMessageContaining("dns.example");
  }

  @Test
  void create_badName_namesTheKey() {
    ScenarioSettings settings =
        new ScenarioSettings(
            "test_cases[0]", Map.of("type", "dns", "server", "192.0.2.53", "name", "a..b"));

    assertThatThrownBy(() -> new DnsScenarioFactory().create(settings))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("test_cases[0].name");
  }

  /** Starts a responder that answers one query with {@code responseCode}. */
  private InetSocketAddress startResponder(int responseCode) throws IOException {
    server = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    DatagramSocket socket = server;
    responder =
        new Thread(
            () -> {
              byte[] buffer = new byte[512];
              DatagramPacket query = new DatagramPacket(buffer, buffer.length);
              try {
                socket.receive(query);
                byte[] reply = java.util.Arrays.copyOf(buffer, query.getLength());
                reply[2] = (byte) 0x81; // response, recursion desired
                reply[3] = (byte) (0x80 | responseCode); // recursion available, the code
                socket.send(new DatagramPacket(reply, reply.length, query.getSocketAddress()));
              } catch (IOException e) {
                // The socket was closed by the test's cleanup: nothing left to answer.
              }
            },
            "dns-responder");
    responder.start();
    return (InetSocketAddress) server.getLocalSocketAddress();
  }
}
