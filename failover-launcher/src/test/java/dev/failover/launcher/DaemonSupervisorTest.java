package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.launcher.DaemonSupervisor.ReloadOutcome;
import dev.failover.launcher.config.ConfigLoader;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.launcher.config.FakeScenarioFactory;
import dev.failover.launcher.systemd.NotifyReceiver;
import dev.failover.launcher.systemd.SystemdNotify;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DaemonSupervisor}: reloads of the config file, with daemons that record their life. */
class DaemonSupervisorTest {
  private static final String PROVIDERS =
      "[[providers]]\n"
          + "id = \"isp1\"\n"
          + "interface_name = \"eth1\"\n"
          + "ipv4_address = \"192.168.1.2\"\n"
          + "network = \"192.168.1.0/24\"\n"
          + "gateway = \"192.168.1.1\"\n"
          + "rt_table_name = \"isp1\"\n"
          + "rt_table_id = 101\n"
          + "[[test_cases]]\ntype = \"fake\"\ntarget = \"192.0.2.1\"\n";

  @TempDir Path dir;

  private final NotifyReceiver systemd = NotifyReceiver.abstractSocket();
  private final ConfigLoader loader = new ConfigLoader(folder -> FakeScenarioFactory.factories());
  private final List<RecordingDaemon> daemons = new ArrayList<>();
  private Path file;
  private DaemonSupervisor supervisor;

  /** A daemon that records starts and stops; stopped ones end {@link #awaitStopped()}. */
  static final class RecordingDaemon implements DaemonSupervisor.Daemon {
    final FailoverConfig config;
    final CountDownLatch stopped = new CountDownLatch(1);
    boolean started;

    RecordingDaemon(FailoverConfig config) {
      this.config = config;
    }

    @Override
    public void startAsync() {
      started = true;
    }

    @Override
    public void stopAsync() {
      stopped.countDown();
    }

    @Override
    public boolean awaitStopped(Duration limit) {
      return stopped.getCount() == 0;
    }

    @Override
    public void awaitStopped() {
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public boolean failed() {
      return false;
    }

    boolean isStopped() {
      return stopped.getCount() == 0;
    }
  }

  @BeforeEach
  void start() throws Exception {
    file = dir.resolve("failover.toml");
    Files.writeString(file, "check_interval = 5\n" + PROVIDERS);
    supervisor =
        new DaemonSupervisor(
            file,
            loader,
            SystemdNotify.fromEnvironment(systemd.environment(), ProcessHandle.current().pid()),
            config -> {
              RecordingDaemon daemon = new RecordingDaemon(config);
              daemons.add(daemon);
              return daemon;
            },
            Duration.ofSeconds(5));
    supervisor.start(loader.check(file).config());
  }

  @AfterEach
  void close() throws Exception {
    systemd.close();
  }

  @Test
  void reload_invalidFile_isRefusedAndTheRunningDaemonGoesOn() throws Exception {
    Files.writeString(file, "check_interval = -1\n" + PROVIDERS);

    assertThat(supervisor.reload()).isEqualTo(ReloadOutcome.REFUSED);

    assertThat(daemons).hasSize(1);
    assertThat(daemons.get(0).isStopped()).isFalse();
    assertThat(supervisor.config().checkInterval()).isEqualTo(Duration.ofSeconds(5));
    List<String> heard = systemd.drain();
    assertThat(heard).hasSize(2);
    assertThat(heard.get(0)).startsWith("RELOADING=1\nMONOTONIC_USEC=");
    assertThat(heard.get(1))
        .startsWith("READY=1\nSTATUS=reload refused (invalid configuration: ")
        .contains("check_interval");
  }

  @Test
  void reload_sameConfig_changesNothing() {
    assertThat(supervisor.reload()).isEqualTo(ReloadOutcome.UNCHANGED);

    assertThat(daemons).hasSize(1);
    assertThat(systemd.drain())
        .last()
        .isEqualTo("READY=1\nSTATUS=reloaded: the config is unchanged");
  }

  @Test
  void reload_changedConfig_replacesTheDaemon() throws Exception {
    Files.writeString(file, "check_interval = 2\n" + PROVIDERS);

    assertThat(supervisor.reload()).isEqualTo(ReloadOutcome.RELOADED);

    assertThat(daemons).hasSize(2);
    assertThat(daemons.get(0).isStopped()).isTrue();
    assertThat(daemons.get(1).started).isTrue();
    assertThat(daemons.get(1).config.checkInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(supervisor.config().checkInterval()).isEqualTo(Duration.ofSeconds(2));
    // READY=1 is the new daemon's to send, at its first apply.
    assertThat(systemd.drain()).singleElement().asString().startsWith("RELOADING=1\n");
  }

  @Test
  void awaitStopped_afterAReloadAndAStop_returnsWhenTheNewDaemonStopped() throws Exception {
    Files.writeString(file, "check_interval = 2\n" + PROVIDERS);
    supervisor.reload();

    assertThat(supervisor.stop()).isTrue();

    assertThat(supervisor.awaitStopped()).isFalse();
    assertThat(daemons).allMatch(RecordingDaemon::isStopped);
    assertThat(supervisor.reload()).isEqualTo(ReloadOutcome.IGNORED);
    assertThat(systemd.drain()).last().asString().startsWith("STOPPING=1\n");
  }
}
