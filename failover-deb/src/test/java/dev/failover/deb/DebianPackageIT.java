package dev.failover.deb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.failover.lab.NamespaceLab;
import dev.failover.launcher.install.SystemdUnit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks the built {@code failover_VERSION_all.deb} without installing it on this machine: lintian
 * finds no error, the control fields and conffiles are right, the package unpacked into a scratch
 * root ({@code dpkg -x}) runs through its {@code /usr/bin/failover} with the unit's JVM flags and
 * accepts its own example config, the unit scores at most 2.5 in {@code systemd-analyze security},
 * and the purge's route removal ({@code postrm}'s {@code remove_routes}) does its job in a network
 * namespace of its own.
 *
 * <p>Run by failsafe after {@code package}; a missing tool (lintian, systemd-analyze) or root skips
 * the tests that need it, with the reason.
 */
class DebianPackageIT {
  @TempDir Path dir;

  private Path deb;

  @BeforeEach
  void findPackage() throws IOException {
    Path folder = Path.of(System.getProperty("failover.deb.folder", "target"));
    try (Stream<Path> files = Files.list(folder)) {
      deb =
          files
              .filter(f -> f.getFileName().toString().matches("failover_.*_all\\.deb"))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no failover_*_all.deb in " + folder));
    }
  }

  @Test
  void lintian_builtPackage_reportsNoError() throws Exception {
    assumeTrue(NamespaceLab.findOnPath("lintian").isPresent(), "needs lintian; skipped");

    Result lintian = run("lintian", "--fail-on", "error", deb.toString());

    assertThat(lintian.output()).doesNotContainPattern("(?m)^E: ");
    assertThat(lintian.code()).as(lintian.output()).isZero();
  }

  @Test
  void control_builtPackage_dependsOnJava17AndIproute2AndKeepsTheConfig() throws Exception {
    String name = deb.getFileName().toString();
    String version = run("dpkg-deb", "-f", deb.toString(), "Version").output().strip();
    assertThat(name).isEqualTo("failover_" + version + "_all.deb");
    assertThat(run("dpkg-deb", "-f", deb.toString(), "Depends").output())
        .contains("java17-runtime-headless")
        .contains("iproute2");
    assertThat(run("dpkg-deb", "-f", deb.toString(), "Architecture").output().strip())
        .isEqualTo("all");
    Path control = dir.resolve("control");
    run("dpkg-deb", "-e", deb.toString(), control.toString());
    assertThat(Files.readAllLines(control.resolve("conffiles")))
        .containsExactlyInAnyOrder(
            "/etc/failover/failover.toml", "/etc/iproute2/rt_protos.d/failover.conf");
  }

  @Test
  void unpacked_launcher_runsTheJarWithTheUnitsFlagsAndAcceptsTheExample() throws Exception {
    Path root = unpack();
    Path launcher = root.resolve("usr/bin/failover");
    assertThat(launcher).isExecutable();
    assertThat(Files.readString(launcher)).contains(String.join(" ", SystemdUnit.JVM_FLAGS));

    Result version = run(launcher.toString(), "--version");
    assertThat(version.code()).as(version.output()).isZero();
    assertThat(version.output()).contains("0.1.0");
    Result check = run(launcher.toString(), "check-config", root + "/etc/failover/failover.toml");
    assertThat(check.code()).as(check.output()).isZero();
    assertThat(check.output()).startsWith("OK: ");

    assertThat(root.resolve("usr/share/failover/failover.jar")).isRegularFile();
    assertThat(root.resolve("usr/share/man/man1/failover.1.gz")).isRegularFile();
    assertThat(root.resolve("usr/share/doc/failover/copyright")).isRegularFile();
    assertThat(Files.readString(root.resolve("etc/iproute2/rt_protos.d/failover.conf")))
        .contains("201 failover");
    assertThat(Files.readString(root.resolve("etc/failover/failover.toml")))
        .isEqualTo(Files.readString(root.resolve("usr/share/failover/failover.example.toml")));
  }

  @Test
  void unpacked_unit_isInstallsUnitForThePackagesPathsAndScoresAtMost2point5() throws Exception {
    Path unit = unpack().resolve("lib/systemd/system/failover.service");
    String text = Files.readString(unit);
    assertThat(text)
        .contains(
            "ExecStart=/usr/bin/java "
                + String.join(" ", SystemdUnit.JVM_FLAGS)
                + " -jar /usr/share/failover/failover.jar run --config /etc/failover/failover.toml")
        .contains("Type=notify")
        .contains("WatchdogSec=")
        .contains("RuntimeDirectoryPreserve=yes");
    // The same text as 'failover install' writes, below the first comment lines.
    String installed =
        SystemdUnit.render(
            Path.of("/usr/bin/java"),
            Path.of("/usr/share/failover/failover.jar"),
            Path.of("/etc/failover/failover.toml"));
    assertThat(text.substring(text.indexOf("[Unit]")))
        .isEqualTo(installed.substring(installed.indexOf("[Unit]")));

    assumeTrue(
        NamespaceLab.findOnPath("systemd-analyze").isPresent(), "needs systemd-analyze; skipped");
    Path copy = Files.copy(unit, dir.resolve("failover.service"));
    Result security = run("systemd-analyze", "security", "--offline=true", copy.toString());
    Matcher score =
        Pattern.compile("Overall exposure level for failover.service: ([0-9.]+)")
            .matcher(security.output());
    assertThat(score.find()).as(security.output()).isTrue();
    System.out.println("systemd-analyze security: " + score.group(1));
    assertThat(Double.parseDouble(score.group(1))).isLessThanOrEqualTo(2.5);
  }

  @Test
  void postrmRemoveRoutes_inANamespace_removesTheDaemonsStateAndKeepsTheLastDefault()
      throws Exception {
    Optional<String> unavailable = NamespaceLab.unavailableReason();
    assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse(""));
    Path control = dir.resolve("control");
    run("dpkg-deb", "-e", deb.toString(), control.toString());
    Path postrm = control.resolve("postrm");
    String ns = "fo-deb-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 20);
    ip("netns", "add", ns);
    try {
      ip("-n", ns, "link", "add", "wan1", "type", "veth", "peer", "name", "far1");
      ip("-n", ns, "link", "set", "wan1", "up");
      ip("-n", ns, "link", "set", "far1", "up");
      ip("-n", ns, "addr", "add", "192.168.1.11/24", "dev", "wan1");
      ip(
          "-n",
          ns,
          "route",
          "add",
          "default",
          "via",
          "192.168.1.1",
          "dev",
          "wan1",
          "proto",
          "201",
          "metric",
          "100");
      ip(
          "-n",
          ns,
          "route",
          "add",
          "default",
          "via",
          "192.168.1.1",
          "dev",
          "wan1",
          "table",
          "101",
          "proto",
          "201");
      ip(
          "-n",
          ns,
          "route",
          "add",
          "unreachable",
          "default",
          "table",
          "101",
          "proto",
          "201",
          "metric",
          "4294967295");
      ip(
          "-n",
          ns,
          "rule",
          "add",
          "from",
          "192.168.1.11",
          "lookup",
          "101",
          "priority",
          "30000",
          "proto",
          "201");

      // Only failover's default route: the purge keeps it, and says so.
      Result alone = removeRoutes(ns, postrm);
      assertThat(alone.output()).contains("its default routes (proto 201) stay");
      assertThat(ip("-n", ns, "-4", "route", "show", "table", "all", "proto", "201"))
          .isEqualToIgnoringWhitespace("default via 192.168.1.1 dev wan1 metric 100");
      assertThat(ip("-n", ns, "-4", "rule", "show")).doesNotContain("lookup 101");

      // With a default route of the operator's, failover's goes too.
      ip(
          "-n",
          ns,
          "route",
          "add",
          "default",
          "via",
          "192.168.1.254",
          "dev",
          "wan1",
          "metric",
          "50");
      removeRoutes(ns, postrm);
      assertThat(ip("-n", ns, "-4", "route", "show", "table", "all", "proto", "201")).isBlank();
      assertThat(ip("-n", ns, "-4", "route", "show", "default"))
          .contains("default via 192.168.1.254 dev wan1 metric 50");
    } finally {
      run("ip", "netns", "del", ns);
    }
  }

  /**
   * postinst's decisions, run against a scratch copy: its paths ({@code /etc/failover}, {@code
   * /usr/share/failover}, {@code /run/systemd/system}) point into a scratch folder, and {@code
   * deb-systemd-helper}, {@code deb-systemd-invoke}, {@code systemctl} and {@code failover} are
   * stubs that record their arguments ({@code failover check-config} exits with {@code
   * $CHECK_EXIT}).
   */
  @Test
  void postinst_configure_enablesAndStartsOnlyAnEditedConfigThatPassesCheckConfig()
      throws Exception {
    Path control = dir.resolve("control");
    run("dpkg-deb", "-e", deb.toString(), control.toString());
    Path scratch = Files.createDirectories(dir.resolve("scratch"));
    Path etc = Files.createDirectories(scratch.resolve("etc/failover"));
    Path share = Files.createDirectories(scratch.resolve("usr/share/failover"));
    Path bin = Files.createDirectories(scratch.resolve("bin"));
    Path calls = scratch.resolve("calls");
    for (String stub :
        List.of("deb-systemd-helper", "deb-systemd-invoke", "systemctl", "failover")) {
      Path file = bin.resolve(stub);
      Files.writeString(
          file,
          "#!/bin/sh\necho \""
              + stub
              + " $*\" >> "
              + calls
              + "\n"
              + (stub.equals("failover")
                  ? "[ \"${CHECK_EXIT:-0}\" = 0 ] || echo 'Invalid configuration: x' >&2\n"
                      + "exit ${CHECK_EXIT:-0}\n"
                  : "exit 0\n"));
      file.toFile().setExecutable(true);
    }
    String script =
        Files.readString(control.resolve("postinst"))
            .replace("/etc/failover", etc.toString())
            .replace("/usr/share/failover", share.toString())
            .replace("/run/systemd/system", scratch.resolve("run/systemd/system").toString());
    Path postinst = Files.writeString(scratch.resolve("postinst"), script);
    String example = "# the example\n";
    Files.writeString(share.resolve("failover.example.toml"), example);

    // The example as installed: nothing enabled, nothing started.
    Files.writeString(etc.resolve("failover.toml"), example);
    Result fresh = postinst(postinst, bin, "0");
    assertThat(fresh.output()).contains("is still the example");
    assertThat(Files.readString(calls))
        .contains("deb-systemd-helper unmask failover.service")
        .doesNotContain("enable")
        .doesNotContain("restart");

    // Edited but invalid: the message, nothing enabled.
    Files.delete(calls);
    Files.writeString(etc.resolve("failover.toml"), "# edited\n");
    Result invalid = postinst(postinst, bin, "2");
    assertThat(invalid.output()).contains("Invalid configuration: x").contains("is invalid");
    assertThat(Files.readString(calls)).doesNotContain("enable").doesNotContain("restart");

    // Edited and valid, systemd not running: enabled, not started.
    Files.delete(calls);
    postinst(postinst, bin, "0");
    assertThat(Files.readString(calls))
        .contains("failover check-config " + etc.resolve("failover.toml"))
        .contains("deb-systemd-helper enable failover.service")
        .doesNotContain("restart");

    // Edited and valid under systemd: enabled and (re)started.
    Files.delete(calls);
    Files.createDirectories(scratch.resolve("run/systemd/system"));
    postinst(postinst, bin, "0");
    assertThat(Files.readString(calls))
        .contains("systemctl --system daemon-reload")
        .contains("deb-systemd-helper enable failover.service")
        .contains("deb-systemd-invoke restart failover.service");
  }

  private Result postinst(Path postinst, Path bin, String checkExit) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("sh", postinst.toString(), "configure").redirectErrorStream(true);
    builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    builder.environment().put("CHECK_EXIT", checkExit);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(out).isZero();
    return new Result(0, out);
  }

  private Result removeRoutes(String ns, Path postrm) throws Exception {
    // Sourced with a path as $1, postrm matches no action and only defines its functions.
    Result result =
        run(
            "ip",
            "netns",
            "exec",
            ns,
            "sh",
            "-c",
            ". \"$1\" && remove_routes",
            "sh",
            postrm.toString());
    assertThat(result.code()).as(result.output()).isZero();
    return result;
  }

  private Path unpack() throws Exception {
    Path root = dir.resolve("root");
    Result unpacked = run("dpkg", "-x", deb.toString(), root.toString());
    assertThat(unpacked.code()).as(unpacked.output()).isZero();
    return root;
  }

  private String ip(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("ip"));
    command.addAll(List.of(args));
    Result result = run(command.toArray(String[]::new));
    assertThat(result.code()).as("%s: %s", command, result.output()).isZero();
    return result.output();
  }

  record Result(int code, String output) {}

  private Result run(String... command) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Process process =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("timed out: " + List.of(command));
    }
    return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }
}
