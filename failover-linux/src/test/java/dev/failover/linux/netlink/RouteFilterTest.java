package dev.failover.linux.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.Ipv4;
import org.junit.jupiter.api.Test;

/**
 * What a route filter lets through when {@link RtNetlink} applies it to what arrived (a kernel
 * before 4.20 ignores the filter in the request).
 */
class RouteFilterTest {
  private static final RouteMessage OURS_IN_101 =
      RouteMessage.unicast(AddressFamily.INET, 101, 201, null, 0)
          .withNextHop(Ipv4.parse("192.168.1.1"), 3);

  @Test
  void matches_tableAndProtocol_letsOnlyThoseThrough() {
    RouteFilter filter = RouteFilter.table(AddressFamily.INET, 101).withProtocol(201);

    assertThat(filter.matches(OURS_IN_101)).isTrue();
    assertThat(filter.matches(OURS_IN_101.withMetric(7))).isTrue();
    assertThat(filter.matches(RouteMessage.unicast(AddressFamily.INET, 102, 201, null, 0)))
        .isFalse();
    assertThat(filter.matches(RouteMessage.unicast(AddressFamily.INET, 101, 16, null, 0)))
        .isFalse();
  }

  @Test
  void matches_all_letsEveryRouteOfTheFamilyThrough() {
    assertThat(RouteFilter.all(AddressFamily.INET).matches(OURS_IN_101)).isTrue();
    assertThat(RouteFilter.all(AddressFamily.INET6).matches(OURS_IN_101)).isFalse();
  }

  @Test
  void matches_typeAndInterface_areCompared() {
    RouteFilter unreachable = new RouteFilter(AddressFamily.INET, 0, 0, 7, 0);
    RouteFilter onThree = new RouteFilter(AddressFamily.INET, 0, 0, 0, 3);

    assertThat(unreachable.matches(OURS_IN_101)).isFalse();
    assertThat(unreachable.matches(OURS_IN_101.withType(7))).isTrue();
    assertThat(onThree.matches(OURS_IN_101)).isTrue();
    assertThat(onThree.matches(OURS_IN_101.withNextHop(null, 4))).isFalse();
  }

  @Test
  void table_zero_isRejected() {
    assertThatThrownBy(() -> RouteFilter.table(AddressFamily.INET, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table must not be 0");
  }
}
