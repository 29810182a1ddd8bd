package dev.failover.launcher.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.api.AddressFamily;
import dev.failover.api.MainProviderSwitched;
import dev.failover.api.Provider;
import dev.failover.api.ProviderState;
import dev.failover.api.ProviderStateChanged;
import dev.failover.api.ProviderStatus;
import dev.failover.api.SwitchReason;
import dev.failover.testkit.TestProviders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs real hooks (shell scripts in a scratch folder owned by the test's user) and checks the
 * order, the variables, the timeout and the refusals. Every wait is {@link HookRunner#stop} with a
 * bound, which returns once the queued events ran.
 */
class HookRunnerTest {
  private static final Instant AT = Instant.parse("2026-01-01T10:00:00Z");
  private static final Duration DRAIN = Duration.ofSeconds(20);

  @TempDir Path dir;

  private Path hooks;
  private Path log;
  private int uid;
  private final RecordingObserver observer = new RecordingObserver();
  private final List<Provider> providers = TestProviders.withSharedGateway(2);

  @BeforeEach
  void folders() throws IOException {
    hooks = Files.createDirectory(dir.resolve("hooks.d"));
    Files.setPosixFilePermissions(hooks, PosixFilePermissions.fromString("rwxr-xr-x"));
    log = dir.resolve("log");
    uid = (Integer) Files.getAttribute(hooks, "unix:uid");
  }

  private HookRunner runner(Duration timeout) {
    return new HookRunner(hooks, timeout, observer, uid);
  }

  /** A hook that appends its name and every FAILOVER_ variable, sorted, as one line to the log. */
  private Path loggingHook(String name) throws IOException {
    return hook(
        name,
        "printf '%s' \""
            + name
            + "\" >> '"
            + log
            + "'\n"
            + "env | grep '^FAILOVER_' | sort | while read -r v; do printf ' %s' \"$v\" >> '"
            + log
            + "'; done\n"
            + "echo >> '"
            + log
            + "'\n");
  }

  private Path hook(String name, String body) throws IOException {
    Path hook = hooks.resolve(name);
    Files.writeString(hook, "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    return hook;
  }

  private List<String> logLines() throws IOException {
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  private ProviderStateChanged isp1Down() {
    return new ProviderStateChanged(
        providers.get(0),
        ProviderStatus.of(ProviderState.UP, AT, "ok"),
        ProviderStatus.of(ProviderState.DOWN, AT, "3 consecutive failed rounds\n(down at 3)"),
        AT);
  }

  private MainProviderSwitched failover() {
    return new MainProviderSwitched(
        providers.get(0),
        providers.get(1),
        SwitchReason.FAILOVER,
        "provider 'isp1' is DOWN; provider 'isp2' is the first eligible provider",
        AT);
  }

  @Test
  void submit_everyKindOfEvent_runsTheHooksInNameOrderWithTheEventsVariables() throws Exception {
    loggingHook("20-second");
    loggingHook("10-first");
    HookRunner runner = runner(Duration.ofSeconds(10));

    runner.submit(HookEvent.started(AT, "failover started"));
    runner.submit(HookEvent.providerStateChanged(AddressFamily.IPV4, isp1Down()));
    runner.submit(HookEvent.mainSwitched(AddressFamily.IPV6, failover()));
    runner.submit(HookEvent.stopping(AT, "the daemon is stopping"));
    assertThat(runner.stop(DRAIN)).isTrue();

    String time = "FAILOVER_TIME=2026-01-01T10:00:00Z";
    assertThat(logLines())
        .containsExactly(
            "10-first FAILOVER_EVENT=started FAILOVER_REASON=failover started " + time,
            "20-second FAILOVER_EVENT=started FAILOVER_REASON=failover started " + time,
            "10-first FAILOVER_EVENT=provider_state_changed FAILOVER_FAMILY=ipv4"
                + " FAILOVER_INTERFACE=eth1"
                + " FAILOVER_PREVIOUS_STATE=UP FAILOVER_PROVIDER=isp1"
                + " FAILOVER_REASON=3 consecutive failed rounds (down at 3)"
                + " FAILOVER_STATE=DOWN "
                + time,
            "20-second FAILOVER_EVENT=provider_state_changed FAILOVER_FAMILY=ipv4"
                + " FAILOVER_INTERFACE=eth1"
                + " FAILOVER_PREVIOUS_STATE=UP FAILOVER_PROVIDER=isp1"
                + " FAILOVER_REASON=3 consecutive failed rounds (down at 3)"
                + " FAILOVER_STATE=DOWN "
                + time,
            "10-first FAILOVER_EVENT=main_switched FAILOVER_FAMILY=ipv6 FAILOVER_FROM=isp1"
                + " FAILOVER_FROM_INTERFACE=eth1"
                + " FAILOVER_REASON=provider 'isp1' is DOWN; provider 'isp2' is the first eligible"
                + " provider FAILOVER_SWITCH_REASON=FAILOVER "
                + time
                + " FAILOVER_TO=isp2 FAILOVER_TO_INTERFACE=eth2",
            "20-second FAILOVER_EVENT=main_switched FAILOVER_FAMILY=ipv6 FAILOVER_FROM=isp1"
                + " FAILOVER_FROM_INTERFACE=eth1"
                + " FAILOVER_REASON=provider 'isp1' is DOWN; provider 'isp2' is the first eligible"
                + " provider FAILOVER_SWITCH_REASON=FAILOVER "
                + time
                + " FAILOVER_TO=isp2 FAILOVER_TO_INTERFACE=eth2",
            "10-first FAILOVER_EVENT=stopping FAILOVER_REASON=the daemon is stopping " + time,
            "20-second FAILOVER_EVENT=stopping FAILOVER_REASON=the daemon is stopping " + time);
    assertThat(observer.outcomes).containsOnly("10-first SUCCEEDED", "20-second SUCCEEDED");
  }

  @Test
  void submit_firstSwitchAtStartup_setsAnEmptyFrom() throws Exception {
    loggingHook("10-log");
    HookRunner runner = runner(Duration.ofSeconds(10));

    runner.submit(
        HookEvent.mainSwitched(
            AddressFamily.IPV4,
            new MainProviderSwitched(null, providers.get(0), SwitchReason.STARTUP, "first", AT)));
    assertThat(runner.stop(DRAIN)).isTrue();

    assertThat(logLines()).singleElement().asString().contains("FAILOVER_FROM= ");
  }

  /** The hook and the child it started are killed at the timeout; the next event still runs. */
  @Test
  void submit_hookHangs_isKilledWithItsChildAtTheTimeoutAndLaterEventsRun() throws Exception {
    Path child = dir.resolve("child.pid");
    hook(
        "10-hang",
        "if [ \"$FAILOVER_EVENT\" = started ]; then sleep 60 & echo $! > '"
            + child
            + "'; wait;"
            + " fi\necho \"$FAILOVER_EVENT\" >> '"
            + log
            + "'\n");
    HookRunner runner = runner(Duration.ofMillis(500));

    runner.submit(HookEvent.started(AT, "failover started"));
    runner.submit(HookEvent.stopping(AT, "the daemon is stopping"));
    assertThat(runner.stop(DRAIN)).isTrue();

    assertThat(observer.outcomes).containsExactly("10-hang TIMED_OUT", "10-hang SUCCEEDED");
    assertThat(logLines()).containsExactly("stopping");
    long childPid = Long.parseLong(Files.readString(child).strip());
    ProcessHandle.of(childPid)
        .ifPresent(
            p -> {
              try {
                p.onExit().get(10, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new AssertionError("the hook's child " + childPid + " still runs", e);
              }
            });
  }

  @Test
  void submit_hookFails_isReportedWithItsStatusAndTheNextHookRuns() throws Exception {
    hook("10-fail", "echo 'no route to the webhook' >&2\nexit 3\n");
    loggingHook("20-log");
    HookRunner runner = runner(Duration.ofSeconds(10));

    runner.submit(HookEvent.started(AT, "failover started"));
    assertThat(runner.stop(DRAIN)).isTrue();

    assertThat(observer.outcomes).containsExactly("10-fail FAILED", "20-log SUCCEEDED");
    assertThat(logLines()).hasSize(1);
  }

  @Test
  void submit_hookWritesMegabytes_isNotBlockedByItsOutput() throws Exception {
    hook("10-chatty", "head -c 3000000 /dev/zero | tr '\\0' x\n");
    HookRunner runner = runner(Duration.ofSeconds(10));

    runner.submit(HookEvent.started(AT, "failover started"));
    assertThat(runner.stop(DRAIN)).isTrue();

    assertThat(observer.outcomes).containsExactly("10-chatty SUCCEEDED");
  }

  @Test
  void list_worldWritableHook_isRefusedAndTheOthersRun() throws Exception {
    loggingHook("10-ok");
    Path writable = loggingHook("20-writable");
    Files.setPosixFilePermissions(writable, PosixFilePermissions.fromString("rwxrwxrwx"));
    HookRunner runner = runner(Duration.ofSeconds(10));

    runner.submit(HookEvent.started(AT, "failover started"));
    assertThat(runner.stop(DRAIN)).isTrue();

    assertThat(observer.refused).containsExactly("20-writable");
    assertThat(logLines()).singleElement().asString().startsWith("10-ok ");
    assertThat(new HookFiles(hooks, uid).list().refused())
        .singleElement()
        .extracting(HookFiles.Refusal::message)
        .asString()
        .contains("hook " + writable + " refused: it is writable by group or others (mode 0777)")
        .contains("chmod go-w");
  }

  @Test
  void list_groupWritableFolder_refusesEveryHook() throws Exception {
    loggingHook("10-ok");
    Files.setPosixFilePermissions(hooks, PosixFilePermissions.fromString("rwxrwxr-x"));
    HookRunner runner = runner(Duration.ofSeconds(10));

    runner.submit(HookEvent.started(AT, "failover started"));
    assertThat(runner.stop(DRAIN)).isTrue();

    assertThat(observer.refused).containsExactly(HookFiles.FOLDER);
    assertThat(logLines()).isEmpty();
  }

  @Test
  void list_hookOwnedByAnotherUser_isRefused() throws Exception {
    assumeTrue(uid == 0, "changing a file's owner needs root; skipped");
    Path foreign = loggingHook("10-foreign");
    Files.setAttribute(foreign, "unix:uid", 65534);

    assertThat(new HookFiles(hooks, 0).list().refused())
        .singleElement()
        .extracting(HookFiles.Refusal::message)
        .asString()
        .contains("owned by uid 65534, not by root");
  }

  @Test
  void list_hiddenBackupAndNotExecutableFiles_areSkippedQuietly() throws Exception {
    loggingHook("10-ok");
    loggingHook(".hidden");
    loggingHook("20-old~");
    loggingHook("30-x.dpkg-old");
    Path disabled = loggingHook("40-disabled");
    Files.setPosixFilePermissions(disabled, PosixFilePermissions.fromString("rw-r--r--"));
    Files.createDirectory(hooks.resolve("50-folder"));

    HookFiles.Listing listing = new HookFiles(hooks, uid).list();

    assertThat(listing.hooks()).containsExactly(hooks.resolve("10-ok"));
    assertThat(listing.refused()).isEmpty();
  }

  @Test
  void list_missingFolder_meansNoHooks() throws Exception {
    assertThat(new HookFiles(dir.resolve("none"), uid).list().hooks()).isEmpty();
  }

  @Test
  void oneLine_controlCharacters_becomeSpaces() {
    assertThat(HookEvent.oneLine("a\nb\r\nc\td\u0000")).isEqualTo("a b  c d");
  }

  /** Records what the runner reports, in order. */
  private static final class RecordingObserver implements HookObserver {
    final List<String> outcomes = Collections.synchronizedList(new ArrayList<>());
    final List<String> refused = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void hookFinished(String hook, HookEvent event, HookResult.Outcome outcome) {
      outcomes.add(hook + " " + outcome);
    }

    @Override
    public void hookRefused(String hook, HookEvent event) {
      refused.add(hook);
    }
  }
}
