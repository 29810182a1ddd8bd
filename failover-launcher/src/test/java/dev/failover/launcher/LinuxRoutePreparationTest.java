package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failover.api.Providers;
import dev.failover.api.RouteBackendException;
import dev.failover.linux.CommandRunner;
import dev.failover.linux.IpRouteBackend;
import dev.failover.linux.IpRouteBackendSettings;
import dev.failover.testkit.TestProviders;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LinuxRoutePreparationTest {
  @TempDir Path dir;

  /** An {@code ip} that cannot start: the preparation logs it and the daemon still starts. */
  @Test
  void prepare_ipCannotRun_doesNotThrow() {
    CommandRunner broken =
        new CommandRunner(List.of(dir.resolve("no-such-command").toString()), Duration.ofSeconds(5));
    IpRouteBackend backend =
        new IpRouteBackend(
            IpRouteBackendSettings.defaults(), Providers.of(TestProviders.withSharedGateway(2)), broken);

    assertThatThrownBy(backend::prepare).isInstanceOf(RouteBackendException.class);
    assertThatCode(() -> new LinuxRoutePreparation(backend).prepare()).doesNotThrowAnyException();
  }
}
