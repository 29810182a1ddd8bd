package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.Provider;
import dev.failover.launcher.config.FailoverConfig;
import dev.failover.testkit.TestProviders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's hooks as wired by Dagger (owned by root, so this needs root): a hook that hangs on
 * the switch does not delay it. The tick that switches returns while the hook still runs, and the
 * switch happens at the same tick and fake time as without any hook. (That a hook is killed at
 * {@code hook_timeout} is {@code HookRunnerTest}'s; here the timeout is long, so that it cannot
 * race with the test, and the stop kills the hook.)
 */
class HooksComponentTest {
  /** Far longer than the test: the hook is still running when the test looks. */
  private static final Duration HOOK_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private final List<Provider> providers = TestProviders.withSharedGateway(2);

  private record Switch(long ticks, Instant at) {}

  private Switch runToSwitch(Path folder, boolean withHangingHook) throws Exception {
    Files.createDirectories(folder);
    Path hooks = Files.createDirectories(folder.resolve("hooks.d"));
    Files.setPosixFilePermissions(hooks, PosixFilePermissions.fromString("rwx------"));
    Path pipe = folder.resolve("hook.pid");
    if (withHangingHook) {
      // A named pipe: reading it waits until the hook has started and written its pid.
      assertThat(new ProcessBuilder("mkfifo", pipe.toString()).start().waitFor()).isZero();
      Path hook = hooks.resolve("10-hang");
      Files.writeString(
          hook,
          "#!/bin/sh\n"
              + "echo \"$FAILOVER_EVENT $FAILOVER_SWITCH_REASON\" >> '"
              + folder.resolve("events")
              + "'\n"
              + "if [ \"$FAILOVER_SWITCH_REASON\" = FAILOVER ]; then echo $$ > '"
              + folder.resolve("hook.pid")
              + "'; exec sleep 120; fi\n",
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    FailoverConfig.Builder config =
        ObservabilityTestSupport.config(providers, folder, "").hookTimeout(HOOK_TIMEOUT);
    ObservabilityTestSupport support = new ObservabilityTestSupport(providers, config);
    try {
      support.startWithFirstProviderMain();
      support.tick(2);
      support.failFirstProviderUntilSwitch();
      Switch result =
          new Switch(
              support.daemon.engine().status().ticks(),
              support.daemon.engine().status().mainSince());
      assertThat(support.component.backend().lastApplied().orElseThrow().main())
          .contains(providers.get(1));
      if (withHangingHook) {
        // The tick that switched has returned, and the hook it started is still running: the
        // engine did not wait for it.
        long pid = readPid(pipe);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).contains(true);
      }
      return result;
    } finally {
      support.stop(); // runs the stopping hooks; waits for the hanging one to be killed first
    }
  }

  private static long readPid(Path pipe) throws Exception {
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      Future<String> text = reader.submit(() -> Files.readString(pipe));
      return Long.parseLong(text.get(30, TimeUnit.SECONDS).strip());
    } finally {
      reader.shutdownNow();
    }
  }

  @Test
  void hook_hangsOnTheSwitch_theSwitchHappensOnTimeAndTheStopKillsTheHook() throws Exception {
    assumeTrue(
        (Integer) Files.getAttribute(dir, "unix:uid") == 0,
        "the daemon runs only hooks owned by root, and this test is not root; skipped");

    Switch without = runToSwitch(dir.resolve("without"), false);
    Switch with = runToSwitch(dir.resolve("with"), true);

    assertThat(with).isEqualTo(without);
    List<String> events = Files.readAllLines(dir.resolve("with").resolve("events"));
    assertThat(events)
        .containsExactly(
            "started ",
            "provider_state_changed ",
            "provider_state_changed ",
            "main_switched STARTUP",
            "provider_state_changed ",
            "provider_state_changed ",
            "main_switched FAILOVER");
    // The stop gave the hooks 3 s, then killed the hanging one; the stopping event, queued
    // behind it, was not run (docs/operations.md, "Event hooks").
  }
}
