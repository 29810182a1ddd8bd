package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing of {@code ip -json -N} output, as iproute2 6.1 prints it. */
class KernelStateTest {
  private static final String ROUTES = "[{\"dst\":\"default\",\"gateway\":\"192.168.1.1\",\"dev\":\"wan2\","
      + "\"table\":\"102\",\"protocol\":\"201\",\"flags\":[\"linkdown\"]},"
      + "{\"type\":\"7\",\"dst\":\"default\",\"table\":\"102\",\"protocol\":\"201\",\"metric\":4294967295,\"flags\":[]},"
      + "{\"dst\":\"default\",\"gateway\":\"192.168.1.1\",\"dev\":\"wan1\",\"protocol\":\"201\","
      + "\"prefsrc\":\"192.168.1.11\",\"metric\":101,\"flags\":[]},"
      + "{\"dst\":\"default\",\"protocol\":\"16\",\"metric\":5,\"nexthops\":[{\"gateway\":\"10.0.0.1\"}],\"flags\":[]}]";
  private static final String RULES = "[{\"priority\":0,\"src\":\"all\",\"table\":\"255\"},"
      + "{\"priority\":30000,\"src\":\"192.168.1.12\",\"table\":\"102\",\"protocol\":\"201\"},"
      + "{\"priority\":100,\"src\":\"10.0.0.0\",\"srclen\":8,\"fwmark\":\"0x1\",\"table\":\"7\"}]";
  private static final String ADDRS = "[{\"ifindex\":3,\"ifname\":\"wan2\",\"flags\":[\"NO-CARRIER\",\"UP\"],"
      + "\"addr_info\":[{\"family\":\"inet\",\"local\":\"192.168.1.12\",\"prefixlen\":24},"
      + "{\"family\":\"inet6\",\"local\":\"fe80::1\",\"prefixlen\":64}]}]";

  @Test
  void parse_ipJsonOutput_readsRoutesRulesAndLinks() {
    KernelState state = KernelState.parse(ROUTES, RULES, ADDRS);

    assertThat(state.routes()).hasSize(4);
    KernelState.Route tableDefault = state.routes().get(0);
    assertThat(tableDefault.table()).isEqualTo(102);
    assertThat(tableDefault.metric()).isZero();
    assertThat(tableDefault.flags()).containsExactly("linkdown");
    assertThat(state.routes().get(1).type()).isEqualTo(7);
    assertThat(state.routes().get(1).metric()).isEqualTo(4294967295L);
    assertThat(state.mainDefaults()).hasSize(2);
    assertThat(state.mainDefaults().get(0).prefsrc()).isEqualTo("192.168.1.11");
    assertThat(state.mainDefaults().get(1).complex()).isTrue();
    assertThat(state.rules().get(1)).isEqualTo(new KernelState.Rule(30000, "192.168.1.12", 32, 102, 201, true));
    assertThat(state.rules().get(2).plain()).isFalse();
    assertThat(state.rules().get(2).srcLength()).isEqualTo(8);
    assertThat(state.link("wan2")).hasValueSatisfying(l -> {
      assertThat(l.up()).isTrue();
      assertThat(l.carrier()).isFalse();
      assertThat(l.addresses()).containsExactly("192.168.1.12");
    });
  }

  @Test
  void selectors_unreachableRoute_namesTypeMetricTableAndProtocol() {
    KernelState state = KernelState.parse(ROUTES, "[]", "[]");

    assertThat(state.routes().get(1).selectors())
        .containsExactly("unreachable", "default", "metric", "4294967295", "table", "102", "proto", "201");
  }

  @Test
  void parse_emptyOutput_isEmptyState() {
    assertThat(KernelState.parse("", " ", "[]").routes()).isEmpty();
  }

  @Test
  void parse_brokenJson_throwsWithOffset() {
    assertThatThrownBy(() -> Json.parse("[{\"a\":1,}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset");
  }

  @Test
  void parse_escapesAndLiterals_areDecoded() {
    assertThat(Json.parse("{\"s\":\"a\\\"b\\u0041\",\"t\":true,\"n\":null,\"d\":-1.5,\"l\":[1,2]}"))
        .isEqualTo(Map.of("s", "a\"bA", "t", true, "n", Json.NULL, "d", -1.5, "l", List.of(1L, 2L)));
  }
}
