package dev.failover.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.Provider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RoutingTableNames} in a temporary directory. */
class RoutingTableNamesTest {
  @TempDir Path dir;

  private final Provider a = Provider.of("isp-a", "eth1", "192.168.1.11", "192.168.1.0/24", "192.168.1.1", "isp_a", 102);
  private final Provider b = Provider.of("isp-b", "eth2", "192.168.1.12", "192.168.1.0/24", "192.168.1.1", "isp_b", 101);

  private RoutingTableNames names() {
    return new RoutingTableNames(dir.resolve("rt_tables.d/failover.conf"), dir.resolve("rt_protos.d/failover.conf"));
  }

  @Test
  void install_twoProviders_writesIdNameLinesByIdAndTheProtocol() throws Exception {
    assertThat(names().install(List.of(a, b), 201)).isTrue();

    assertThat(Files.readAllLines(dir.resolve("rt_tables.d/failover.conf")))
        .filteredOn(l -> !l.startsWith("#")).containsExactly("101 isp_b", "102 isp_a");
    assertThat(Files.readAllLines(dir.resolve("rt_protos.d/failover.conf")))
        .filteredOn(l -> !l.startsWith("#")).containsExactly("201 failover");
  }

  @Test
  void install_twice_secondWritesNothing() throws Exception {
    names().install(List.of(a, b), 201);

    assertThat(names().install(List.of(a, b), 201)).isFalse();
  }

  @Test
  void install_duplicateTableId_isRejected() {
    Provider c = Provider.of("isp-c", "eth3", "192.168.1.13", "192.168.1.0/24", "192.168.1.1", "isp_c", 101);

    assertThatThrownBy(() -> names().install(List.of(a, b, c), 201))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rt_table_id");
  }

  @Test
  void uninstall_afterInstall_removesBothFiles() throws Exception {
    names().install(List.of(a), 201);

    assertThat(names().uninstall()).isTrue();
    assertThat(dir.resolve("rt_tables.d/failover.conf")).doesNotExist();
    assertThat(dir.resolve("rt_protos.d/failover.conf")).doesNotExist();
    assertThat(names().uninstall()).isFalse();
  }
}
