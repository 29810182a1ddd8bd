package dev.failover.launcher.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SystemdNotify} against a real unix datagram socket the test binds. */
class SystemdNotifyTest {
  private static final long PID = ProcessHandle.current().pid();

  @TempDir Path dir;

  @Test
  void ready_abstractSocket_deliversOneDatagramWithBothAssignments() throws Exception {
    try (NotifyReceiver systemd = NotifyReceiver.abstractSocket();
        SystemdNotify notify = SystemdNotify.fromEnvironment(systemd.environment(), PID)) {
      assertThat(notify.enabled()).isTrue();

      assertThat(notify.ready("main provider 'isp-a'\n(startup)")).isTrue();

      assertThat(systemd.drain())
          .containsExactly("READY=1\nSTATUS=main provider 'isp-a' (startup)");
    }
  }

  @Test
  void watchdog_pathSocket_deliversWatchdog() throws Exception {
    try (NotifyReceiver systemd = NotifyReceiver.at(dir.resolve("notify"));
        SystemdNotify notify = SystemdNotify.fromEnvironment(systemd.environment(), PID)) {
      assertThat(notify.watchdog()).isTrue();
      assertThat(notify.stopping("bye")).isTrue();

      assertThat(systemd.drain()).containsExactly("WATCHDOG=1", "STOPPING=1\nSTATUS=bye");
    }
  }

  @Test
  void reloading_always_carriesTheMonotonicClock() throws Exception {
    try (NotifyReceiver systemd = NotifyReceiver.abstractSocket();
        SystemdNotify notify = SystemdNotify.fromEnvironment(systemd.environment(), PID)) {
      notify.reloading("reloading /etc/failover/failover.toml");

      assertThat(systemd.drain())
          .singleElement()
          .asString()
          .matches(
              "RELOADING=1\nMONOTONIC_USEC=[0-9]+\nSTATUS=reloading /etc/failover/failover.toml");
    }
  }

  @Test
  void fromEnvironment_noNotifySocket_isDisabledAndSendsNothing() {
    SystemdNotify notify = SystemdNotify.fromEnvironment(Map.of(), PID);

    assertThat(notify.enabled()).isFalse();
    assertThat(notify.ready("x")).isFalse();
    assertThat(notify.watchdogInterval()).isEmpty();
  }

  @Test
  void fromEnvironment_watchdogForThisProcess_givesTheInterval() throws Exception {
    try (NotifyReceiver systemd = NotifyReceiver.abstractSocket();
        SystemdNotify notify =
            SystemdNotify.fromEnvironment(
                systemd.environment("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "" + PID), PID)) {
      assertThat(notify.watchdogInterval()).contains(Duration.ofSeconds(30));
    }
  }

  @Test
  void fromEnvironment_watchdogForAnotherProcess_hasNoWatchdog() throws Exception {
    try (NotifyReceiver systemd = NotifyReceiver.abstractSocket();
        SystemdNotify notify =
            SystemdNotify.fromEnvironment(
                systemd.environment("WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "" + (PID + 1)),
                PID)) {
      assertThat(notify.watchdogInterval()).isEmpty();
    }
  }

  @Test
  void send_socketGone_returnsFalseWithoutThrowing() throws Exception {
    Path path = dir.resolve("gone");
    SystemdNotify notify;
    try (NotifyReceiver systemd = NotifyReceiver.at(path)) {
      notify = SystemdNotify.fromEnvironment(systemd.environment(), PID);
    }
    assertThat(Files.exists(path)).isFalse();

    assertThat(notify.watchdog()).isFalse();
    assertThat(notify.watchdog()).isFalse();
    notify.close();
  }

  @Test
  void address_nameTooLong_isRefused() {
    assertThatThrownBy(() -> UnixDatagram.address("/" + "x".repeat(200)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shorter than 108 bytes");
  }
}
