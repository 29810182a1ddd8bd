package dev.failover.linux.netlink;

import dev.failover.api.Ipv4;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Real netlink messages from a kernel, for the decoder's fuzz tests: {@link #captured()} reads the
 * ones checked in (captured from Linux 6.18 on x86-64, little-endian), {@link #capture} takes fresh
 * ones from the running kernel inside a namespace set up with {@link #SETUP}.
 */
final class KernelMessages {
  private static final String RESOURCE = "kernel-messages.hex";

  /**
   * The {@code ip -batch} lines that set a namespace up for {@link #capture}: something of every
   * kind decoded. The kernel tests add an interface named {@code wan#1} (with peer {@code p#1})
   * with a command of its own, since {@code ip -batch} reads '#' as the start of a comment.
   */
  static final List<String> SETUP =
      List.of(
          "link add wan0 type veth peer name peer0",
          "link set wan0 up",
          "link set peer0 up",
          "addr add 192.168.1.11/24 dev wan0",
          "addr add 10.0.0.2 peer 10.0.0.1 dev wan0",
          "addr add 2001:db8::11/64 dev wan0 nodad",
          "route add default via 192.168.1.1 dev wan0 metric 100 proto 201 src 192.168.1.11",
          "route add default via 192.168.1.1 dev wan0 table 101 proto 201",
          "route add unreachable default metric 4294967295 table 101 proto 201",
          "route add 10.9.0.0/16 nexthop via 192.168.1.1 dev wan0 weight 1 nexthop via 192.168.1.2"
              + " dev wan0 weight 2",
          "nexthop add id 7 via 192.168.1.1 dev wan0",
          "route add 10.8.0.0/16 nhid 7",
          "route add 10.7.0.0/16 via 10.255.0.1 dev wan0 onlink",
          "route add 10.6.0.0/16 via 192.168.1.1 dev wan0 mtu 1400 advmss 1300 table 100000",
          "route add 2001:db8:1::/48 via 2001:db8::1 dev wan0",
          "rule add from 192.168.1.11/32 table 101 priority 30000 protocol 201",
          "rule add from 192.168.1.11/32 fwmark 0x10/0xff table 102 priority 30001",
          "rule add not to 10.0.0.0/8 iif wan0 table 103 priority 30002",
          "rule add uidrange 1000-2000 sport 1024-2048 ipproto tcp table 104 priority 30003",
          "rule add from all goto 30000 priority 29000");

  private KernelMessages() {}

  /** The checked-in captures, one buffer (one or more messages) each. */
  static List<byte[]> captured() throws IOException {
    try (InputStream in =
        Objects.requireNonNull(KernelMessages.class.getResourceAsStream(RESOURCE), RESOURCE)) {
      List<byte[]> messages = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          messages.add(HexFormat.of().parseHex(line.substring(line.indexOf(' ') + 1).strip()));
        }
      }
      return messages;
    }
  }

  /**
   * Captures, in the calling thread's namespace (set up with {@link #SETUP}), every message of a
   * route dump (both families), a rule dump, a link dump with statistics, an address dump (both
   * families), a link notification, the end of a failed dump, and error acknowledgements, each as
   * {@code (name, bytes)} to {@code sink}.
   */
  static void capture(Consumer<Object[]> sink) throws NetlinkException {
    try (NetlinkSocket socket = NetlinkSocket.open()) {
      int seq = 1;
      dump(
          socket,
          sink,
          "route4",
          new MessageWriter()
              .begin(Nl.RTM_GETROUTE, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, seq++)
              .u8(2)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u32(0)
              .end());
      dump(
          socket,
          sink,
          "route6",
          new MessageWriter()
              .begin(Nl.RTM_GETROUTE, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, seq++)
              .u8(10)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u32(0)
              .end());
      dump(
          socket,
          sink,
          "rule",
          new MessageWriter()
              .begin(Nl.RTM_GETRULE, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, seq++)
              .u8(2)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u32(0)
              .end());
      dump(
          socket,
          sink,
          "link",
          new MessageWriter()
              .begin(Nl.RTM_GETLINK, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, seq++)
              .u8(0)
              .u8(0)
              .u16(0)
              .u32(0)
              .u32(0)
              .u32(0)
              .end());
      dump(
          socket,
          sink,
          "addr4",
          new MessageWriter()
              .begin(Nl.RTM_GETADDR, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, seq++)
              .u8(2)
              .u8(0)
              .u8(0)
              .u8(0)
              .u32(0)
              .end());
      dump(
          socket,
          sink,
          "addr6",
          new MessageWriter()
              .begin(Nl.RTM_GETADDR, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, seq++)
              .u8(10)
              .u8(0)
              .u8(0)
              .u8(0)
              .u32(0)
              .end());
      dump(
          socket,
          sink,
          "missing-table",
          new MessageWriter()
              .begin(Nl.RTM_GETROUTE, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, seq++)
              .u8(2)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u8(0)
              .u32(0)
              .attributeU32(Codec.RTA_TABLE, 4242)
              .end());
      MessageWriter failing = new MessageWriter();
      Request.replaceRoute(
              RouteMessage.unicast(AddressFamily.INET, 101, 201, null, 0)
                  .withNextHop(Ipv4.parse("10.99.0.1"), 1)
                  .withMetric(5))
          .encode(failing, seq++);
      Request.deleteRoute(
              RouteMessage.unicast(AddressFamily.INET, 101, 201, null, 0).withMetric(77))
          .encode(failing, seq++);
      Request.addRule(RuleMessage.fromSource(Ipv4.parse("192.168.1.11"), 32, 101, 30000, 201))
          .encode(failing, seq++);
      socket.send(failing.toBytes());
      for (int answers = 0; answers < 3; ) {
        MessageReader r = socket.receive(System.nanoTime() + 5_000_000_000L);
        while (r.next()) {
          sink.accept(new Object[] {"ack", r.messageBytes()});
          answers++;
        }
      }
    }
    try (NetlinkSocket events = NetlinkSocket.open()) {
      events.join(NetlinkEvents.Group.LINK.number());
      // An interface change, with every attribute and the statistics: peer0 down (a process
      // started from this thread runs in its namespace).
      try {
        new ProcessBuilder("ip", "link", "set", "peer0", "down").inheritIO().start().waitFor();
      } catch (IOException | InterruptedException e) {
        throw new NetlinkException("ip link set peer0 down: " + e);
      }
      MessageReader r = events.receive(System.nanoTime() + 5_000_000_000L);
      while (r.next()) {
        sink.accept(new Object[] {"link-event", r.messageBytes()});
      }
    }
  }

  /**
   * Decodes every message of {@code bytes} with the decoder its type calls for, as text.
   *
   * @throws NetlinkFormatException if one does not decode
   */
  static List<String> decode(byte[] bytes) throws NetlinkFormatException {
    List<String> decoded = new ArrayList<>();
    MessageReader r = MessageReader.of(bytes);
    while (r.next()) {
      decoded.add(
          switch (r.type()) {
            case Nl.RTM_NEWROUTE, Nl.RTM_DELROUTE -> Codec.route(r).toString();
            case Nl.RTM_NEWRULE -> Codec.rule(r).toString();
            case Nl.RTM_NEWLINK, Nl.RTM_DELLINK -> Codec.link(r).toString();
            case Nl.RTM_NEWADDR, Nl.RTM_DELADDR -> Codec.address(r).toString();
            case Nl.NLMSG_ERROR -> Codec.error(r).toString();
            case Nl.NLMSG_DONE -> Codec.done(r).toString();
            default -> "type " + r.type();
          });
    }
    return decoded;
  }

  private static void dump(
      NetlinkSocket socket, Consumer<Object[]> sink, String name, MessageWriter request)
      throws NetlinkException {
    socket.send(request.toBytes());
    while (true) {
      MessageReader r = socket.receive(System.nanoTime() + 5_000_000_000L);
      while (r.next()) {
        sink.accept(new Object[] {name, r.messageBytes()});
        if (r.type() == Nl.NLMSG_DONE || r.type() == Nl.NLMSG_ERROR) {
          return;
        }
      }
    }
  }
}
