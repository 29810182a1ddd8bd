package dev.failover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Ipv6Network}: parsing, the host-bits rule, containment and the canonical text. */
class Ipv6NetworkTest {

  @Test
  void parse_prefix_keepsItInCanonicalText() {
    Ipv6Network prefix = Ipv6Network.parse("2001:0db8:0001:0000::/64");

    assertThat(prefix.prefixLength()).isEqualTo(64);
    assertThat(prefix).hasToString("2001:db8:1::/64");
    assertThat(prefix).isEqualTo(Ipv6Network.parse("2001:db8:1::/64"));
  }

  @Test
  void parse_hostBitsSet_isRejectedNamingThePrefix() {
    assertThatThrownBy(() -> Ipv6Network.parse("2001:db8:1::7/64"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host bits")
        .hasMessageContaining("2001:db8:1::7/64")
        .hasMessageContaining("2001:db8:1::/64");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2001:db8::",
        "2001:db8::/",
        "/64",
        "2001:db8::/129",
        "2001:db8::/-1",
        "2001:db8::/64/64",
        "192.168.1.0/24",
        "2001:db8::/0x40",
        "2001:db8::%eth0/64"
      })
  void parse_malformed_isRejected(String text) {
    assertThatThrownBy(() -> Ipv6Network.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void contains_addressesAroundTheBoundary_onlyInside() {
    Ipv6Network prefix = Ipv6Network.parse("2001:db8:1:80::/57");

    assertThat(prefix.contains(Ipv6.parse("2001:db8:1:80::1"))).isTrue();
    assertThat(prefix.contains(Ipv6.parse("2001:db8:1:ff:ffff:ffff:ffff:ffff"))).isTrue();
    assertThat(prefix.contains(Ipv6.parse("2001:db8:1:7f:ffff:ffff:ffff:ffff"))).isFalse();
    assertThat(prefix.contains(Ipv6.parse("2001:db8:1:100::"))).isFalse();
  }

  @Test
  void contains_zeroAndFullLength_everythingAndOnlyItself() {
    assertThat(Ipv6Network.parse("::/0").contains(Ipv6.parse("2001:db8::1"))).isTrue();
    Ipv6Network host = Ipv6Network.parse("2001:db8::1/128");
    assertThat(host.contains(Ipv6.parse("2001:db8::1"))).isTrue();
    assertThat(host.contains(Ipv6.parse("2001:db8::2"))).isFalse();
  }

  @Test
  void containing_address_masksItsHostBits() {
    assertThat(Ipv6Network.containing(Ipv6.parse("2001:db8:1:0:a:b:c:d"), 64))
        .hasToString("2001:db8:1::/64");
    assertThat(Ipv6Network.containing(Ipv6.parse("2001:db8:1:ff::1"), 57))
        .hasToString("2001:db8:1:80::/57");
  }

  @Test
  void new_prefixLengthOutOfRange_isRejected() {
    assertThatThrownBy(() -> new Ipv6Network(Ipv6.parse("::"), 129))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefix length must be between 0 and 128, was 129");
  }
}
