package dev.failover.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Parsing of {@code ip -json route show default}, as iproute2 6.1 prints it. */
class KernelRoutesTest {

  @Test
  void parse_routesOutOfOrder_sortsThemByMetricAndReadsTheFlags() throws IOException {
    String json =
        "[{\"dst\":\"default\",\"gateway\":\"192.168.1.1\",\"dev\":\"wan2\",\"protocol\":\"201\","
            + "\"prefsrc\":\"192.168.1.12\",\"metric\":101,\"flags\":[\"linkdown\"]},"
            + "{\"dst\":\"default\",\"gateway\":\"192.168.1.1\",\"dev\":\"wan1\",\"protocol\":\"201\","
            + "\"prefsrc\":\"192.168.1.11\",\"metric\":100,\"flags\":[]}]";

    var routes = KernelRoutes.parse(json);

    assertThat(routes)
        .containsExactly(
            new KernelRoutes.DefaultRoute("wan1", "192.168.1.1", 100, "201", false),
            new KernelRoutes.DefaultRoute("wan2", "192.168.1.1", 101, "201", true));
  }

  @Test
  void parse_noRoute_isEmpty() throws IOException {
    assertThat(KernelRoutes.parse("[]")).isEmpty();
    assertThat(KernelRoutes.parse("")).isEmpty();
  }

  @Test
  void parse_notJson_throwsIoException() {
    assertThatThrownBy(() -> KernelRoutes.parse("default via 192.168.1.1 dev wan1"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not the JSON of ip route");
  }
}
