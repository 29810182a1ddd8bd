package dev.failover.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Ipv4Network} and {@link Ipv4}: parsing, the bounds of the prefix, membership. */
class Ipv4NetworkTest {

  @Test
  void parse_cidr_keepsAddressAndPrefix() {
    Ipv4Network n = Ipv4Network.parse("10.1.0.0/16");

    assertThat(n.address().getHostAddress()).isEqualTo("10.1.0.0");
    assertThat(n.prefixLength()).isEqualTo(16);
    assertThat(n).hasToString("10.1.0.0/16");
  }

  @Test
  void parse_prefixBounds_zeroAndThirtyTwoAreAccepted() {
    assertThat(Ipv4Network.parse("0.0.0.0/0").prefixLength()).isZero();
    assertThat(Ipv4Network.parse("192.0.2.7/32").prefixLength()).isEqualTo(32);
  }

  @Test
  void new_prefixOutOfBounds_namesPrefixLength() {
    assertThatThrownBy(() -> new Ipv4Network(Ipv4.parse("10.0.0.0"), 33))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("prefix length must be between 0 and 32, was 33");
    assertThatThrownBy(() -> new Ipv4Network(Ipv4.parse("0.0.0.0"), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was -1");
  }

  @Test
  void new_hostBitsSet_namesTheNetwork() {
    assertThatThrownBy(() -> Ipv4Network.parse("192.168.1.7/24"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("192.168.1.7/24 has host bits (the network is 192.168.1.0/24)");
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.168.1.0", "/24", "192.168.1.0/", "192.168.1.0/24/1",
      "192.168.1.0/x", "192.168.1.0/124", "192.168.1.0/-1", "192.168.1/24"})
  void parse_notCidr_isRejected(String text) {
    assertThatThrownBy(() -> Ipv4Network.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was '" + text.substring(0, text.indexOf('/') < 0 ? text.length()
            : text.indexOf('/')));
  }

  @Test
  void parse_notCidr_namesTheForm() {
    assertThatThrownBy(() -> Ipv4Network.parse("192.168.1.0/"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be a network in CIDR form (like 192.168.1.0/24), was '192.168.1.0/'");
    assertThatThrownBy(() -> Ipv4Network.parse("192.168.1.0/2/4"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be a network in CIDR form (like 192.168.1.0/24), was '192.168.1.0/2/4'");
    assertThatThrownBy(() -> Ipv4Network.parse("/24"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be a network in CIDR form (like 192.168.1.0/24), was '/24'");
    assertThatThrownBy(() -> Ipv4Network.parse("10.0.0.0/8x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be a network in CIDR form (like 192.168.1.0/24), was '10.0.0.0/8x'");
  }

  @Test
  void parse_oneDigitPrefix_isAccepted() {
    assertThat(Ipv4Network.parse("10.0.0.0/8").prefixLength()).isEqualTo(8);
  }

  @Test
  void contains_insideAndOutside() {
    Ipv4Network n = Ipv4Network.parse("192.168.1.0/24");

    assertThat(n.contains(Ipv4.parse("192.168.1.0"))).isTrue();
    assertThat(n.contains(Ipv4.parse("192.168.1.255"))).isTrue();
    assertThat(n.contains(Ipv4.parse("192.168.2.1"))).isFalse();
    assertThat(Ipv4Network.parse("0.0.0.0/0").contains(Ipv4.parse("203.0.113.9"))).isTrue();
  }

  @Test
  void broadcast_isTheHighestAddress() {
    assertThat(Ipv4Network.parse("192.168.1.0/24").broadcast().getHostAddress())
        .isEqualTo("192.168.1.255");
    assertThat(Ipv4Network.parse("10.0.0.0/30").broadcast().getHostAddress())
        .isEqualTo("10.0.0.3");
    assertThat(Ipv4Network.parse("0.0.0.0/0").broadcast().getHostAddress())
        .isEqualTo("255.255.255.255");
  }

  @Test
  void ipv4Parse_notADottedQuad_namesTheForm() {
    assertThatThrownBy(() -> Ipv4.parse("192.0.2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("must be an IPv4 address in dotted-quad form (like 192.0.2.1), was '192.0.2'");
  }
}
