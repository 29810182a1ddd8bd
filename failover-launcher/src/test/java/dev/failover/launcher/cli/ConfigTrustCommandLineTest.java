package dev.failover.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.launcher.TestStatuses;
import dev.failover.launcher.status.StatusFile;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's findings about the commands: plugin code ran as root on {@code check-config}, {@code
 * status} and {@code sticky clear}; {@code status} and {@code sticky} built the test cases (and
 * tried an ICMP socket); {@code status} silently read the default status file when the config
 * could not be used.
 */
class ConfigTrustCommandLineTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private Path plugins;

  @BeforeEach
  void setUp() throws IOException {
    plugins = Files.createDirectory(dir.resolve("plugins"));
    MarkingPlugin.ran = false;
  }

  private int run(String... args) {
    return FailoverCommand.execute(args, new PrintWriter(out), new PrintWriter(err));
  }

  /** A config whose test case has type {@code testCaseType}, plugins in {@link #plugins}. */
  private Path config(String testCaseType) throws IOException {
    String toml =
        "status_file = \"" + dir.resolve("status.json") + "\"\n"
            + "plugins_dir = \"" + plugins + "\"\n"
            + "[[providers]]\nid = \"isp1\"\ninterface_name = \"eth1\"\n"
            + "ipv4_address = \"192.168.1.2\"\nnetwork = \"192.168.1.0/24\"\n"
            + "gateway = \"192.168.1.1\"\nrt_table_name = \"isp1\"\nrt_table_id = 101\n"
            + "[[test_cases]]\ntype = \"" + testCaseType + "\"\ntarget = \"192.0.2.1\"\n";
    return Files.writeString(dir.resolve("failover.toml"), toml);
  }

  /** A world-writable plugins folder holding a jar whose code marks that it ran. */
  private void worldWritablePlugin() throws IOException {
    Path jar = plugins.resolve("marking.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream jarOut = new JarOutputStream(file)) {
      jarOut.putNextEntry(
          new JarEntry("META-INF/services/dev.failover.api.TestScenarioFactory"));
      jarOut.write((MarkingPlugin.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
      jarOut.closeEntry();
    }
    Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));
  }

  private void writeStatus() throws IOException {
    new StatusFile(dir.resolve("status.json"))
        .write(
            TestStatuses.afterOneTick(Files.createDirectories(dir.resolve("engine"))),
            Duration.ofMillis(500),
            dir.resolve("sticky.provider"),
            true,
            Instant.now());
  }

  @Test
  void checkConfig_worldWritablePluginsDir_isRefusedAndRunsNoPluginCode() throws Exception {
    worldWritablePlugin();
    Path file = config("marking");

    assertThat(run("check-config", file.toString())).isEqualTo(ExitCodes.INVALID);

    assertThat(err.toString())
        .contains("Invalid configuration:")
        .contains("plugins_dir " + plugins + " is refused")
        .contains("is writable by group or others (mode 0777)");
    assertThat(MarkingPlugin.ran).isFalse();
  }

  @Test
  void status_worldWritablePluginsDir_loadsNoPluginAndReadsTheStatus() throws Exception {
    worldWritablePlugin();
    writeStatus();

    assertThat(run("status", "--config", config("marking").toString())).isEqualTo(ExitCodes.OK);

    assertThat(MarkingPlugin.ran).isFalse();
    assertThat(out.toString()).contains("main provider:");
  }

  @Test
  void stickyClear_worldWritablePluginsDir_loadsNoPlugin() throws Exception {
    worldWritablePlugin();

    assertThat(run("sticky", "--config", config("marking").toString(), "clear"))
        .isEqualTo(ExitCodes.OK);

    assertThat(MarkingPlugin.ran).isFalse();
  }

  @Test
  void stickySet_testCaseOfATypeNotInstalled_isOnlyParsed() throws Exception {
    // A type no factory knows: only a loader that builds test cases would notice.
    assertThat(run("sticky", "--config", config("not-installed").toString(), "set", "isp1"))
        .isEqualTo(ExitCodes.OK);

    // After the header line that marks the file as failover's.
    assertThat(java.nio.file.Files.readAllLines(dir.resolve("sticky.provider"))).endsWith("isp1");
  }

  @Test
  void status_readsTheConfigsStatusFileAndSaysWhichFile() throws Exception {
    writeStatus();
    Path file = config("ping");

    run("status", "--config", file.toString());

    assertThat(out.toString())
        .startsWith(
            "status file: " + dir.resolve("status.json") + " (status_file of " + file + ")");
  }

  @Test
  void status_json_namesTheFileRead() throws Exception {
    writeStatus();

    run("status", "--json", "--config", config("ping").toString());

    assertThat(out.toString())
        .contains("\"" + StatusCommand.READ_FROM_KEY + "\" : \"" + dir.resolve("status.json"));
  }

  @Test
  void status_configCannotBeUsed_failsInsteadOfReadingTheDefaultFile() throws Exception {
    Path file = Files.writeString(dir.resolve("failover.toml"), "providers = 5\n");

    assertThat(run("status", "--config", file.toString())).isEqualTo(ExitCodes.INVALID);

    assertThat(err.toString())
        .contains("Invalid configuration: providers must be an array of tables")
        .contains("--status-file")
        .doesNotContain("/run/failover/status.json");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void status_statusFileOption_readsThatFileWithoutTheConfig() throws Exception {
    writeStatus();

    assertThat(
            run(
                "status",
                "--config",
                dir.resolve("absent.toml").toString(),
                "--status-file",
                dir.resolve("status.json").toString()))
        .isEqualTo(ExitCodes.OK);

    assertThat(out.toString())
        .startsWith("status file: " + dir.resolve("status.json") + " (--status-file)");
  }

  /** A plugin factory that marks that its code ran; registered in no services file. */
  public static final class MarkingPlugin implements dev.failover.api.TestScenarioFactory {
    static volatile boolean ran;

    /** Marks the run; ServiceLoader instantiates a provider each time it loads it. */
    public MarkingPlugin() {
      ran = true;
    }

    @Override
    public String type() {
      return "marking";
    }

    @Override
    public dev.failover.api.TestScenario create(dev.failover.api.ScenarioSettings settings) {
      return new dev.failover.testkit.FakeTestScenario("marking " + settings.string("target"));
    }
  }
}
