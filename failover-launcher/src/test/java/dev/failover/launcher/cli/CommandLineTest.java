package dev.failover.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failover.core.StickyProviderFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line run in-process: exit codes and what it prints. */
class CommandLineTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return FailoverCommand.execute(args, new PrintWriter(out), new PrintWriter(err));
  }

  private Path config(String extra) throws Exception {
    String toml =
        "status_file = \""
            + dir.resolve("status.json")
            + "\"\n"
            + extra
            + "\n[[providers]]\n"
            + "id = \"isp1\"\n"
            + "interface_name = \"eth1\"\n"
            + "ipv4_address = \"192.168.1.2\"\n"
            + "network = \"192.168.1.0/24\"\n"
            + "gateway = \"192.168.1.1\"\n"
            + "rt_table_name = \"isp1\"\n"
            + "rt_table_id = 101\n"
            + "[[providers]]\n"
            + "id = \"isp2\"\n"
            + "interface_name = \"eth2\"\n"
            + "ipv4_address = \"192.168.1.3\"\n"
            + "network = \"192.168.1.0/24\"\n"
            + "gateway = \"192.168.1.1\"\n"
            + "rt_table_name = \"isp2\"\n"
            + "rt_table_id = 102\n"
            // "fake" is registered for the tests in META-INF/services.
            + "[[test_cases]]\n"
            + "type = \"fake\"\n"
            + "target = \"192.0.2.1\"\n";
    return Files.writeString(dir.resolve("failover.toml"), toml);
  }

  @Test
  void help_listsEveryCommand() {
    assertThat(run("--help")).isEqualTo(ExitCodes.OK);

    assertThat(out.toString())
        .contains("Usage: failover")
        .contains("run")
        .contains("check-config")
        .contains("status")
        .contains("sticky")
        .contains("install")
        .contains("uninstall")
        .contains("demo");
  }

  @Test
  void version_printsTheProjectVersion() {
    assertThat(run("--version")).isEqualTo(ExitCodes.OK);

    assertThat(out.toString()).startsWith("failover ").doesNotContain("unknown");
  }

  @Test
  void noCommand_isAUsageError() {
    assertThat(run()).isEqualTo(ExitCodes.INVALID);

    assertThat(err.toString()).contains("Missing a command");
  }

  @Test
  void unknownOption_isAUsageError() {
    assertThat(run("run", "--frobnicate")).isEqualTo(ExitCodes.INVALID);

    assertThat(err.toString()).contains("Unknown option: '--frobnicate'");
  }

  @Test
  void checkConfig_validFile_printsOkAndASummary() throws Exception {
    Path file = config("");

    assertThat(run("check-config", file.toString())).isEqualTo(ExitCodes.OK);

    assertThat(out.toString())
        .startsWith("OK: " + file)
        .contains(
            "check every 0.5 s, every 0.2 s while a provider is in doubt (probe timeout following"
                + " the round trip, 0.1 s to 1 s, 0.2 s until a target first answers)")
        .contains("policy 'damped': down after 3 failed rounds in a row")
        .contains("2 providers")
        .contains("isp1")
        .contains("metric 100")
        .doesNotContain("note:");
  }

  @Test
  void checkConfig_providerWithOwnTestCases_listsThemAndWhetherItKeepsTheGlobalOnes()
      throws Exception {
    Path file = config("");
    Files.writeString(
        file,
        Files.readString(file)
            .replace(
                "rt_table_id = 102\n",
                "rt_table_id = 102\n"
                    + "global_test_cases = false\n"
                    + "[[providers.test_cases]]\n"
                    + "type = \"fake\"\n"
                    + "target = \"10.8.0.1\"\n"));

    assertThat(run("check-config", file.toString())).isEqualTo(ExitCodes.OK);

    assertThat(out.toString())
        .contains("1 test cases, run through every provider each round (except those that run")
        .contains(
            "provider isp2 lists test cases: global_test_cases = false: only its own test cases,"
                + " instead of the global ones: {type=fake, target=10.8.0.1}");
  }

  @Test
  void checkConfig_keyOfAnotherPolicy_isOkWithANote() throws Exception {
    Path file = config("max_failed_checks = 50");

    assertThat(run("check-config", file.toString())).isEqualTo(ExitCodes.OK);

    assertThat(out.toString())
        .contains(
            "note: max_failed_checks is unused by the selected policy 'damped' (a setting of"
                + " policy 'original')");
  }

  @Test
  void checkConfig_invalidFile_printsTheProblemWithoutAStackTrace() throws Exception {
    Path file = config("probe_timeout = 9");

    assertThat(run("check-config", file.toString())).isEqualTo(ExitCodes.INVALID);

    assertThat(err.toString())
        .startsWith("Invalid configuration: probe_timeout must be <= check_interval (0.5 s)")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void checkConfig_missingFile_isInvalid() {
    assertThat(run("check-config", dir.resolve("absent.toml").toString()))
        .isEqualTo(ExitCodes.INVALID);

    assertThat(err.toString()).startsWith("Invalid configuration: cannot read config file");
  }

  @Test
  void run_invalidConfig_exitsBeforeTouchingAnything() throws Exception {
    Path file = config("check_interval = -1");

    assertThat(run("run", "--config", file.toString())).isEqualTo(ExitCodes.INVALID);

    assertThat(err.toString())
        .startsWith("Invalid configuration: check_interval must be a number of seconds > 0");
  }

  /** isp1 with IPv6 learned but its link-local gateway, and an IPv6 test case (issue 16). */
  private Path dualStackConfig() throws Exception {
    Path file = config("");
    return Files.writeString(
        file,
        Files.readString(file)
                .replace("rt_table_id = 101\n", "rt_table_id = 101\nipv6_gateway = \"fe80::1\"\n")
            + "[[test_cases]]\n"
            + "type = \"fake\"\n"
            + "target = \"2001:db8::1\"\n");
  }

  @Test
  void checkConfig_ipv6Provider_printsItsIpv6Values() throws Exception {
    Path file = dualStackConfig();

    assertThat(run("check-config", file.toString())).isEqualTo(ExitCodes.OK);

    assertThat(out.toString())
        .contains("IPv6 src (learned) prefix (learned) via fe80::1")
        .doesNotContain("not yet routed");
  }

  /**
   * Runs the daemon in-process, outside any namespace: only a config the daemon refuses may get
   * here, or it would route the host's own routes. A dual-stack config is run (and routed), so
   * it is tested in namespaces only (DualStackJarIT); an IPv6-only one is still refused.
   */
  @Test
  void run_noProviderHasIpv4_isRefusedBeforeTouchingAnything() throws Exception {
    Path file = config("");
    Files.writeString(
        file,
        Files.readString(file)
                .replaceAll("(?m)^(ipv4_address|network|gateway) = .*\n", "")
                .replace("rt_table_id = 101\n", "rt_table_id = 101\nipv4 = false\nipv6 = true\n")
                .replace("rt_table_id = 102\n", "rt_table_id = 102\nipv4 = false\nipv6 = true\n")
            + "[[test_cases]]\n"
            + "type = \"fake\"\n"
            + "target = \"2001:db8::1\"\n");

    assertThat(run("run", "--config", file.toString())).isEqualTo(ExitCodes.INVALID);

    assertThat(err.toString()).contains("at least one provider must have IPv4");
  }

  @Test
  void stickySet_knownProvider_writesTheStickyFile() throws Exception {
    Path file = config("");

    assertThat(run("sticky", "--config", file.toString(), "set", "isp2")).isEqualTo(ExitCodes.OK);

    assertThat(dir.resolve("sticky.provider")).hasContent(StickyProviderFile.content("isp2"));
    assertThat(out.toString()).contains("provider 'isp2' is forced");
  }

  @Test
  void stickySet_configAfterTheSubcommand_isAccepted() throws Exception {
    Path file = config("");

    assertThat(run("sticky", "set", "isp1", "--config", file.toString())).isEqualTo(ExitCodes.OK);

    assertThat(dir.resolve("sticky.provider")).hasContent(StickyProviderFile.content("isp1"));
  }

  @Test
  void stickySet_unknownProvider_isRejectedAndWritesNothing() throws Exception {
    Path file = config("");

    assertThat(run("sticky", "--config", file.toString(), "set", "isp9"))
        .isEqualTo(ExitCodes.INVALID);

    assertThat(err.toString()).contains("Unknown provider 'isp9'").contains("isp1, isp2");
    assertThat(dir.resolve("sticky.provider")).doesNotExist();
  }

  @Test
  void stickyClear_removesTheFileAndIsIdempotent() throws Exception {
    Path file = config("");
    Files.writeString(dir.resolve("sticky.provider"), "isp1\n");

    assertThat(run("sticky", "--config", file.toString(), "clear")).isEqualTo(ExitCodes.OK);
    assertThat(run("sticky", "--config", file.toString(), "clear")).isEqualTo(ExitCodes.OK);

    assertThat(dir.resolve("sticky.provider")).doesNotExist();
    assertThat(out.toString()).contains("cleared").contains("no sticky provider was set");
  }

  /** Issue 15: 'sticky set' replaced whatever file the config named. */
  @Test
  void stickySet_pathNamesAFileFailoverDidNotWrite_refusesAndKeepsIt() throws Exception {
    Path foreign = Files.writeString(dir.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
    Path file = config("sticky_provider_filename = \"" + foreign + "\"");

    assertThat(run("sticky", "--config", file.toString(), "set", "isp1"))
        .isEqualTo(ExitCodes.INVALID);

    assertThat(foreign).hasContent("root:x:0:0:root:/root:/bin/bash\n");
    assertThat(err.toString()).contains("Refused: " + foreign).contains("is not a sticky file");
  }

  /** Issue 15: 'sticky clear' deleted whatever file the config named. */
  @Test
  void stickyClear_pathNamesAFileFailoverDidNotWrite_refusesAndKeepsIt() throws Exception {
    Path foreign = Files.writeString(dir.resolve("shadow"), "root:$6$salt$hash:19000::::::\n");
    Path file = config("sticky_provider_filename = \"" + foreign + "\"");

    assertThat(run("sticky", "--config", file.toString(), "clear")).isEqualTo(ExitCodes.INVALID);

    assertThat(foreign).exists();
    assertThat(err.toString()).contains("Refused: " + foreign);
  }

  @Test
  void stickySet_systemFile_isAConfigErrorNamingTheKey() throws Exception {
    Path file = config("sticky_provider_filename = \"/etc/passwd\"");

    assertThat(run("sticky", "--config", file.toString(), "set", "isp1"))
        .isEqualTo(ExitCodes.INVALID);

    assertThat(err.toString())
        .contains("Invalid configuration: sticky_provider_filename must lie in one of failover's")
        .contains("was /etc/passwd");
  }

  @Test
  void stickySet_overWhatSetWrote_replacesIt() throws Exception {
    Path file = config("");
    assertThat(run("sticky", "--config", file.toString(), "set", "isp1")).isEqualTo(ExitCodes.OK);

    assertThat(run("sticky", "--config", file.toString(), "set", "isp2")).isEqualTo(ExitCodes.OK);

    assertThat(dir.resolve("sticky.provider")).hasContent(StickyProviderFile.content("isp2"));
  }

  @Test
  void status_noStatusFile_saysTheDaemonIsNotRunning() throws Exception {
    Path file = config("");

    assertThat(run("status", "--config", file.toString())).isEqualTo(ExitCodes.NOT_RUNNING);

    assertThat(err.toString()).contains("No status file at " + dir.resolve("status.json"));
  }

  @Test
  void status_freshFile_printsTheMainProviderAndEveryProvider() throws Exception {
    Path file = config("");
    Files.writeString(dir.resolve("status.json"), statusJson(Instant.now(), true));

    assertThat(run("status", "--config", file.toString())).isEqualTo(ExitCodes.OK);

    assertThat(out.toString())
        .contains("main provider: isp2")
        .contains("FAILOVER: provider 'isp1' is DOWN")
        .contains("default routes: isp2 metric 100, isp1 metric 101")
        .contains("sticky: none")
        .contains(
            "checks every 0.2 s (faster: a provider is in doubt, under a loss test or silent;"
                + " check_interval is 0.5 s)")
        .contains("isp1             no       DOWN  DOWN")
        .contains("isp2             yes      up    UP")
        .contains("+++--xx")
        .contains("42.9%")
        .contains("12.5 ms")
        .doesNotContain("STALE");
  }

  @Test
  void status_staleFile_warnsAndExitsNotRunning() throws Exception {
    Path file = config("");
    Files.writeString(
        dir.resolve("status.json"), statusJson(Instant.now().minusSeconds(3600), true));

    assertThat(run("status", "--config", file.toString())).isEqualTo(ExitCodes.NOT_RUNNING);

    assertThat(out.toString()).contains("STALE");
  }

  @Test
  void status_json_addsTheFreshness() throws Exception {
    Path file = config("");
    Files.writeString(dir.resolve("status.json"), statusJson(Instant.now(), false));

    assertThat(run("status", "--json", "--config", file.toString()))
        .isEqualTo(ExitCodes.NOT_RUNNING);

    assertThat(out.toString()).contains("\"freshness\" : \"STOPPED\"").contains("\"ticks\" : 7");
  }

  @Test
  void status_fileWithARenamedKey_failsNamingTheKeyAndTheFile() throws Exception {
    Path file = config("");
    Files.writeString(
        dir.resolve("status.json"),
        statusJson(Instant.now(), true).replace("\"link_usable\"", "\"link_up\""));

    assertThat(run("status", "--config", file.toString())).isEqualTo(ExitCodes.FAILURE);

    assertThat(err.toString())
        .contains(
            "status file "
                + dir.resolve("status.json")
                + ": key 'providers[0].link_usable' is missing");
    assertThat(out.toString()).doesNotContain("PROVIDER");
  }

  @Test
  void install_scratchRoot_printsTheSystemctlCommandsInsteadOfRunningThem() throws Exception {
    // The unit lets the daemon write /run/failover only, so install refuses any other status_file.
    Path file =
        Files.writeString(
            dir.resolve("installable.toml"),
            Files.readString(config(""))
                .replace(dir.resolve("status.json").toString(), "/run/failover/status.json"));
    Path jar = Files.writeString(dir.resolve("failover.jar"), "jar");
    Path root = Files.createDirectory(dir.resolve("root"));

    assertThat(
            run(
                "install",
                "--root",
                root.toString(),
                "--jar",
                jar.toString(),
                "--config",
                file.toString()))
        .isEqualTo(ExitCodes.OK);
    assertThat(out.toString())
        .contains("would run: systemctl daemon-reload")
        .contains("would run: systemctl enable --now failover.service")
        .contains("nothing was started: the systemctl commands above were only printed")
        .doesNotContain("installed and started");

    assertThat(run("uninstall", "--root", root.toString())).isEqualTo(ExitCodes.OK);
    assertThat(out.toString())
        .contains("would remove the routes, rules and tables of providers")
        .contains("above were only printed: nothing was stopped and no route was removed");
    try (var left = Files.list(root)) {
      assertThat(left).isEmpty();
    }
  }

  /**
   * Issue 15: with an invalid installed config, uninstall deleted the config and manifest, exited 0
   * and left the daemon's routes behind for good.
   */
  @Test
  void uninstall_invalidInstalledConfig_exitsNonZeroUnlessForced() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("installable.toml"),
            Files.readString(config(""))
                .replace(dir.resolve("status.json").toString(), "/run/failover/status.json"));
    Path jar = Files.writeString(dir.resolve("failover.jar"), "jar");
    Path root = Files.createDirectory(dir.resolve("root"));
    assertThat(
            run(
                "install",
                "--root",
                root.toString(),
                "--jar",
                jar.toString(),
                "--config",
                file.toString()))
        .isEqualTo(ExitCodes.OK);
    Path installed = root.resolve("etc/failover/failover.toml");
    Files.writeString(installed, "providers = 3\n");

    assertThat(run("uninstall", "--root", root.toString())).isEqualTo(ExitCodes.INVALID);
    assertThat(err.toString()).contains("Refused: uninstall changed nothing");
    assertThat(installed).hasContent("providers = 3\n");

    assertThat(run("uninstall", "--root", root.toString(), "--force")).isEqualTo(ExitCodes.OK);
    assertThat(out.toString()).contains("would remove every route and rule of protocol 201");
    try (var left = Files.list(root)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void install_notFromAJar_asksForOne() {
    assertThat(run("install", "--root", dir.toString())).isEqualTo(ExitCodes.INVALID);

    assertThat(err.toString()).contains("install must run from failover.jar");
  }

  private static String statusJson(Instant writtenAt, boolean running) {
    return "{\n"
        + "  \"format\": 1, \"written_at\": \""
        + writtenAt
        + "\", \"running\": "
        + running
        + ", \"pid\": 4242, \"check_interval\": 0.5, \"interval\": 0.2, \"status_at\": \""
        + writtenAt
        + "\", \"ticks\": 7, \"policy\": \"damped\",\n"
        + "  \"main\": {\"provider\": \"isp2\", \"reason\": \"FAILOVER\","
        + " \"detail\": \"provider 'isp1' is DOWN\", \"since\": \""
        + writtenAt.minusSeconds(20)
        + "\"},\n"
        + "  \"ranking\": [\"isp2\", \"isp1\"], \"start_metric\": 100,\n"
        + "  \"sticky\": {\"file\": \"/etc/failover/sticky.provider\", \"kind\": \"ABSENT\","
        + " \"provider\": null, \"detail\": \"no sticky provider\"},\n"
        + "  \"last_applied_at\": \""
        + writtenAt
        + "\", \"last_apply_error\": null,\n"
        + "  \"providers\": [\n"
        + "    {\"id\": \"isp1\", \"state\": \"DOWN\", \"reliable\": false, \"link_usable\": false,"
        + " \"selectable\": false, \"since\": \""
        + writtenAt.minusSeconds(20)
        + "\", \"reason\": \"2 consecutive failures\", \"recent_results\": [\"SUCCESS\","
        + " \"SUCCESS\", \"SUCCESS\", \"FAILURE\", \"FAILURE\", \"TIMEOUT\", \"TIMEOUT\"],"
        + " \"stored_rounds\": 7, \"failed_rounds\": 3, \"loss_percent\": 42.857,"
        + " \"mean_latency_ms\": 12.5},\n"
        + "    {\"id\": \"isp2\", \"state\": \"UP\", \"reliable\": true, \"link_usable\": true,"
        + " \"selectable\": true, \"since\": \""
        + writtenAt.minusSeconds(60)
        + "\", \"reason\": \"7 consecutive successes\", \"recent_results\": [\"SUCCESS\"],"
        + " \"stored_rounds\": 7, \"failed_rounds\": 0, \"loss_percent\": 0.0,"
        + " \"mean_latency_ms\": null}\n"
        + "  ]\n"
        + "}\n";
  }
}
