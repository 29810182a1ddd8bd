package dev.failover.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.net.InetAddresses;
import dev.failover.lab.NamespaceLab.Ipv6Prefix;
import java.net.Inet6Address;
import org.junit.jupiter.api.Test;

/** The lab's IPv6 prefix value and the radvd config it writes; no kernel needed. */
class Ipv6PrefixTest {
  @Test
  void toString_documentationPrefix_isCompressedCidr() {
    assertThat(prefix("2001:db8:12::", 64).toString()).isEqualTo("2001:db8:12::/64");
  }

  @Test
  void contains_addressInsideAndOutside_tellsThemApart() {
    Ipv6Prefix prefix = prefix("2001:db8:1::", 64);

    assertThat(prefix.contains(InetAddresses.forString("2001:db8:1:0:a8c1:ff:fe00:1"))).isTrue();
    assertThat(prefix.contains(InetAddresses.forString("2001:db8:2::1"))).isFalse();
    assertThat(prefix.contains(InetAddresses.forString("192.0.2.1"))).isFalse();
  }

  @Test
  void new_hostBitsSet_isRejectedNamingTheAddress() {
    assertThatThrownBy(() -> prefix("2001:db8:1::1", 64))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2001:db8:1::1");
  }

  @Test
  void new_lengthOver128_isRejected() {
    assertThatThrownBy(() -> prefix("2001:db8::", 129))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("length must be 0 to 128, was 129");
  }

  @Test
  void lanPrefix_containsTheRouterAndTheClient() {
    assertThat(NamespaceLab.LAN_PREFIX_V6.contains(NamespaceLab.ROUTER_LAN_ADDRESS_V6)).isTrue();
    assertThat(NamespaceLab.LAN_PREFIX_V6.contains(NamespaceLab.LAN_CLIENT_ADDRESS_V6)).isTrue();
  }

  @Test
  void radvdConfig_always_advertisesThePrefixWithTheLabsTimes() {
    String config = RouterAdvertiser.config("lan", "2001:db8:3::/64");

    assertThat(config)
        .contains("interface lan {")
        .contains("MaxRtrAdvInterval 4;")
        .contains("AdvDefaultLifetime 9;")
        .contains("prefix 2001:db8:3::/64 {")
        .contains("AdvAutonomous on;");
  }

  private static Ipv6Prefix prefix(String address, int length) {
    return new Ipv6Prefix((Inet6Address) InetAddresses.forString(address), length);
  }
}
