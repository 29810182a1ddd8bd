package dev.failover.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.launcher.status.StatusFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The built {@code failover.jar} run as a plain user (nobody, through {@code setpriv}), as an
 * operator runs {@code status} and {@code check-config} (issue 15): {@code check-config} says what
 * it could not verify without root instead of refusing a valid config, and {@code status} and
 * {@code sticky} work without loading plugins or opening an ICMP socket.
 *
 * <p>Needs the shaded jar (failsafe), root (to become nobody) and {@code setpriv}; skipped with
 * the reason otherwise. The host's {@code ping_group_range} must keep nobody from ICMP sockets
 * (the kernel's default, {@code 1 0}), or there is nothing left unverified to show.
 */
class NonRootJarIT {
  private static final int NOBODY = 65534;

  private Path dir;
  private Path jar;

  @BeforeEach
  void setUp() throws Exception {
    String jarPath = System.getProperty("failover.jar");
    assumeTrue(jarPath != null, "failover.jar is not set: run with mvn verify (failsafe); skipped");
    assumeTrue(
        (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0,
        "needs root to run commands as nobody; skipped");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv; skipped");
    // readAllLines, not readString: the latter returns only the first byte of this proc file.
    String[] range =
        Files.readAllLines(Path.of("/proc/sys/net/ipv4/ping_group_range")).get(0).strip()
            .split("\\s+");
    assumeTrue(
        NOBODY < Long.parseLong(range[0]) || NOBODY > Long.parseLong(range[1]),
        "nobody may open ICMP sockets here (ping_group_range " + String.join(" ", range)
            + "); skipped");
    // A folder nobody can read (a @TempDir is 0700), holding a copy of the jar.
    dir = Files.createTempDirectory("failover-nonroot");
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    jar = Files.copy(Path.of(jarPath), dir.resolve("failover.jar"));
    Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
  }

  @AfterEach
  void tearDown() throws IOException {
    if (dir == null) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private Path config() throws IOException {
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    String toml =
        "status_file = \"" + dir.resolve("status.json") + "\"\n"
            + "sticky_provider_filename = \"" + dir.resolve("sticky.provider") + "\"\n"
            + "plugins_dir = \"" + plugins + "\"\n"
            + "hooks_dir = \"" + dir.resolve("hooks.d") + "\"\n"
            + "http_listen = \"\"\n"
            + "[[providers]]\nid = \"isp1\"\ninterface_name = \"eth1\"\n"
            + "ipv4_address = \"192.168.1.2\"\nnetwork = \"192.168.1.0/24\"\n"
            + "gateway = \"192.168.1.1\"\nrt_table_name = \"isp1\"\nrt_table_id = 101\n"
            + "[[test_cases]]\ntype = \"ping\"\ntarget = \"192.0.2.1\"\n";
    Path config = Files.writeString(dir.resolve("failover.toml"), toml);
    Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
    return config;
  }

  /** Runs the jar as nobody; returns the exit code, with the output in {@code out.txt}. */
  private int runAsNobody(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
    command.addAll(UnitCommand.javaJar(jar, List.of("-Duser.home=" + dir), args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("out.txt").toFile());
    builder.environment().put("HOME", dir.toString());
    Process process = builder.start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the command ends").isTrue();
    return process.exitValue();
  }

  private String output() throws IOException {
    return Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
  }

  @Test
  void checkConfig_asNobody_isValidAndSaysWhatItCouldNotVerify() throws Exception {
    Path config = config();

    int code = runAsNobody("check-config", config.toString());

    assertThat(code).as(output()).isZero();
    assertThat(output())
        .contains("OK: " + config)
        .contains("note: test_cases[0] not verified: it cannot run as this user")
        .contains("run check-config as root to verify it");
  }

  @Test
  void statusAndSticky_asNobody_needNoRoot() throws Exception {
    Path config = config();
    new StatusFile(dir.resolve("status.json"))
        .write(
            TestStatuses.afterOneTick(Files.createDirectories(dir.resolve("engine"))),
            Duration.ofMillis(500),
            dir.resolve("sticky.provider"),
            true,
            Instant.now());

    int status = runAsNobody("status", "--config", config.toString());
    String statusText = output();
    int sticky = runAsNobody("sticky", "--config", config.toString(), "clear");

    assertThat(status).as(statusText).isZero();
    assertThat(statusText)
        .startsWith("status file: " + dir.resolve("status.json"))
        .contains("main provider:")
        .doesNotContain("ICMP");
    assertThat(sticky).as(output()).isZero();
    assertThat(output()).contains("no sticky provider was set");
  }
}
