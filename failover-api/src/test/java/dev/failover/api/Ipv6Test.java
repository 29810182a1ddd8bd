package dev.failover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Ipv6}: strict literal parsing, and the canonical text of RFC 5952. */
class Ipv6Test {

  @ParameterizedTest
  @CsvSource({
    "2001:db8::1, 2001:db8::1",
    "2001:0DB8:0000:0000:0000:0000:0000:0001, 2001:db8::1",
    "fe80::1, fe80::1",
    "::, ::",
    "::1, ::1",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "1:0:0:0:0:0:0:0, 1::",
    "0:0:0:0:0:0:0:1, ::1",
    "2001:db8:1:2:3:4:5:6, 2001:db8:1:2:3:4:5:6",
    "64:ff9b::192.0.2.33, 64:ff9b::c000:221"
  })
  void parse_validLiteral_printsCanonicalText(String text, String canonical) {
    Inet6Address address = Ipv6.parse(text);

    assertThat(Ipv6.toText(address)).isEqualTo(canonical);
    assertThat(AddressFamily.text(address)).isEqualTo(canonical);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "192.0.2.1",
        "example.com",
        "g::1",
        "fe80::1%eth0",
        "fe80::1%1",
        "[2001:db8::1]",
        "1::2::3",
        "12345::",
        "1:2:3:4:5:6:7:8:9",
        ":1::",
        "2001:db8::1/64",
        " 2001:db8::1",
        "localhost",
        "ip6-localhost"
      })
  void parse_notALiteral_isRejectedNamingTheValue(String text) {
    assertThatThrownBy(() -> Ipv6.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("IPv6 address")
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void parse_ipv4Mapped_isRejectedSuggestingTheIpv4Address() {
    assertThatThrownBy(() -> Ipv6.parse("::ffff:192.0.2.1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("IPv4-mapped")
        .hasMessageContaining("192.0.2.1");
  }

  @Test
  void fromBytes_mappedBytes_staysIpv6WithoutScope() {
    byte[] bytes = new byte[16];
    bytes[10] = (byte) 0xff;
    bytes[11] = (byte) 0xff;
    bytes[12] = (byte) 192;

    Inet6Address address = Ipv6.fromBytes(bytes);

    assertThat(address.getScopeId()).isZero();
    assertThat(address.getHostAddress()).doesNotContain("%");
  }

  @Test
  void fromBytes_wrongLength_isRejected() {
    assertThatThrownBy(() -> Ipv6.fromBytes(new byte[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16 bytes");
  }

  @Test
  void addressFamilyOf_eachKind_givesItsFamily() {
    assertThat(AddressFamily.of(Ipv6.parse("2001:db8::1"))).isEqualTo(AddressFamily.IPV6);
    assertThat(AddressFamily.of(Ipv4.parse("192.0.2.1"))).isEqualTo(AddressFamily.IPV4);
    assertThat(AddressFamily.IPV6.key()).isEqualTo("ipv6");
    assertThat(AddressFamily.IPV4).hasToString("IPv4");
  }
}
