package dev.failover.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.Ipv4;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Round trips through the codec, the exact bytes of a request, and acknowledgements. */
class CodecTest {
  private static final InetAddress GW = Ipv4.parse("192.168.1.1");
  private static final InetAddress SRC = Ipv4.parse("192.168.1.11");

  private static RouteMessage mainDefault() {
    return RouteMessage.unicast(AddressFamily.INET, RouteMessage.TABLE_MAIN, 201, null, 0)
        .withNextHop(GW, 3)
        .withPreferredSource(SRC)
        .withMetric(100);
  }

  /** Encodes {@code body} as one message of {@code type} and returns a reader positioned on it. */
  private static MessageReader one(int type, java.util.function.Consumer<MessageWriter> body)
      throws NetlinkFormatException {
    MessageWriter w = new MessageWriter().begin(type, Nl.NLM_F_MULTI, 7);
    body.accept(w);
    MessageReader r = MessageReader.of(w.end().toBytes());
    assertThat(r.next()).isTrue();
    return r;
  }

  @Test
  void route_roundTrip_equalsTheOriginal() throws Exception {
    List<RouteMessage> routes =
        List.of(
            mainDefault(),
            mainDefault().withFlags(RouteMessage.FLAG_ONLINK | RouteMessage.FLAG_LINKDOWN),
            RouteMessage.unicast(AddressFamily.INET, 101, 201, Ipv4.parse("192.168.1.0"), 24)
                .withScope(RouteMessage.SCOPE_LINK)
                .withNextHop(null, 3)
                .withPreferredSource(SRC),
            RouteMessage.unicast(AddressFamily.INET, 101, 201, null, 0)
                .withType(RouteMessage.TYPE_UNREACHABLE)
                .withMetric(RouteMessage.MAX_METRIC),
            // A table id above 255 (and one above 2^31, which Java holds as a negative int).
            RouteMessage.unicast(AddressFamily.INET, 100_000, 4, Ipv4.parse("10.1.2.3"), 32)
                .withNextHop(GW, 9),
            RouteMessage.unicast(AddressFamily.INET, 0xfffffff0, 4, null, 0).withNextHop(GW, 9),
            RouteMessage.unicast(
                    AddressFamily.INET6,
                    RouteMessage.TABLE_MAIN,
                    3,
                    InetAddress.getByName("2001:db8::"),
                    32)
                .withNextHop(InetAddress.getByName("fe80::1"), 4));

    for (RouteMessage route : routes) {
      MessageReader r = one(Nl.RTM_NEWROUTE, w -> Codec.route(w, route));

      assertThat(Codec.route(r)).as("%s", route).isEqualTo(route);
      assertThat(r.next()).isFalse();
    }
  }

  @Test
  void rule_roundTrip_equalsTheOriginal() throws Exception {
    RuleMessage rule = RuleMessage.fromSource(SRC, 32, 101, 30000, 201);
    RuleMessage big = RuleMessage.fromSource(SRC, 24, 1_000_000, 0xfffffffeL, 0);

    assertThat(Codec.rule(one(Nl.RTM_NEWRULE, w -> Codec.rule(w, rule)))).isEqualTo(rule);
    assertThat(Codec.rule(one(Nl.RTM_NEWRULE, w -> Codec.rule(w, big)))).isEqualTo(big);
    assertThat(rule.plain()).isTrue();
  }

  @Test
  void link_roundTrip_equalsTheOriginal() throws Exception {
    LinkMessage link =
        new LinkMessage(
            0,
            3,
            LinkMessage.IFF_UP | LinkMessage.IFF_RUNNING | LinkMessage.IFF_LOWER_UP,
            "wan#1",
            LinkMessage.OPER_UP);

    LinkMessage decoded = Codec.link(one(Nl.RTM_NEWLINK, w -> Codec.link(w, link)));

    assertThat(decoded).isEqualTo(link);
    assertThat(decoded.adminUp()).isTrue();
    assertThat(decoded.carrier()).isTrue();
    assertThat(decoded.operStateName()).isEqualTo("UP");
  }

  @Test
  void address_roundTrip_equalsTheOriginal() throws Exception {
    AddressMessage plain = new AddressMessage(AddressFamily.INET, 24, 0x80, 0, 3, SRC, SRC);
    AddressMessage peer =
        new AddressMessage(AddressFamily.INET, 32, 0, 0, 4, SRC, Ipv4.parse("10.0.0.1"));

    assertThat(Codec.address(one(Nl.RTM_NEWADDR, w -> Codec.address(w, plain)))).isEqualTo(plain);
    AddressMessage decoded = Codec.address(one(Nl.RTM_NEWADDR, w -> Codec.address(w, peer)));
    assertThat(decoded).isEqualTo(peer);
    assertThat(decoded.interfaceAddress()).isEqualTo(SRC);
  }

  /**
   * The request's bytes, field by field, as {@code struct nlmsghdr}, {@code rtmsg} and attributes.
   */
  @Test
  void encode_replaceRoute_writesHeaderRtmsgAndAttributes() throws Exception {
    MessageWriter w = new MessageWriter();
    Request.replaceRoute(mainDefault()).encode(w, 42);
    ByteBuffer b = ByteBuffer.wrap(w.toBytes()).order(ByteOrder.nativeOrder());

    assertThat(b.getInt(0)).isEqualTo(b.capacity());
    assertThat(b.getShort(4)).isEqualTo((short) Nl.RTM_NEWROUTE);
    assertThat(b.getShort(6))
        .isEqualTo((short) (Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | Nl.NLM_F_REPLACE));
    assertThat(b.getInt(8)).isEqualTo(42);
    // rtmsg: family 2, dst_len 0, src_len 0, tos 0, table 254, protocol 201, scope 0, type 1.
    byte[] rtmsg = new byte[8];
    b.get(16, rtmsg);
    assertThat(rtmsg).containsExactly(2, 0, 0, 0, (byte) 254, (byte) 201, 0, 1);
    List<Integer> types = new ArrayList<>();
    AttributeReader a = new AttributeReader(b, 16 + 12, b.capacity());
    while (a.next()) {
      types.add(a.type());
    }
    // RTA_TABLE, RTA_PRIORITY, RTA_GATEWAY, RTA_OIF, RTA_PREFSRC
    assertThat(types).containsExactly(15, 6, 5, 4, 7);
  }

  @Test
  void encode_twoRequests_concatenatesAlignedMessages() throws Exception {
    MessageWriter w = new MessageWriter();
    Request.addRule(RuleMessage.fromSource(SRC, 32, 101, 30000, 201)).encode(w, 1);
    Request.deleteRoute(mainDefault()).encode(w, 2);
    MessageReader r = MessageReader.of(w.toBytes());

    assertThat(r.next()).isTrue();
    assertThat(r.seq()).isEqualTo(1);
    assertThat(Codec.rule(r)).isEqualTo(RuleMessage.fromSource(SRC, 32, 101, 30000, 201));
    assertThat(r.next()).isTrue();
    assertThat(r.seq()).isEqualTo(2);
    assertThat(r.type()).isEqualTo(Nl.RTM_DELROUTE);
    assertThat(Codec.route(r).scope()).isEqualTo(RouteMessage.SCOPE_NOWHERE);
    assertThat(r.next()).isFalse();
    assertThat(w.messages()).isEqualTo(2);
  }

  /** A capped error acknowledgement with the kernel's message after the echoed header. */
  @Test
  void error_cappedWithExtendedAck_givesErrnoAndMessage() throws Exception {
    MessageWriter w = new MessageWriter().begin(Nl.NLMSG_ERROR, 0x100 | Nl.NLM_F_ACK_TLVS, 5);
    w.u32(-17).u32(36).u16(Nl.RTM_NEWROUTE).u16(0x605).u32(5).u32(0);
    w.attributeString(Nl.NLMSGERR_ATTR_MSG, "Nexthop has invalid gateway");
    w.attributeU32(2, 28); // NLMSGERR_ATTR_OFFS: ignored
    MessageReader r = MessageReader.of(w.end().toBytes());
    r.next();

    assertThat(Codec.error(r)).isEqualTo(new Codec.Ack(17, "Nexthop has invalid gateway"));
  }

  @Test
  void error_plainAcknowledgement_givesZero() throws Exception {
    MessageWriter w = new MessageWriter().begin(Nl.NLMSG_ERROR, 0x100, 5);
    w.u32(0).u32(36).u16(Nl.RTM_NEWROUTE).u16(0x605).u32(5).u32(0);
    MessageReader r = MessageReader.of(w.end().toBytes());
    r.next();

    assertThat(Codec.error(r)).isEqualTo(new Codec.Ack(0, null));
  }

  @Test
  void done_withErrorAndMessage_givesBoth() throws Exception {
    MessageWriter w =
        new MessageWriter().begin(Nl.NLMSG_DONE, Nl.NLM_F_MULTI | Nl.NLM_F_ACK_TLVS, 9);
    w.u32(-2).attributeString(Nl.NLMSGERR_ATTR_MSG, "ipv4: FIB table does not exist");
    MessageReader r = MessageReader.of(w.end().toBytes());
    r.next();

    assertThat(Codec.done(r)).isEqualTo(new Codec.Ack(2, "ipv4: FIB table does not exist"));
  }

  @Test
  void error_positiveCode_isAFormatError() throws Exception {
    MessageWriter w = new MessageWriter().begin(Nl.NLMSG_ERROR, 0, 5);
    w.u32(3).u32(16).u16(0).u16(0).u32(0).u32(0);
    MessageReader r = MessageReader.of(w.end().toBytes());
    r.next();

    assertThatThrownBy(() -> Codec.error(r)).isInstanceOf(NetlinkFormatException.class);
  }

  @Test
  void route_dstMissingForItsPrefixLength_isAFormatError() throws Exception {
    MessageReader r =
        one(Nl.RTM_NEWROUTE, w -> w.u8(2).u8(24).u8(0).u8(0).u8(254).u8(4).u8(0).u8(1).u32(0));

    assertThatThrownBy(() -> Codec.route(r))
        .isInstanceOf(NetlinkFormatException.class)
        .hasMessageContaining("needs a dst");
  }

  @Test
  void route_addressOfWrongLength_isAFormatError() throws Exception {
    MessageReader r =
        one(
            Nl.RTM_NEWROUTE,
            w -> {
              w.u8(2).u8(0).u8(0).u8(0).u8(254).u8(4).u8(0).u8(1).u32(0);
              w.attribute(5, new byte[] {10, 0, 0}); // RTA_GATEWAY of 3 bytes
            });

    assertThatThrownBy(() -> Codec.route(r))
        .isInstanceOf(NetlinkFormatException.class)
        .hasMessageContaining("expected 4");
  }

  @Test
  void rule_withFwmarkWithoutMask_decodesTheKernelsFullMaskAndIsNotPlain() throws Exception {
    MessageReader r =
        one(
            Nl.RTM_NEWRULE,
            w -> {
              Codec.rule(w, RuleMessage.fromSource(SRC, 32, 101, 30000, 201));
              w.attributeU32(10, 0x10); // FRA_FWMARK
            });

    RuleMessage rule = Codec.rule(r);

    assertThat(rule.fwmark()).isEqualTo(0x10);
    assertThat(rule.fwmask()).isEqualTo(-1);
    assertThat(rule.otherSelectors()).isFalse();
    assertThat(rule.plain()).isFalse();
  }

  @Test
  void rule_fwmarkRule_roundTrips() throws Exception {
    RuleMessage sent =
        RuleMessage.fwmark(AddressFamily.INET, 0x02000000, 0x0f000000, 102, 29000, 202);
    MessageReader r = one(Nl.RTM_NEWRULE, w -> Codec.rule(w, sent));

    RuleMessage rule = Codec.rule(r);

    assertThat(rule).isEqualTo(sent);
    assertThat(rule.toString())
        .isEqualTo("29000: from all fwmark 0x2000000/0xf000000 lookup 102 proto 202");
  }

  @Test
  void rule_ipv6FwmarkRule_roundTripsWithItsFamily() throws Exception {
    RuleMessage sent =
        RuleMessage.fwmark(AddressFamily.INET6, 0x02000000, 0x0f000000, 102, 29000, 202);
    MessageReader r = one(Nl.RTM_NEWRULE, w -> Codec.rule(w, sent));

    RuleMessage rule = Codec.rule(r);

    assertThat(rule).isEqualTo(sent);
    assertThat(rule.family()).isEqualTo(AddressFamily.INET6);
    assertThat(rule.plain()).isFalse();
  }

  @Test
  void rule_withIifName_hasOtherSelectors() throws Exception {
    MessageReader r =
        one(
            Nl.RTM_NEWRULE,
            w -> {
              Codec.rule(w, RuleMessage.fromSource(SRC, 32, 101, 30000, 201));
              w.attributeString(3, "wan0"); // FRA_IIFNAME
            });

    RuleMessage rule = Codec.rule(r);

    assertThat(rule.otherSelectors()).isTrue();
    assertThat(rule.plain()).isFalse();
  }

  @Test
  void rule_withDefaultSuppressPrefixLength_isPlain() throws Exception {
    MessageReader r =
        one(
            Nl.RTM_NEWRULE,
            w -> {
              Codec.rule(w, RuleMessage.fromSource(SRC, 32, 101, 30000, 201));
              w.attributeU32(14, -1); // FRA_SUPPRESS_PREFIXLEN, always sent by the kernel
            });

    assertThat(Codec.rule(r).plain()).isTrue();
  }

  @Test
  void link_withoutName_isAFormatError() throws Exception {
    MessageReader r = one(Nl.RTM_NEWLINK, w -> w.u8(0).u8(0).u16(1).u32(3).u32(1).u32(0));

    assertThatThrownBy(() -> Codec.link(r))
        .isInstanceOf(NetlinkFormatException.class)
        .hasMessageContaining("IFLA_IFNAME");
  }

  @Test
  void request_multipathRoute_isRejected() {
    RouteMessage multipath =
        new RouteMessage(
            AddressFamily.INET, 0, 0, 254, 4, 0, 1, 0, null, null, 0, null, 0, true, 0, false);

    assertThatThrownBy(() -> Request.replaceRoute(multipath))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("multipath");
  }

  @Test
  void toString_mainDefault_readsLikeIp() {
    assertThat(Request.replaceRoute(mainDefault()))
        .hasToString(
            "route replace default via 192.168.1.1 dev #3 table 254 proto 201 src 192.168.1.11"
                + " metric 100");
    assertThat(RuleMessage.fromSource(SRC, 32, 101, 30000, 201))
        .hasToString("30000: from 192.168.1.11/32 lookup 101 proto 201");
  }
}
