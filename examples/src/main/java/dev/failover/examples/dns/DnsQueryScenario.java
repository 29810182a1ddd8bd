package dev.failover.examples.dns;

import dev.failover.api.Provider;
import dev.failover.api.TestResult;
import dev.failover.api.TestScenario;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Asks a DNS server for the A record of a name, through one provider: the UDP socket is bound to
 * the provider's source address, so its policy routing table carries the query.
 *
 * <p>An answer with response code NOERROR is a success; any other code, or a reply that does not
 * match the query, is a failure; silence is a timeout. An I/O error on a healthy host (the source
 * address missing, no route) is also a failure: from the daemon's point of view the provider cannot
 * reach the server. Thread-safe: each check uses its own socket.
 */
public final class DnsQueryScenario implements TestScenario {
  private static final int TYPE_A = 1;
  private static final int CLASS_IN = 1;

  private final InetSocketAddress server;
  private final String queryName;

  /**
   * @param server the DNS server to ask, as an address and port (usually 53)
   * @param queryName the name whose A record to ask for, such as {@code example.com}
   * @throws IllegalArgumentException if {@code queryName} is not a valid DNS name
   */
  public DnsQueryScenario(InetSocketAddress server, String queryName) {
    this.server = server;
    this.queryName = queryName;
    encodeName(queryName); // validates
  }

  @Override
  public String name() {
    return "dns " + queryName + " @" + server.getHostString() + ":" + server.getPort();
  }

  @Override
  public TestResult check(Provider provider, Duration timeout) {
    int id = ThreadLocalRandom.current().nextInt(1 << 16);
    byte[] query = query(id);
    long start = System.nanoTime();
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(provider.ipv4Address(), 0))) {
      socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
      socket.send(new DatagramPacket(query, query.length, server));
      byte[] buffer = new byte[512];
      DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
      socket.receive(reply);
      Duration latency = Duration.ofNanos(System.nanoTime() - start);
      if (reply.getLength() < 12 || (((buffer[0] & 0xff) << 8) | (buffer[1] & 0xff)) != id) {
        return TestResult.failure(latency, "reply does not match the query");
      }
      int responseCode = buffer[3] & 0x0f;
      return responseCode == 0
          ? TestResult.success(latency)
          : TestResult.failure(latency, "DNS response code " + responseCode);
    } catch (SocketTimeoutException e) {
      return TestResult.timeout(timeout);
    } catch (IOException e) {
      return TestResult.failure(Duration.ofNanos(System.nanoTime() - start), e.toString());
    }
  }

  private byte[] query(int id) {
    byte[] name = encodeName(queryName);
    ByteBuffer packet = ByteBuffer.allocate(12 + name.length + 4);
    packet.putShort((short) id);
    packet.putShort((short) 0x0100); // a standard query, recursion desired
    packet.putShort((short) 1); // one question
    packet.putShort((short) 0).putShort((short) 0).putShort((short) 0);
    packet.put(name);
    packet.putShort((short) TYPE_A).putShort((short) CLASS_IN);
    return packet.array();
  }

  private static byte[] encodeName(String name) {
    String trimmed = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    if (trimmed.isEmpty() || trimmed.length() > 253) {
      throw new IllegalArgumentException("name must be 1 to 253 characters, was '" + name + "'");
    }
    ByteBuffer encoded = ByteBuffer.allocate(trimmed.length() + 2);
    for (String label : trimmed.split("\\.", -1)) {
      byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
      if (bytes.length == 0 || bytes.length > 63 || !label.matches("[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException(
            "name must be dot-separated labels of 1 to 63 letters, digits, '-' or '_', was '"
                + name
                + "'");
      }
      encoded.put((byte) bytes.length).put(bytes);
    }
    encoded.put((byte) 0);
    byte[] result = new byte[encoded.position()];
    encoded.flip().get(result);
    return result;
  }
}
